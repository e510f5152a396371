using System;
using System.Collections.Generic;
using System.Threading;

namespace Amsha;

/// <summary>
/// Computes one run's <see cref="AmshaMetrics"/> from that run's own events, as they are appended: the one
/// place token usage, LLM calls, retries and durations are added up. Each attempt's usage arrives once, on
/// the event that reports the attempt, so nothing is summed twice or subtracted back out. A resumed run
/// starts from the stored figures of the runs before it (<see cref="Carry"/>).
/// </summary>
internal sealed class ExecutionMetricsBuilder
{
    private readonly object _gate = new();
    private readonly string _executionId;
    private readonly string _crewName;
    private readonly ExecutionMode _mode;
    private readonly TimeProvider _time;
    private readonly List<TaskState> _tasks = new();
    private readonly List<LlmCallMetrics> _calls = new();
    private int _toolCalls;
    private int _failedToolCalls;
    private TimeSpan _toolTime;
    private AmshaMetrics? _carried;
    private DateTimeOffset _startedAt;
    private TimeSpan _cpuStart;
    private long _allocatedStart;
    private long _workingSetStart;
    private long _workingSetPeak;
    private bool _started;
    private TokenUsage _tokens;
    private int _retries;
    private int _failedCalls;
    private int _inputRequests;
    private int _requestsCountedAhead;
    private TimeSpan _inputWait;

    // Requests this run waits on in memory (interactive), by id: their wait is not run time.
    // Made by the first input request: most executions never wait for a person.
    private Dictionary<string, (string Task, DateTimeOffset At)>? _openWaits;

    // The figures of a run's last write, marked with its outcome (see Snapshot); this run's own, before any carried ones.
    private AmshaMetrics? _concluded;
    private TimeSpan _waitedInRun;

    public ExecutionMetricsBuilder(string executionId, string crewName, ExecutionMode mode, TimeProvider time)
    {
        _executionId = executionId;
        _crewName = crewName;
        _mode = mode;
        _time = time;
    }

    /// <summary>The final figures, set when the run's terminal event is observed.</summary>
    public AmshaMetrics? Final { get; private set; }

    /// <summary>Registers the stored figures of earlier runs of the execution; call before the run's first event.</summary>
    public void Carry(AmshaMetrics previous)
    {
        lock (_gate)
        {
            _carried = previous;
        }
    }

    /// <summary>Takes in one event of the run; events arrive in order (the run's event log serializes them).</summary>
    public void Observe(ExecutionEvent e)
    {
        if (_concluded is not null && Counts(e))
        {
            lock (_gate)
            {
                // Figures concluded for the last write are final only if nothing is counted after them.
                _concluded = null;
            }
        }

        switch (e)
        {
            case TokenDeltaEvent:
                // The hot path (one per streamed token): nothing to count.
                break;
            case ExecutionStartedEvent:
                Start(e.Timestamp);
                AmshaTelemetry.RecordExecutionStarted(_crewName, _mode);
                break;
            case TaskStartedEvent task:
                lock (_gate)
                {
                    var state = Task(task.TaskName);
                    state.AgentName = task.AgentName;
                    state.StartedAt = task.Timestamp;
                }

                break;
            case TaskCompletedEvent task:
                TimeSpan taskDuration;
                lock (_gate)
                {
                    var state = Task(task.TaskName);
                    taskDuration = state.StartedAt is { } started ? task.Timestamp - started : TimeSpan.Zero;
                    state.Duration += taskDuration;
                    state.StartedAt = null;
                }

                AmshaTelemetry.RecordTaskEnded(_crewName, task.TaskName, taskDuration.TotalSeconds);
                break;
            case LlmCallRetryingEvent retrying:
                Attempt(retrying.TaskName, retrying.Attempt, retrying.Usage, failed: true, retried: true);
                break;
            case LlmCallCompletedEvent completed:
                Attempt(completed.TaskName, completed.Attempts, completed.Usage, failed: false, retried: false);
                break;
            case LlmCallFailedEvent failed:
                Attempt(failed.TaskName, failed.Attempts, failed.Usage, failed: true, retried: false);
                break;
            case ToolCallCompletedEvent tool:
                ToolCall(tool.TaskName, tool.Duration, failed: false);
                break;
            case ToolCallFailedEvent tool:
                ToolCall(tool.TaskName, tool.Duration, failed: true);
                break;
            case ExecutionCompletedEvent completed:
                Finish(ExecutionStatus.Succeeded, e.Timestamp, completed.Duration);
                break;
            case ExecutionFailedEvent:
                Finish(ExecutionStatus.Failed, e.Timestamp, null);
                break;
            case ExecutionCanceledEvent:
                Finish(ExecutionStatus.Canceled, e.Timestamp, null);
                break;
            case InputRequestedEvent requested:
                lock (_gate)
                {
                    if (_requestsCountedAhead > 0)
                    {
                        _requestsCountedAhead--;
                    }
                    else
                    {
                        _inputRequests++;
                    }

                    if (_mode == ExecutionMode.Interactive)
                    {
                        (_openWaits ??= new(StringComparer.Ordinal))[requested.Request.RequestId] = (requested.Request.TaskName, requested.Timestamp);
                    }
                }

                break;
            case InputAnsweredEvent answered:
                lock (_gate)
                {
                    _inputWait += answered.Waited;
                    CloseWait(answered.RequestId, answered.Timestamp);
                }

                break;
            case InputExpiredEvent expired:
                lock (_gate)
                {
                    if (_openWaits is not null && _openWaits.TryGetValue(expired.RequestId, out var open))
                    {
                        _inputWait += expired.Timestamp - open.At;
                        CloseWait(expired.RequestId, expired.Timestamp);
                    }
                }

                break;
            case ExecutionSuspendedEvent suspended:
                Finish(suspended.Status, e.Timestamp, null);
                break;
        }
    }

    /// <summary>
    /// Counts the requests a background run is about to store: they are announced (<see cref="InputRequestedEvent"/>)
    /// only once stored, but the figures stored with them must count them already.
    /// </summary>
    public void CountRequestsAhead(int count)
    {
        lock (_gate)
        {
            _inputRequests += count;
            _requestsCountedAhead += count;
        }
    }

    /// <summary>
    /// The figures so far, marked with <paramref name="status"/>. Marked with an outcome (the record written just before
    /// the terminal event) they are the final figures: the terminal event keeps them unless something was counted in
    /// between, so the stored record and the result report the same figures, built once.
    /// </summary>
    public AmshaMetrics Snapshot(ExecutionStatus status)
    {
        if (Final is { } final)
        {
            return final;
        }

        var now = _time.GetUtcNow();
        var outcome = status is not (ExecutionStatus.Running or ExecutionStatus.Pending);
        lock (_gate)
        {
            var current = Build(status, now, null, sampleProcess: outcome);
            _concluded = outcome ? current : null;
            return _carried is { } previous ? AmshaMetrics.Combine(previous, current) : current;
        }
    }

    private void Start(DateTimeOffset at)
    {
        var (cpu, workingSet) = ProcessResources.Current();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        lock (_gate)
        {
            _started = true;
            _startedAt = at;
            _cpuStart = cpu;
            _allocatedStart = allocated;
            _workingSetStart = _workingSetPeak = workingSet;
        }
    }

    private void Attempt(string? taskName, int attempt, TokenUsage usage, bool failed, bool retried)
    {
        var name = taskName ?? "";
        lock (_gate)
        {
            var task = Task(name);
            task.Tokens += usage;
            task.LlmCalls++;
            _tokens += usage;
            _calls.Add(new LlmCallMetrics(name, attempt, usage, failed));
            if (failed)
            {
                _failedCalls++;
            }

            if (retried)
            {
                task.Retries++;
                _retries++;
            }
        }
    }

    // Whether an event changes the figures: all but the terminal ones, checkpoints, tokens and requests already counted.
    private bool Counts(ExecutionEvent e) => e switch
    {
        ExecutionCompletedEvent or ExecutionFailedEvent or ExecutionCanceledEvent or ExecutionSuspendedEvent or CheckpointWrittenEvent or TokenDeltaEvent => false,
        InputRequestedEvent => Volatile.Read(ref _requestsCountedAhead) == 0,
        _ => true,
    };

    private void Finish(ExecutionStatus status, DateTimeOffset at, TimeSpan? duration)
    {
        AmshaMetrics metrics;
        lock (_gate)
        {
            metrics = _concluded is { } concluded && concluded.Status == status ? concluded : Build(status, at, duration, sampleProcess: true);
        }

        // A resumed run that stopped at once (still waiting) never started: it was never counted as active.
        if (_started)
        {
            AmshaTelemetry.RecordExecutionEnded(_crewName, _mode, status, metrics.Duration.TotalSeconds);
        }

        Final = _carried is { } previous ? AmshaMetrics.Combine(previous, metrics) : metrics;
    }

    // Time spent so far in the waits still open, of one task or (null) of all. Called under the lock.
    private TimeSpan OpenWaitTime(DateTimeOffset now, string? task)
    {
        var waited = TimeSpan.Zero;
        if (_openWaits is not null)
        {
            foreach (var open in _openWaits.Values)
            {
                waited += task is null || open.Task == task ? now - open.At : TimeSpan.Zero;
            }
        }

        return waited;
    }

    // Called under the lock.
    // Process figures (CPU time, working set) cost a read of /proc on Linux each: they are sampled at the run's
    // start and end only. Running figures (a checkpoint's) carry the start sample; allocations are cheap, always current.
    private AmshaMetrics Build(ExecutionStatus status, DateTimeOffset now, TimeSpan? duration, bool sampleProcess)
    {
        var resources = ResourceUsage.None;
        if (_started)
        {
            var (cpuEnd, workingSetEnd) = sampleProcess ? ProcessResources.Current() : (_cpuStart, _workingSetStart);
            _workingSetPeak = Math.Max(_workingSetPeak, workingSetEnd);
            var cpu = cpuEnd - _cpuStart;
            resources = new ResourceUsage(cpu, GC.GetTotalAllocatedBytes(precise: false) - _allocatedStart, _workingSetStart, workingSetEnd, _workingSetPeak);
        }

        // Waits still open (an execution canceled while it waited) are not run time either.
        var waiting = _waitedInRun + OpenWaitTime(now, null);

        var tasks = new TaskMetrics[_tasks.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            // A task still running (or interrupted by the end of the run) counts up to now, less its waits for a person.
            var task = _tasks[i];
            var taskDuration = task.Duration + (task.StartedAt is { } started ? now - started : TimeSpan.Zero) - task.Waited - OpenWaitTime(now, task.Name);

            tasks[i] = new TaskMetrics(task.Name, task.AgentName, taskDuration, task.Tokens, task.LlmCalls, task.Retries) { ToolCalls = task.ToolCalls, ToolTime = task.ToolTime };
        }

        var startedAt = _started ? _startedAt : now;
        return new AmshaMetrics
        {
            ExecutionId = _executionId,
            CrewName = _crewName,
            Mode = _mode,
            Status = status,
            StartedAt = startedAt,
            EndedAt = status == ExecutionStatus.Running ? null : now,
            Duration = (duration ?? now - startedAt) - waiting,
            Runs = 1,
            Tokens = _tokens,
            LlmCallCount = _calls.Count,
            RetryCount = _retries,
            FailedCallCount = _failedCalls,
            ToolCallCount = _toolCalls,
            FailedToolCallCount = _failedToolCalls,
            ToolTime = _toolTime,
            InputRequestCount = _inputRequests,
            InputWaitTime = _inputWait + (waiting - _waitedInRun),
            Tasks = tasks,
            LlmCalls = _calls.ToArray(),
            Resources = resources,
        };
    }

    private void ToolCall(string taskName, TimeSpan duration, bool failed)
    {
        lock (_gate)
        {
            var task = Task(taskName);
            task.ToolCalls++;
            task.ToolTime += duration;
            _toolCalls++;
            _toolTime += duration;
            _failedToolCalls += failed ? 1 : 0;
        }
    }

    // Called under the lock: the wait of a request this run made ends; it is not run time.
    private void CloseWait(string requestId, DateTimeOffset at)
    {
        if (_openWaits is not null && _openWaits.Remove(requestId, out var open))
        {
            var waited = at - open.At;
            _waitedInRun += waited;
            Task(open.Task).Waited += waited;
        }
    }

    private TaskState Task(string name)
    {
        foreach (var task in _tasks)
        {
            if (string.Equals(task.Name, name, StringComparison.Ordinal))
            {
                return task;
            }
        }

        var added = new TaskState(name);
        _tasks.Add(added);
        return added;
    }

    private sealed class TaskState(string name)
    {
        public string Name { get; } = name;

        public string AgentName { get; set; } = "";

        public DateTimeOffset? StartedAt { get; set; }

        public TimeSpan Duration { get; set; }

        public TokenUsage Tokens { get; set; }

        public int LlmCalls { get; set; }

        public int Retries { get; set; }

        public int ToolCalls { get; set; }

        public TimeSpan ToolTime { get; set; }

        public TimeSpan Waited { get; set; }
    }
}
