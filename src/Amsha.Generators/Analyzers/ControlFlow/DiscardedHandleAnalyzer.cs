using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA204: the handle of <c>StartBackground</c>/<c>Resume</c> (or the awaited handle of their
/// <c>Async</c> forms) used as an expression statement or assigned to the discard <c>_</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DiscardedHandleAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.DiscardedBackgroundHandle);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, AmshaSymbols symbols)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name is not ("StartBackground" or "StartBackgroundAsync" or "Resume" or "ResumeAsync")
            || !ExecutionCalls.IsBackground(ExecutionCalls.Classify(invocation.TargetMethod, symbols))
            || !IsDiscarded(invocation))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.DiscardedBackgroundHandle,
            invocation.Syntax.GetLocation(),
            ExecutionCalls.Display(invocation.TargetMethod)));
    }

    private static bool IsDiscarded(IOperation value)
    {
        var parent = value.Parent;

        // crew?.StartBackground(x); the invocation is the WhenNotNull part of a conditional access.
        while (parent is IConditionalAccessOperation access && access.WhenNotNull == value)
        {
            value = parent;
            parent = parent.Parent;
        }

        // await crew.StartBackgroundAsync(x) (possibly .ConfigureAwait(false)): the awaited handle is what is kept or lost.
        while (parent is IConversionOperation or IParenthesizedOperation or IAwaitOperation
            || (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == value))
        {
            value = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            IExpressionStatementOperation => true,
            ISimpleAssignmentOperation assignment => assignment.Value == value && assignment.Target is IDiscardOperation,
            _ => false,
        };
    }
}
