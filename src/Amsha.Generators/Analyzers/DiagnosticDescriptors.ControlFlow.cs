using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>AMSHA2xx: control flow belongs to the client (L4).</summary>
internal static partial class DiagnosticDescriptors
{
    /// <summary>{0} the construct ("a 'foreach' loop"), {1} the declaration type.</summary>
    public static readonly DiagnosticDescriptor FlowLogicInDeclaration = Create(
        "AMSHA201",
        "Flow logic inside a declaration",
        "Declaration type '{1}' contains {0}: declarations are passive; put loops, branches, error handling and runs in client code (L4)",
        ControlFlowCategory,
        DiagnosticSeverity.Warning);

    /// <summary>{0} the blocking construct, {1} the call that produced the task.</summary>
    public static readonly DiagnosticDescriptor BlockingWait = Create(
        "AMSHA202",
        "Blocking wait on an execution",
        "'{0}' blocks the thread on '{1}': await it instead (blocking can deadlock and holds a thread for the whole execution)",
        ControlFlowCategory,
        DiagnosticSeverity.Warning);

    /// <summary>{0} the handle, {1} the method it came from.</summary>
    public static readonly DiagnosticDescriptor StreamOnBackgroundHandle = Create(
        "AMSHA203",
        "StreamAsync on a background execution",
        "'{0}' comes from '{1}', which runs in the background: it is never an InteractiveExecutionHandle, so this conversion fails and it cannot stream; poll Status and Progress or await ResultAsync(), or use Start() for a streamed execution",
        ControlFlowCategory,
        DiagnosticSeverity.Error);

    /// <summary>{0} the method whose handle is discarded.</summary>
    public static readonly DiagnosticDescriptor DiscardedBackgroundHandle = Create(
        "AMSHA204",
        "Background execution handle discarded",
        "The ExecutionHandle returned by '{0}' is discarded: its execution id is lost, so the run can never be polled, awaited, resumed or canceled; keep the handle or its ExecutionId",
        ControlFlowCategory,
        DiagnosticSeverity.Warning);

    /// <summary>{0} the retrying call, {1} what retries inside it, {2} MaxAttempts.</summary>
    public static readonly DiagnosticDescriptor RetryStorm = Create(
        "AMSHA205",
        "Client retry loop around a call that already retries",
        "'{0}' already retries: {1} up to MaxAttempts = {2} times; this loop catches its failure and calls it again, so attempts multiply (retry storm); raise MaxAttempts by configuration instead, or retry with a different input",
        ControlFlowCategory,
        DiagnosticSeverity.Info);

    /// <summary>{0} the blocking construct, {1} the call that produced the task, {2} the tool method.</summary>
    public static readonly DiagnosticDescriptor BlockingWaitInTool = Create(
        "AMSHA206",
        "Blocking wait inside a tool",
        "'{0}' blocks the thread on '{1}' inside tool '{2}': await it and let the tool return Task or ValueTask (the execution awaits its tools; blocking holds a thread for the whole call, can deadlock and ignores cancellation)",
        ControlFlowCategory,
        DiagnosticSeverity.Warning);

    /// <summary>{0} the crew, {1} where it waits for a person, {2} the run call.</summary>
    public static readonly DiagnosticDescriptor UnansweredHumanInput = Create(
        "AMSHA207",
        "Crew that waits for a person run with RunAsync",
        "Crew '{0}' waits for a person ({1}), but '{2}' returns only the result: nothing holds a handle to answer with, so the execution waits until it is canceled; start it with Start(...) and answer through handle.SubmitInputAsync(...), or with StartBackgroundAsync(...) and answer by its execution id",
        ControlFlowCategory,
        DiagnosticSeverity.Warning);
}
