using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA203: <c>StreamAsync</c> on a handle known, within the same method, to come from
/// <c>StartBackground</c> or <c>Resume</c>. Handles from parameters, fields, other calls or mixed
/// assignments are unknown flow and stay silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BackgroundStreamAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.StreamOnBackgroundHandle);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.ExecutionHandle is null)
        {
            return;
        }

        start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, AmshaSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "StreamAsync"
            || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, symbols.ExecutionHandle)
            || BackgroundSource(invocation.Instance, symbols) is not { } source)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.StreamOnBackgroundHandle,
            invocation.Syntax.GetLocation(),
            invocation.Instance!.Syntax.ToString(),
            ExecutionCalls.Display(source.TargetMethod)));
    }

    /// <summary>The <c>StartBackground</c>/<c>Resume</c> call the handle certainly comes from, or null.</summary>
    private static IInvocationOperation? BackgroundSource(IOperation? handle, AmshaSymbols symbols)
    {
        while (handle is IConversionOperation or IParenthesizedOperation)
        {
            handle = handle is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)handle).Operand;
        }

        if (handle is IInvocationOperation invocation)
        {
            return IsBackground(invocation, symbols) ? invocation : null;
        }

        if (handle is not ILocalReferenceOperation local || LocalValues.AssignedValues(local.Local, handle) is not { Count: > 0 } values)
        {
            return null;
        }

        IInvocationOperation? first = null;
        foreach (var value in values)
        {
            var assigned = value;
            while (assigned is IConversionOperation or IParenthesizedOperation)
            {
                assigned = assigned is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)assigned).Operand;
            }

            // Every assignment must be a background start: one interactive or unknown value makes the flow unknown.
            if (assigned is not IInvocationOperation candidate || !IsBackground(candidate, symbols))
            {
                return null;
            }

            first ??= candidate;
        }

        return first;
    }

    private static bool IsBackground(IInvocationOperation invocation, AmshaSymbols symbols) =>
        ExecutionCalls.IsBackground(ExecutionCalls.Classify(invocation.TargetMethod, symbols));
}
