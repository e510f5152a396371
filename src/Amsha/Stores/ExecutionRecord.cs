using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>
/// The durable record of one execution, as an <see cref="IExecutionStore"/> keeps it: what ran,
/// with which input and state, what finished, how it ended. Background executions write it after
/// every task (a checkpoint); <see cref="ExecutionSession.GetExecutionAsync"/> reads it back, also
/// from another process sharing the store.
/// </summary>
public sealed record ExecutionRecord
{
    /// <summary>The execution's id.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>The crew that runs; a resume by another crew is rejected.</summary>
    public required string CrewName { get; init; }

    /// <summary>The execution's mode.</summary>
    public ExecutionMode Mode { get; init; } = ExecutionMode.Background;

    /// <summary>The last status written.</summary>
    public ExecutionStatus Status { get; init; }

    /// <summary>Every status the record went through, oldest first; a resume appends a new <see cref="ExecutionStatus.Running"/>.</summary>
    public IReadOnlyList<ExecutionStatusChange> StatusHistory { get; init; } = Array.Empty<ExecutionStatusChange>();

    /// <summary>The crew input as JSON (written with <see cref="Serialization.JsonCodecs"/>).</summary>
    public required string InputJson { get; init; }

    /// <summary>Tasks in the crew's plan.</summary>
    public int TotalTasks { get; init; }

    /// <summary>The outputs of the finished tasks, in the order they finished.</summary>
    public IReadOnlyList<StoredTaskOutput> TaskOutputs { get; init; } = Array.Empty<StoredTaskOutput>();

    /// <summary>The execution's <see cref="ExecutionState"/> as saved at the last checkpoint, if it has one.</summary>
    public string? StateJson { get; init; }

    /// <summary>
    /// The tool calls of unfinished tasks that completed, each journaled before the model saw its result: a resumed
    /// task that calls the same tool with the same arguments gets the journaled result instead of running it again.
    /// A task's entries are dropped when its output is stored.
    /// </summary>
    public IReadOnlyList<JournaledToolCall> ToolCalls { get; init; } = Array.Empty<JournaledToolCall>();

    /// <summary>
    /// The requests the execution waits on (status <see cref="ExecutionStatus.WaitingForInput"/>), or that expired
    /// (<see cref="ExecutionStatus.InputExpired"/>); empty otherwise. Answer them with <c>SubmitInputAsync</c>.
    /// </summary>
    public IReadOnlyList<InputRequest> PendingInput { get; init; } = Array.Empty<InputRequest>();

    /// <summary>Every answered input request, oldest first: what was asked, the answer, who gave it and when.</summary>
    public IReadOnlyList<AnsweredInput> InputHistory { get; init; } = Array.Empty<AnsweredInput>();

    /// <summary>Why the execution failed, when it did.</summary>
    public ExecutionError? Error { get; init; }

    /// <summary>Where the crew's definitions came from: <c>compiled</c>, or the run-time definitions' version.</summary>
    public string? DefinitionVersion { get; init; }

    /// <summary>A hash of the definitions the execution runs with (plan, agents, use cases, tools, texts).</summary>
    public string? DefinitionFingerprint { get; init; }

    /// <summary>The run-time definitions the execution runs with (JSON), so a resume can rebuild them; null for compiled crews as compiled.</summary>
    public string? DefinitionSnapshot { get; init; }

    /// <summary>Time spent running, summed over the attempts that ended (the time of an attempt whose process died is not counted).</summary>
    public TimeSpan RunTime { get; init; }

    /// <summary>
    /// The execution's <see cref="AmshaMetrics"/> as of the last write: running figures at each
    /// checkpoint, final figures once it ended. A resumed execution's figures add up over its runs
    /// (see <see cref="AmshaMetrics.Runs"/>). Null in records written before metrics were stored.
    /// </summary>
    public AmshaMetrics? Metrics { get; init; }

    /// <summary>
    /// The process (a silo, a worker) running the execution, when its session names itself
    /// (<see cref="ExecutionSession.UseOwner"/>); null when nobody owns it (ended, waiting, or run by a session that
    /// names no owner).
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>
    /// Until when <see cref="Owner"/> holds the execution: the owner renews it while the run goes on. A
    /// <see cref="ExecutionStatus.Running"/> record whose lease has expired is orphaned: its owner is gone
    /// (see <see cref="IsOrphanedAt"/>).
    /// </summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>
    /// Whether the execution is orphaned at <paramref name="now"/>: stored <see cref="ExecutionStatus.Running"/> or
    /// <see cref="ExecutionStatus.Pending"/> by an owner whose lease expired, so no process runs it any more. A record
    /// without a lease is never reported orphaned: nothing says whether its process still lives.
    /// </summary>
    public bool IsOrphanedAt(DateTimeOffset now) =>
        Status is ExecutionStatus.Running or ExecutionStatus.Pending && LeaseExpiresAt is { } expires && expires <= now;

    /// <summary>The first record of a new background execution of <paramref name="crew"/>: pending (or running), nothing done yet.</summary>
    // running: the execution runs at once, here; the record says Running (after the Pending it passed through), so a
    // local start needs no second write before its first task. Either way it has no metrics yet: nothing ran.
    internal static ExecutionRecord First<TInput, TOutput>(string executionId, Generated.CrewDefinition<TInput, TOutput> crew, string inputJson, string? stateJson, DateTimeOffset now, bool running = false) => new()
    {
        ExecutionId = executionId,
        CrewName = crew.Name,
        Mode = ExecutionMode.Background,
        Status = running ? ExecutionStatus.Running : ExecutionStatus.Pending,
        StatusHistory = running
            ? new[] { new ExecutionStatusChange(ExecutionStatus.Pending, now), new ExecutionStatusChange(ExecutionStatus.Running, now) }
            : new[] { new ExecutionStatusChange(ExecutionStatus.Pending, now) },
        InputJson = inputJson,
        TotalTasks = crew.Tasks.Count,
        StateJson = stateJson,
        DefinitionVersion = crew.Version,
        DefinitionFingerprint = crew.Fingerprint,
        DefinitionSnapshot = crew.Snapshot?.ToJson(),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>When the execution was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the record was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Increments with every write. A writer passes the revision it read; the store rejects the
    /// write with <see cref="ExecutionConflictException"/> when someone else wrote in between.
    /// 0 means "not stored yet".
    /// </summary>
    public long Revision { get => _revision; init => _revision = value; }

    private long _revision;

    /// <summary>
    /// Sets the revision of a record that nobody holds yet: a store that adopts the record a checkpoint has just made
    /// (<see cref="IRecordAdoptingStore"/>) stamps its new revision in place instead of copying it.
    /// </summary>
    internal void StampRevisionOfUnpublished(long revision) => _revision = revision;

    /// <summary>How far the execution has come.</summary>
    public ExecutionProgress Progress => new(TaskOutputs.Count, TotalTasks, null);

    /// <summary>The stored output of the task named <paramref name="taskName"/>, if it finished.</summary>
    public StoredTaskOutput? FindTaskOutput(string taskName)
    {
        foreach (var output in TaskOutputs)
        {
            if (string.Equals(output.TaskName, taskName, StringComparison.Ordinal))
            {
                return output;
            }
        }

        return null;
    }
}

/// <summary>A completed tool call of an unfinished task, as journaled in its execution's record.</summary>
/// <param name="TaskName">The task that made it.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="Arguments">The arguments as canonical JSON (properties sorted, no whitespace): what a repeated call is matched by.</param>
/// <param name="Result">The result as sent to the model.</param>
/// <param name="CompletedAt">When the tool returned.</param>
public sealed record JournaledToolCall(string TaskName, string ToolName, string CallId, string Arguments, string Result, DateTimeOffset CompletedAt);

/// <summary>A finished task's output as stored.</summary>
/// <param name="TaskIndex">The task's position in the crew's declaration.</param>
/// <param name="TaskName">The task.</param>
/// <param name="AgentName">The agent that performed it.</param>
/// <param name="Text">The output as text (JSON for structured outputs).</param>
/// <param name="Duration">How long the task took.</param>
public sealed record StoredTaskOutput(int TaskIndex, string TaskName, string AgentName, string Text, TimeSpan Duration);

/// <summary>Why an execution failed.</summary>
/// <param name="Type">The exception type's full name.</param>
/// <param name="Message">The error message.</param>
/// <param name="Recoverable">Whether resuming may succeed.</param>
public sealed record ExecutionError(string Type, string Message, bool Recoverable);

/// <summary>One entry of <see cref="ExecutionRecord.StatusHistory"/>.</summary>
/// <param name="Status">The status entered.</param>
/// <param name="At">When.</param>
public readonly record struct ExecutionStatusChange(ExecutionStatus Status, DateTimeOffset At);
