using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA202: <c>.Result</c>, <c>.Wait()</c> and <c>.GetAwaiter().GetResult()</c> on a task that comes
/// from a crew's <c>RunAsync</c>, an <c>[AmshaLlmCall]</c> method or <c>ExecutionHandle&lt;T&gt;.ResultAsync</c>,
/// directly or through a local assigned only from such calls and otherwise only read by such blocking
/// expressions (any other use of the local, such as <c>await Task.WhenAll(a, b)</c>, makes the flow unknown).
/// The reported span is the whole blocking expression, which the code fix replaces with an <c>await</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingWaitAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.BlockingWait);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var tasks = new TaskTypes(start.Compilation);

        // One LocalValues per code block: the block is walked once for all its locals.
        start.RegisterOperationBlockStartAction(block =>
        {
            var locals = new LocalValues(block.OperationBlocks, symbols.Work);
            block.RegisterOperationAction(c => AnalyzeResult(c, symbols, tasks, locals), OperationKind.PropertyReference);
            block.RegisterOperationAction(c => AnalyzeInvocation(c, symbols, tasks, locals), OperationKind.Invocation);
        });
    }

    private static void AnalyzeResult(OperationAnalysisContext context, AmshaSymbols symbols, TaskTypes tasks, LocalValues locals)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name == "Result" && tasks.IsTask(reference.Property.ContainingType))
        {
            Report(context, reference.Instance, ".Result", symbols, tasks, locals);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, AmshaSymbols symbols, TaskTypes tasks, LocalValues locals)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "Wait" && tasks.IsTask(method.ContainingType))
        {
            Report(context, invocation.Instance, ".Wait()", symbols, tasks, locals);
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
                Report(context, awaited, ".GetAwaiter().GetResult()", symbols, tasks, locals);
            }
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation? task, string construct, AmshaSymbols symbols, TaskTypes tasks, LocalValues locals)
    {
        if (Source(task, symbols, tasks, locals, context.CancellationToken) is { } source)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BlockingWait,
                context.Operation.Syntax.GetLocation(),
                construct,
                ExecutionCalls.Display(source.TargetMethod)));
        }
    }

    /// <summary>The Amsha call that produced <paramref name="task"/>, or null when it is anything else or unknown.</summary>
    private static IInvocationOperation? Source(IOperation? task, AmshaSymbols symbols, TaskTypes tasks, LocalValues locals, CancellationToken cancellationToken)
    {
        while (task is IConversionOperation or IParenthesizedOperation)
        {
            task = task is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)task).Operand;
        }

        if (task is IInvocationOperation invocation)
        {
            return IsAmshaTask(invocation, symbols) ? invocation : null;
        }

        // Through a local: only when the method does nothing with it but assign it Amsha tasks and block on it
        // (worked out once per local, however many blocking reads it has).
        return task is ILocalReferenceOperation local ? locals.Remember(local.Local, l => SourceOf(l, symbols, tasks, locals, cancellationToken)) : null;
    }

    private static IInvocationOperation? SourceOf(ILocalSymbol local, AmshaSymbols symbols, TaskTypes tasks, LocalValues locals, CancellationToken cancellationToken)
    {
        if (!locals.IsOnlyReadAs(local, read => IsBlockingRead(read, tasks), cancellationToken)
            || locals.AssignedValues(local, cancellationToken) is not { Count: > 0 } values)
        {
            return null;
        }

        IInvocationOperation? first = null;
        foreach (var value in values)
        {
            symbols.Work.Step(WorkKind.Operations, cancellationToken);
            if (ExecutionCalls.UnwrapInvocation(value) is not { } assigned || value is IAwaitOperation || !IsAmshaTask(assigned, symbols))
            {
                return null;
            }

            first ??= assigned;
        }

        return first;
    }

    /// <summary>
    /// True when <paramref name="task"/> is the task of one of the blocking expressions this analyzer reports:
    /// <c>task.Result</c>, <c>task.Wait(...)</c>, <c>task.GetAwaiter().GetResult()</c>,
    /// <c>task.ConfigureAwait(...).GetAwaiter().GetResult()</c>.
    /// </summary>
    private static bool IsBlockingRead(IOperation task, TaskTypes tasks)
    {
        switch (task.Parent)
        {
            case IPropertyReferenceOperation property when property.Instance == task:
                return property.Property.Name == "Result" && tasks.IsTask(property.Property.ContainingType);
            case IInvocationOperation invocation when invocation.Instance == task:
                var method = invocation.TargetMethod;
                if (method.Name == "Wait")
                {
                    return tasks.IsTask(method.ContainingType);
                }

                if (method.Name == "ConfigureAwait" && tasks.IsTask(method.ContainingType))
                {
                    return invocation.Parent is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter && getAwaiter.Instance == invocation && IsGetResultOf(getAwaiter);
                }

                return method.Name == "GetAwaiter" && IsGetResultOf(invocation);
            default:
                return false;
        }

        static bool IsGetResultOf(IInvocationOperation getAwaiter) =>
            getAwaiter.Parent is IInvocationOperation { TargetMethod.Name: "GetResult" } getResult && getResult.Instance == getAwaiter;
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
