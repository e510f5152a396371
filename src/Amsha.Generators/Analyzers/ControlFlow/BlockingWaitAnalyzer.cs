using System.Collections.Immutable;
using System.Threading;
using Amsha.Generators.Analyzers.Declarations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// Blocking waits: <c>.Result</c>, <c>.Wait()</c> and <c>.GetAwaiter().GetResult()</c> (also after <c>ConfigureAwait</c>)
/// on a task returned by a call, directly or through a local assigned only from calls and otherwise only read by
/// such blocking expressions (any other use of the local, such as <c>await Task.WhenAll(a, b)</c>, makes the flow
/// unknown, and unknown flow is never reported):
/// <list type="bullet">
/// <item>AMSHA202 when every such call is a crew's <c>RunAsync</c>, an <c>[AmshaLlmCall]</c> method or
/// <c>ExecutionHandle&lt;T&gt;.ResultAsync</c> (an execution), anywhere;</item>
/// <item>AMSHA206 for any other call, inside the body of a <c>[Tool]</c> method (lambdas and local functions in it included).</item>
/// </list>
/// The reported span is the whole blocking expression, which the code fix replaces with an <c>await</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingWaitAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.BlockingWait, DiagnosticDescriptors.BlockingWaitInTool);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var tasks = new TaskTypes(start.Compilation);

        // One LocalValues per code block: the block is walked once for all its locals.
        start.RegisterOperationBlockStartAction(block =>
        {
            var scope = new Block(new LocalValues(block.OperationBlocks, symbols.Work), ToolOf(block.OwningSymbol, symbols, block.CancellationToken));
            block.RegisterOperationAction(c => AnalyzeResult(c, symbols, tasks, scope), OperationKind.PropertyReference);
            block.RegisterOperationAction(c => AnalyzeInvocation(c, symbols, tasks, scope), OperationKind.Invocation);
        });
    }

    /// <summary>The <c>[Tool]</c> method a code block is the body of, or null.</summary>
    private static IMethodSymbol? ToolOf(ISymbol owner, AmshaSymbols symbols, CancellationToken cancellationToken) =>
        symbols.ToolAttribute is not null && owner is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
        && symbols.ToolAttributeOf(method.PartialDefinitionPart ?? method, cancellationToken) is not null
            ? method
            : null;

    private static void AnalyzeResult(OperationAnalysisContext context, AmshaSymbols symbols, TaskTypes tasks, Block scope)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name == "Result" && tasks.IsTask(reference.Property.ContainingType))
        {
            Report(context, reference.Instance, ".Result", symbols, tasks, scope);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, AmshaSymbols symbols, TaskTypes tasks, Block scope)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "Wait" && tasks.IsTask(method.ContainingType))
        {
            Report(context, invocation.Instance, ".Wait()", symbols, tasks, scope);
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
                Report(context, awaited, ".GetAwaiter().GetResult()", symbols, tasks, scope);
            }
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation? task, string construct, AmshaSymbols symbols, TaskTypes tasks, Block scope)
    {
        if (Source(task, symbols, tasks, scope, context.CancellationToken) is not { } source)
        {
            return;
        }

        if (source.IsExecution)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BlockingWait,
                context.Operation.Syntax.GetLocation(),
                construct,
                ExecutionCalls.Display(source.Call.TargetMethod)));
        }
        else if (scope.Tool is { } tool)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BlockingWaitInTool,
                context.Operation.Syntax.GetLocation(),
                construct,
                ExecutionCalls.Display(source.Call.TargetMethod),
                ToolFacts.Display(tool)));
        }
    }

    /// <summary>The call that produced <paramref name="task"/>, or null when it is anything else or unknown (or of no interest here).</summary>
    private static TaskSource? Source(IOperation? task, AmshaSymbols symbols, TaskTypes tasks, Block scope, CancellationToken cancellationToken)
    {
        while (task is IConversionOperation or IParenthesizedOperation)
        {
            task = task is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)task).Operand;
        }

        if (task is IInvocationOperation invocation)
        {
            var isExecution = IsAmshaTask(invocation, symbols);
            return isExecution || scope.Tool is not null ? new TaskSource(invocation, isExecution) : null;
        }

        // Through a local: only when the method does nothing with it but assign it tasks from calls and block on it
        // (worked out once per local, however many blocking reads it has).
        return task is ILocalReferenceOperation local ? scope.Sources.Get(local.Local, l => SourceOf(l, symbols, tasks, scope.Locals, cancellationToken)) : null;
    }

    private static TaskSource? SourceOf(ILocalSymbol local, AmshaSymbols symbols, TaskTypes tasks, LocalValues locals, CancellationToken cancellationToken)
    {
        if (!locals.IsOnlyReadAs(local, read => IsBlockingRead(read, tasks), cancellationToken)
            || locals.AssignedValues(local, cancellationToken) is not { Count: > 0 } values)
        {
            return null;
        }

        IInvocationOperation? first = null;
        var isExecution = true;
        foreach (var value in values)
        {
            symbols.Work.Step(WorkKind.Operations, cancellationToken);
            if (ExecutionCalls.UnwrapInvocation(value) is not { } assigned || value is IAwaitOperation)
            {
                return null;
            }

            first ??= assigned;
            isExecution &= IsAmshaTask(assigned, symbols);
        }

        return first is null ? null : new TaskSource(first, isExecution);
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

    /// <summary>The call a blocked-on task comes from (for a local, the first of its calls), and whether all of them start or await an execution.</summary>
    private sealed record TaskSource(IInvocationOperation Call, bool IsExecution);

    /// <summary>One code block: its locals, the tool it is the body of (or null), and each local's source, worked out once.</summary>
    private sealed class Block(LocalValues locals, IMethodSymbol? tool)
    {
        public LocalValues Locals { get; } = locals;

        public IMethodSymbol? Tool { get; } = tool;

        public AnalysisCache<ILocalSymbol, TaskSource?> Sources { get; } = new(SymbolEqualityComparer.Default);
    }

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
