using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA205: a loop whose body catches the failure of a call that already retries (a crew run or an
/// <c>[AmshaLlmCall]</c> method) and lets the loop call it again with the same receiver and input.
/// A loop that changes the input, the crew or the branch taken between attempts makes a different
/// decision each time (the client owns flow) and stays silent, as does a catch that always leaves
/// the loop (<c>throw</c>, <c>return</c>, <c>break</c>). What a code block's loops write, and which loop
/// and try surround each call, is worked out once per block (<see cref="RetryLoops"/>), not per call.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RetryStormAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.RetryStorm);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var cancellationToken = start.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        start.RegisterOperationBlockStartAction(block =>
        {
            var loops = new RetryLoops(block.OperationBlocks, symbols.Work);
            block.RegisterOperationAction(c => Analyze(c, symbols, cancellationToken, loops), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, AmshaSymbols symbols, INamedTypeSymbol? cancellationToken, RetryLoops loops)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var token = context.CancellationToken;
        symbols.Work.Step(WorkKind.Operations, token);
        var kind = ExecutionCalls.Classify(invocation.TargetMethod, symbols);
        if (!ExecutionCalls.Retries(kind)
            || (context.ContainingSymbol.ContainingType is { } owner && symbols.IsDeclarationType(owner, token))
            || loops.Find(invocation, token) is not { } found
            || loops.Writes(found.Loop, token) is not { } written
            || !loops.IsInvariant(invocation.Instance, written, token))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            symbols.Work.Step(WorkKind.Operations, token);
            if (!SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type, cancellationToken) && !loops.IsInvariant(argument.Value, written, token))
            {
                return;
            }
        }

        // A branch between the try and the call that depends on loop state picks a different call per attempt.
        if (!loops.BranchesAreInvariant(invocation, found.Try, written, token))
        {
            return;
        }

        var llmCall = kind == ExecutionCallKind.LlmCall;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.RetryStorm,
            invocation.Syntax.GetLocation(),
            ExecutionCalls.Display(invocation.TargetMethod),
            llmCall ? "its LLM call is attempted" : "each of the crew's LLM calls is attempted",
            (llmCall ? ExecutionCalls.MaxAttempts(invocation.TargetMethod, symbols) : ExecutionCalls.DefaultMaxAttempts).ToString(CultureInfo.InvariantCulture)));
    }
}
