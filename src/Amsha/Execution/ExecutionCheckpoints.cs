using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;

namespace Amsha;

/// <summary>
/// Writes a durable execution's record: when it starts running, after every finished task and
/// when it ends. Writes are serialized (Graph tasks finish concurrently) and carry the revision
/// last written, so a second writer of the same execution is detected instead of overwritten.
/// </summary>
internal sealed class ExecutionCheckpoints
{
    private readonly IExecutionStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ExecutionLease? _lease;
    private long _runStarted;

    // The last task's output, finished but not yet written: the final write (which follows at once) adds it.
    private StoredTaskOutput? _lastOutput;
    private ExecutionRecord _record;
    private ExecutionMetricsBuilder? _metrics;
    private Func<IReadOnlyList<string>>? _takeApplied;

    // The state instance and version that _record.StateJson holds, so an unchanged state is not saved again.
    private ExecutionState? _savedState;
    private long _savedStateVersion;

    /// <param name="store">Where the record is written.</param>
    /// <param name="record">The record as last written.</param>
    /// <param name="savedState">The state whose saved form <paramref name="record"/> holds, if any.</param>
    /// <param name="savedStateVersion">Its <see cref="ExecutionState.Version"/> when that form was saved.</param>
    /// <param name="time">The clock of timestamps and run time.</param>
    /// <param name="lease">The owner and lease every write of a running execution carries; null when the session names no owner.</param>
    public ExecutionCheckpoints(IExecutionStore store, ExecutionRecord record, ExecutionState? savedState, long savedStateVersion, TimeProvider time, ExecutionLease? lease = null)
    {
        _lease = lease;
        _store = store;
        _time = time;
        _record = record;
        _savedState = savedState;
        _savedStateVersion = savedStateVersion;
    }

    /// <summary>Where every write takes the execution's running (or, at the end, final) metrics from.</summary>
    public void MeasureWith(ExecutionMetricsBuilder metrics) => _metrics = metrics;

    /// <summary>Where every write learns which recorded input answers the run has acted on, to mark them applied.</summary>
    public void MarkAppliedWith(Func<IReadOnlyList<string>>? takeApplied) => _takeApplied = takeApplied;

    /// <summary>The outputs of the tasks the record says finished, parsed back into values, by task index.</summary>
    /// <exception cref="ExecutionException">The record holds an output of a task the crew does not declare.</exception>
    public TaskOutput?[] RestoreOutputs<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew) => RestoreOutputs(_record, crew);

    /// <summary>The finished tasks' outputs <paramref name="record"/> holds, parsed with each task's output format; null for tasks not finished.</summary>
    public static TaskOutput?[] RestoreOutputs<TInput, TOutput>(ExecutionRecord record, CrewDefinition<TInput, TOutput> crew)
    {
        var outputs = new TaskOutput?[crew.Tasks.Count];
        foreach (var stored in record.TaskOutputs)
        {
            var index = IndexOf(record, crew, stored);
            var task = crew.Tasks[index];
            var value = task.OutputFormat.Parse(task.Name, stored.Text);
            outputs[index] = new TaskOutput(task.Name, stored.AgentName, stored.Text, value);
        }

        return outputs;
    }

    /// <summary>The journaled tool calls of task <paramref name="taskName"/>, in the order they completed.</summary>
    public List<JournaledToolCall> JournaledCalls(string taskName) =>
        _record.ToolCalls.Where(c => string.Equals(c.TaskName, taskName, StringComparison.Ordinal)).ToList();

    /// <summary>Journals a completed tool call: written before the model sees its result, so a crash cannot repeat it.</summary>
    public ValueTask<CheckpointWrittenEvent> ToolCallCompletedAsync(JournaledToolCall call, ExecutionState? state) =>
        WriteAsync(null, static (r, s, call) => r with { ToolCalls = Append(r.ToolCalls, call), UpdatedAt = s.At, StateJson = s.StateJson, Metrics = s.Metrics }, call, state);

    /// <summary>The run starts from <paramref name="written"/>, a record stored already saying Running (a fresh start's first write).</summary>
    public CheckpointWrittenEvent Began(ExecutionRecord written)
    {
        _runStarted = _time.GetTimestamp();
        return new CheckpointWrittenEvent(written.Revision, written.TaskOutputs.Count, written.Status);
    }

    public ValueTask<CheckpointWrittenEvent> BeginAsync(ExecutionState? state)
    {
        _runStarted = _time.GetTimestamp();
        return WriteAsync(ExecutionStatus.Running, static (r, s, _) => r with { Status = ExecutionStatus.Running, StatusHistory = Append(r.StatusHistory, new ExecutionStatusChange(ExecutionStatus.Running, s.At)), Error = null, UpdatedAt = s.At, StateJson = s.StateJson, Metrics = s.Metrics }, 0, state);
    }

    /// <summary>Adds a finished task's output; writes it unless it is the last task (the final write follows at once and adds it).</summary>
    public async ValueTask<CheckpointWrittenEvent?> TaskFinishedAsync(int index, TaskOutput output, TimeSpan duration, ExecutionState? state, bool isLast)
    {
        var stored = new StoredTaskOutput(index, output.TaskName, output.AgentName, output.Text, duration);
        if (!isLast)
        {
            return await WriteAsync(null, static (r, s, stored) => r with { TaskOutputs = Append(r.TaskOutputs, stored), ToolCalls = Without(r.ToolCalls, stored.TaskName), UpdatedAt = s.At, StateJson = s.StateJson, Metrics = s.Metrics }, stored, state).ConfigureAwait(false);
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Held for the final write, which adds it: no record copy of its own.
            _lastOutput = stored;
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Renews the owner's lease of a running execution (a write of the record as it is); null when it no longer runs.</summary>
    public async ValueTask<CheckpointWrittenEvent?> RenewLeaseAsync()
    {
        if (_lease is null || _record.Status != ExecutionStatus.Running)
        {
            return null;
        }

        return await WriteAsync(null, static (r, s, _) => r with { UpdatedAt = s.At, StateJson = s.StateJson, Metrics = s.Metrics }, 0, null).ConfigureAwait(false);
    }

    /// <summary>The final write: the outcome, with the last task's output when the run got that far.</summary>
    public async ValueTask<CheckpointWrittenEvent> EndAsync(ExecutionStatus status, ExecutionException? failure, ExecutionState? state)
    {
        var runTime = RunTime();
        var error = failure is null ? null : new ExecutionError((failure.InnerException ?? failure).GetType().FullName ?? "Exception", failure.Message, failure.Recoverable);
        var written = await WriteAsync(
            status,
            static (r, s, end) => r with
            {
                Status = end.Status,
                StatusHistory = Append(r.StatusHistory, new ExecutionStatusChange(end.Status, s.At)),
                Error = end.Error,
                RunTime = r.RunTime + end.RunTime,
                PendingInput = Array.Empty<InputRequest>(),
                TaskOutputs = end.Last is { } last ? Append(r.TaskOutputs, last) : r.TaskOutputs,
                ToolCalls = end.Last is { } done ? Without(r.ToolCalls, done.TaskName) : r.ToolCalls,
                UpdatedAt = s.At,
                StateJson = s.StateJson,
                Metrics = s.Metrics,
            },
            (Status: status, Error: error, RunTime: runTime, Last: _lastOutput),
            state).ConfigureAwait(false);

        // Stored now; a failed write keeps it for the next attempt to end the run.
        _lastOutput = null;
        return written;
    }

    /// <summary>Stores the run's open input requests and ends the attempt waiting for them: the execution holds nothing in memory while it waits.</summary>
    public ValueTask<CheckpointWrittenEvent> SuspendAsync(IReadOnlyList<InputRequest> requests, ExecutionState? state)
    {
        var runTime = RunTime();
        return WriteAsync(ExecutionStatus.WaitingForInput, static (r, s, wait) => r with { Status = ExecutionStatus.WaitingForInput, StatusHistory = Append(r.StatusHistory, new ExecutionStatusChange(ExecutionStatus.WaitingForInput, s.At)), Error = null, RunTime = r.RunTime + wait.RunTime, PendingInput = wait.Requests, UpdatedAt = s.At, StateJson = s.StateJson, Metrics = s.Metrics }, (Requests: requests, RunTime: runTime), state);
    }

    /// <summary>Opens the execution's requests again (expired ones with new ids and deadlines), without running anything.</summary>
    public ValueTask<CheckpointWrittenEvent> ReopenAsync(IReadOnlyList<InputRequest> requests) =>
        WriteAsync(ExecutionStatus.WaitingForInput, static (r, s, requests) => r with { Status = ExecutionStatus.WaitingForInput, StatusHistory = Append(r.StatusHistory, new ExecutionStatusChange(ExecutionStatus.WaitingForInput, s.At)), PendingInput = requests, UpdatedAt = s.At, StateJson = s.StateJson, Metrics = s.Metrics }, requests, null);

    private TimeSpan RunTime() => _runStarted == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_runStarted);

    // What every write sets besides its own change; each change makes its record in one copy with these.
    private readonly record struct Stamp(DateTimeOffset At, string? StateJson, AmshaMetrics? Metrics);

    /// <param name="status">The status the change sets, or null when it keeps the record's.</param>
    /// <param name="change">The record as written: the last one with the change and the stamp, made in one copy (a static
    /// lambda: what it needs comes as <paramref name="argument"/>, so a write allocates no closure).</param>
    /// <param name="argument">What the change sets besides the stamp.</param>
    /// <param name="state">The execution's state to save with it, if it has one.</param>
    private async ValueTask<CheckpointWrittenEvent> WriteAsync<TArgument>(ExecutionStatus? status, Func<ExecutionRecord, Stamp, TArgument, ExecutionRecord> change, TArgument argument, ExecutionState? state)
    {
        // Never canceled: a finished task's output is worth the few milliseconds of a write.
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // The version is read before saving: a change made while saving is then saved by the next write.
            var stateVersion = state?.Version ?? 0;
            var stateJson = state is null || (ReferenceEquals(state, _savedState) && stateVersion == _savedStateVersion)
                ? _record.StateJson
                : state.Save();
            var now = _time.GetUtcNow();
            var next = change(_record, new Stamp(now, stateJson, _metrics?.Snapshot(status ?? _record.Status) ?? _record.Metrics), argument);
            if (_takeApplied?.Invoke() is { Count: > 0 } applied)
            {
                next = next with { InputHistory = MarkApplied(next.InputHistory, applied) };
            }

            if (_lease is { } lease)
            {
                next = lease.Apply(next, now);
            }
            else if (next.Owner is not null || next.LeaseExpiresAt is not null)
            {
                // A session that names no owner holds no claim: a lease left by an earlier owner (the dead process
                // whose execution this one took over, or a dispatcher's hand-over) would list this run as orphaned.
                next = next with { Owner = null, LeaseExpiresAt = null };
            }

            // next is this write's own: a store that can keeps it as it is.
            _record = await _store.SaveUnpublishedAsync(next, CancellationToken.None).ConfigureAwait(false);
            if (state is not null)
            {
                // Only once stored: after a failed write the state is saved again.
                _savedState = state;
                _savedStateVersion = stateVersion;
            }

            return new CheckpointWrittenEvent(_record.Revision, _record.TaskOutputs.Count, _record.Status);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static int IndexOf<TInput, TOutput>(ExecutionRecord record, CrewDefinition<TInput, TOutput> crew, StoredTaskOutput stored)
    {
        if (stored.TaskIndex >= 0 && stored.TaskIndex < crew.Tasks.Count && crew.Tasks[stored.TaskIndex].Name == stored.TaskName)
        {
            return stored.TaskIndex;
        }

        for (var i = 0; i < crew.Tasks.Count; i++)
        {
            if (crew.Tasks[i].Name == stored.TaskName)
            {
                return i;
            }
        }

        throw new ExecutionException(
            $"Execution '{record.ExecutionId}' holds an output of task '{stored.TaskName}', which crew '{crew.Name}' no longer declares. The crew changed since the execution started; start a new execution.",
            record.ExecutionId,
            ExecutionMode.Background,
            recoverable: false);
    }

    private static IReadOnlyList<AnsweredInput> MarkApplied(IReadOnlyList<AnsweredInput> history, IReadOnlyList<string> requestIds)
    {
        var marked = new AnsweredInput[history.Count];
        for (var i = 0; i < marked.Length; i++)
        {
            var answer = history[i];
            marked[i] = !answer.Applied && requestIds.Contains(answer.Request.RequestId) ? answer with { Applied = true } : answer;
        }

        return marked;
    }

    private static T[] Append<T>(IReadOnlyList<T> items, T item)
    {
        var appended = new T[items.Count + 1];
        for (var i = 0; i < items.Count; i++)
        {
            appended[i] = items[i];
        }

        appended[items.Count] = item;
        return appended;
    }

    // A finished task's output replaces its journal: the task will not run again.
    // (A loop: a lambda's closure would be allocated on every call, journal or not.)
    private static IReadOnlyList<JournaledToolCall> Without(IReadOnlyList<JournaledToolCall> calls, string taskName)
    {
        if (calls.Count == 0)
        {
            return calls;
        }

        var kept = new List<JournaledToolCall>(calls.Count);
        foreach (var call in calls)
        {
            if (!string.Equals(call.TaskName, taskName, StringComparison.Ordinal))
            {
                kept.Add(call);
            }
        }

        return kept;
    }

}
