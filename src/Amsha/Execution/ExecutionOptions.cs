namespace Amsha;

/// <summary>Per-execution choices a client passes to <c>RunAsync</c>, <c>Start</c> and <c>StartBackground</c>.</summary>
public sealed class ExecutionOptions
{
    /// <summary>
    /// The state the execution carries. Amsha never interprets it; a background execution
    /// persists it with every checkpoint and a resumed execution gets it back. Read it after
    /// the run through the same instance or <see cref="ExecutionHandle{T}.State"/>.
    /// </summary>
    public ExecutionState? State { get; set; }

    /// <summary>The store of this execution's checkpoints; the session's store when null.</summary>
    public IExecutionStore? Store { get; set; }
}
