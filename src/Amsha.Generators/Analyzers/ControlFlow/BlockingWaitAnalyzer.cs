using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA202: <c>.Result</c>, <c>.Wait()</c> and <c>.GetAwaiter().GetResult()</c> on a task that comes
/// from a crew's <c>RunAsync</c>, an <c>[AmshaLlmCall]</c> method or <c>ExecutionHandle&lt;T&gt;.ResultAsync</c>,
/// directly or through a local assigned only from such calls. The reported span is the whole blocking
/// expression, which the code fix replaces with an <c>await</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingWaitAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.BlockingWait);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var tasks = new TaskTypes(start.Compilation);
        start.RegisterOperationAction(c => AnalyzeResult(c, symbols, tasks), OperationKind.PropertyReference);
        start.RegisterOperationAction(c => AnalyzeInvocation(c, symbols, tasks), OperationKind.Invocation);
    }

    private static void AnalyzeResult(OperationAnalysisContext context, AmshaSymbols symbols, TaskTypes tasks)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name == "Result" && tasks.IsTask(reference.Property.ContainingType))
        {
            Report(context, reference.Instance, ".Result", symbols);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, AmshaSymbols symbols, TaskTypes tasks)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "Wait" && tasks.IsTask(method.ContainingType))
        {
            Report(context, invocation.Instance, ".Wait()", symbols);
        }
        else if (method.Name == "GetResult" && invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter)
        {
            var awaited = getAwaiter.Instance;
            if (awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && tasks.IsTask(configured.TargetMethod.ContainingType))
            {
                awaited = configured.Instance;
            }

            if (awaited is not null && tasks.IsTask(awaited.Type))
            {
                Report(context, awaited, ".GetAwaiter().GetResult()", symbols);
            }
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation? task, string construct, AmshaSymbols symbols)
    {
        if (Source(task, symbols) is { } source)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BlockingWait,
                context.Operation.Syntax.GetLocation(),
                construct,
                ExecutionCalls.Display(source.TargetMethod)));
        }
    }

    /// <summary>The Amsha call that produced <paramref name="task"/>, or null when it is anything else or unknown.</summary>
    private static IInvocationOperation? Source(IOperation? task, AmshaSymbols symbols)
    {
        while (task is IConversionOperation or IParenthesizedOperation)
        {
            task = task is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)task).Operand;
        }

        if (task is IInvocationOperation invocation)
        {
            return IsAmshaTask(invocation, symbols) ? invocation : null;
        }

        if (task is ILocalReferenceOperation local && !LocalValues.IsAwaitedOrShared(local.Local, task) && LocalValues.AssignedValues(local.Local, task) is { Count: > 0 } values)
        {
            IInvocationOperation? first = null;
            foreach (var value in values)
            {
                if (ExecutionCalls.UnwrapInvocation(value) is not { } assigned || value is IAwaitOperation || !IsAmshaTask(assigned, symbols))
                {
                    return null;
                }

                first ??= assigned;
            }

            return first;
        }

        return null;
    }

    private static bool IsAmshaTask(IInvocationOperation invocation, AmshaSymbols symbols) =>
        ExecutionCalls.Classify(invocation.TargetMethod, symbols) is ExecutionCallKind.RunAsync or ExecutionCallKind.LlmCall or ExecutionCallKind.HandleResult
            or ExecutionCallKind.StartBackgroundAsync or ExecutionCallKind.ResumeAsync;

    /// <summary><c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c>, <c>ValueTask&lt;T&gt;</c>.</summary>
    private sealed class TaskTypes(Compilation compilation)
    {
        private readonly INamedTypeSymbol? _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        private readonly INamedTypeSymbol? _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        private readonly INamedTypeSymbol? _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        private readonly INamedTypeSymbol? _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");

        public bool IsTask(ITypeSymbol? type)
        {
            var definition = type?.OriginalDefinition;
            return definition is not null
                && (SymbolEqualityComparer.Default.Equals(definition, _task)
                    || SymbolEqualityComparer.Default.Equals(definition, _taskOfT)
                    || SymbolEqualityComparer.Default.Equals(definition, _valueTask)
                    || SymbolEqualityComparer.Default.Equals(definition, _valueTaskOfT));
        }
    }
}
