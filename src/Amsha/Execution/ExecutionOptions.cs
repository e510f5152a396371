using System;

namespace Amsha;

/// <summary>Per-execution choices a client passes to <c>RunAsync</c>, <c>Start</c>, <c>StartBackground</c> and <c>Resume</c>.</summary>
public sealed class ExecutionOptions
{
    /// <summary>
    /// The state the execution carries. Amsha never interprets it; a background execution
    /// persists it with every checkpoint and a resumed execution gets it back (a state given to
    /// <c>Resume</c> is used only when the record holds none). Read it after the run through the
    /// same instance or <see cref="ExecutionHandle.State"/>.
    /// </summary>
    public ExecutionState? State { get; set; }

    /// <summary>The store of this execution's records; the session's store when null.</summary>
    public IExecutionStore? Store { get; set; }

    /// <summary>Model and parameter overrides for this execution's LLM calls; the configured ones when null.</summary>
    public LlmOverrideOptions? Llm { get; set; }

    /// <summary>
    /// Which definitions a resumed execution continues with when they changed since it started: the recorded ones
    /// (the default; an error when they cannot be rebuilt) or the current ones.
    /// </summary>
    public DefinitionVersionPolicy DefinitionVersion { get; set; }

    /// <summary>
    /// How long each input request of this execution (a review, an approval) stays open; null (the default) for no
    /// deadline. A request that passes its deadline expires (<see cref="ExecutionStatus.InputExpired"/>): nothing
    /// runs on its own, and resuming asks again.
    /// </summary>
    public TimeSpan? InputTimeout
    {
        get => _inputTimeout;
        set => _inputTimeout = value is { } timeout && timeout <= TimeSpan.Zero
            ? throw new ArgumentOutOfRangeException(nameof(value), timeout, "An input timeout must be positive; null means no deadline.")
            : value;
    }

    private TimeSpan? _inputTimeout;
}

/// <summary>Which definitions a resumed execution continues with when they changed since it started.</summary>
public enum DefinitionVersionPolicy
{
    /// <summary>The definitions the execution started with; <see cref="ExecutionDefinitionChangedException"/> when they are no longer available.</summary>
    Recorded,

    /// <summary>The definitions in force now.</summary>
    Current,
}
