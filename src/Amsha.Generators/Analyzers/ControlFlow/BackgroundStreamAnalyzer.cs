using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA203: a handle known, within the same method, to come from <c>StartBackground</c>/<c>Resume</c> (or the
/// awaited <c>StartBackgroundAsync</c>/<c>ResumeAsync</c>) is cast, <c>as</c>-converted or type-tested to
/// <c>InteractiveExecutionHandle&lt;T&gt;</c> to reach <c>StreamAsync</c>. The types already keep
/// <c>StreamAsync</c> off background handles; this is the one way around them, and it always fails at run time.
/// Handles from parameters, fields, other calls or mixed assignments are unknown flow and stay silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BackgroundStreamAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.StreamOnBackgroundHandle);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.InteractiveExecutionHandle is null)
        {
            return;
        }

        // One LocalValues per code block: the block is walked once for all its locals.
        start.RegisterOperationBlockStartAction(block =>
        {
            var locals = new LocalValues(block.OperationBlocks, symbols.Work);
            block.RegisterOperationAction(c => AnalyzeConversion(c, symbols, locals), OperationKind.Conversion);
            block.RegisterOperationAction(c => AnalyzeTypeTest(c, symbols, locals), OperationKind.IsType, OperationKind.IsPattern);
        });
    }

    private static void AnalyzeConversion(OperationAnalysisContext context, AmshaSymbols symbols, LocalValues locals)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var conversion = (IConversionOperation)context.Operation;
        if (!conversion.IsImplicit && IsInteractiveHandle(conversion.Type, symbols))
        {
            Report(context, conversion.Operand, symbols, locals);
        }
    }

    private static void AnalyzeTypeTest(OperationAnalysisContext context, AmshaSymbols symbols, LocalValues locals)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        switch (context.Operation)
        {
            case IIsTypeOperation test when IsInteractiveHandle(test.TypeOperand, symbols):
                Report(context, test.ValueOperand, symbols, locals);
                break;
            case IIsPatternOperation pattern when TestedType(pattern.Pattern) is { } type && IsInteractiveHandle(type, symbols):
                Report(context, pattern.Value, symbols, locals);
                break;
        }
    }

    private static ITypeSymbol? TestedType(IPatternOperation pattern) => pattern switch
    {
        IDeclarationPatternOperation declaration => declaration.MatchedType,
        ITypePatternOperation type => type.MatchedType,
        _ => null,
    };

    private static void Report(OperationAnalysisContext context, IOperation handle, AmshaSymbols symbols, LocalValues locals)
    {
        if (BackgroundSource(handle, symbols, locals, context.CancellationToken) is { } source)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.StreamOnBackgroundHandle,
                context.Operation.Syntax.GetLocation(),
                MessageText.Source(Unwrap(handle).Syntax, context.CancellationToken),
                ExecutionCalls.Display(source.TargetMethod)));
        }
    }

    private static bool IsInteractiveHandle(ITypeSymbol? type, AmshaSymbols symbols) =>
        type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, symbols.InteractiveExecutionHandle);

    /// <summary>The background start the handle certainly comes from, or null.</summary>
    private static IInvocationOperation? BackgroundSource(IOperation handle, AmshaSymbols symbols, LocalValues locals, CancellationToken cancellationToken)
    {
        handle = Unwrap(handle);
        return handle is ILocalReferenceOperation local
            ? locals.Remember(local.Local, l => BackgroundSourceOf(l, symbols, locals, cancellationToken))
            : Start(handle, symbols);
    }

    /// <summary>The background start every value of <paramref name="local"/> comes from (worked out once per local).</summary>
    private static IInvocationOperation? BackgroundSourceOf(ILocalSymbol local, AmshaSymbols symbols, LocalValues locals, CancellationToken cancellationToken)
    {
        if (locals.AssignedValues(local, cancellationToken) is not { Count: > 0 } values)
        {
            return null;
        }

        IInvocationOperation? first = null;
        foreach (var value in values)
        {
            symbols.Work.Step(WorkKind.Operations, cancellationToken);

            // Every assignment must be a background start: one interactive or unknown value makes the flow unknown.
            if (Start(Unwrap(value), symbols) is not { } start)
            {
                return null;
            }

            first ??= start;
        }

        return first;
    }

    // crew.StartBackground(x), crew.Resume(id), await crew.StartBackgroundAsync(x) (ConfigureAwait included).
    private static IInvocationOperation? Start(IOperation value, AmshaSymbols symbols)
    {
        if (value is IAwaitOperation awaited)
        {
            var operation = Unwrap(awaited.Operation);
            if (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            {
                operation = Unwrap(configured);
            }

            return operation is IInvocationOperation asyncStart && ExecutionCalls.ReturnsTaskOfHandle(ExecutionCalls.Classify(asyncStart.TargetMethod, symbols))
                ? asyncStart
                : null;
        }

        return value is IInvocationOperation start && ExecutionCalls.Classify(start.TargetMethod, symbols) is ExecutionCallKind.StartBackground or ExecutionCallKind.Resume
            ? start
            : null;
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}
