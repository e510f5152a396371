using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;

namespace Amsha;

/// <summary>
/// The built-in observer that computes <see cref="AmshaMetrics"/> from a session's events. It
/// is fed synchronously (it is cheap and never throws), so an execution's metrics are complete
/// the moment its terminal event is appended and can ride on its result.
/// </summary>
internal sealed class MetricsCollector
{
    private readonly ConcurrentDictionary<string, ExecutionMetricsBuilder> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AmshaMetrics> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AmshaMetrics> _carried = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenUsage> _retriedUsage = new(StringComparer.Ordinal);

    public void Observe(ExecutionEvent e)
    {
        switch (e)
        {
            case ExecutionStartedEvent started:
                var builder = new ExecutionMetricsBuilder(started);
                _running[e.ExecutionId] = builder;
                AmshaMetricsInstruments.ExecutionStarted(started.CrewName, started.Mode);
                break;
            case TaskStartedEvent task:
                Running(e)?.TaskStarted(task);
                break;
            case TaskCompletedEvent task:
                Running(e)?.TaskCompleted(task);
                break;
            case ExecutionCompletedEvent:
                Finish(e, ExecutionStatus.Succeeded);
                break;
            case ExecutionFailedEvent:
                Finish(e, ExecutionStatus.Failed);
                break;
            case ExecutionCanceledEvent:
                Finish(e, ExecutionStatus.Canceled);
                break;

            // Each retried attempt reports its own tokens; the final event reports all attempts
            // together, so the last attempt's share is the total minus what the retries reported.
            case LlmCallRetryingEvent retrying:
                _retriedUsage.AddOrUpdate(retrying.CallId, retrying.Usage, (_, sum) => sum + retrying.Usage);
                RecordAttempt(e.ExecutionId, retrying.TaskName, retrying.Usage, retrying.Attempt, failed: true);
                RecordRetry(e.ExecutionId, retrying.TaskName ?? "", retrying.Attempt);
                break;
            case LlmCallCompletedEvent completed:
                RecordAttempt(e.ExecutionId, completed.TaskName, LastAttemptUsage(completed.CallId, completed.Usage), completed.Attempts, failed: false);
                break;
            case LlmCallFailedEvent failed:
                RecordAttempt(e.ExecutionId, failed.TaskName, LastAttemptUsage(failed.CallId, failed.Usage), failed.Attempts, failed: true);
                break;
        }
    }

    private void RecordAttempt(string executionId, string? taskName, TokenUsage usage, int attempt, bool failed) =>
        RecordLlmCall(executionId, taskName ?? "", usage.InputTokens, usage.OutputTokens, attempt, failed, usage.TotalTokens);

    private TokenUsage LastAttemptUsage(string callId, TokenUsage allAttempts) =>
        _retriedUsage.TryRemove(callId, out var retried) ? allAttempts + new TokenUsage(-retried.InputTokens, -retried.OutputTokens, -retried.TotalTokens) : allAttempts;

    /// <summary>
    /// Records one LLM call attempt of <paramref name="executionId"/>'s task <paramref name="taskName"/>
    /// (failed attempts too: their tokens were spent). Unknown executions are ignored.
    /// </summary>
    public void RecordLlmCall(string executionId, string taskName, long inputTokens, long outputTokens, int attempt, bool failed, long? totalTokens = null)
    {
        var usage = new TokenUsage(inputTokens, outputTokens, totalTokens ?? inputTokens + outputTokens);
        if (_running.TryGetValue(executionId, out var builder))
        {
            builder.LlmCall(taskName, usage, attempt, failed);
        }
    }

    /// <summary>Records that an LLM call attempt of the task is being retried; also counts <c>amsha.llm.retries</c>.</summary>
    public void RecordRetry(string executionId, string taskName, int attempt)
    {
        _running.TryGetValue(executionId, out var builder);
        builder?.Retry(taskName);
        AmshaMetricsInstruments.Retried(builder?.CrewName, taskName);
    }

    /// <summary>
    /// Registers the stored metrics of earlier runs of <paramref name="executionId"/>, so the
    /// metrics of the run that resumes it add up across process lifetimes. Call before the
    /// resumed run appends its first event.
    /// </summary>
    public void Carry(string executionId, AmshaMetrics previous) => _carried[executionId] = previous;

    /// <summary>The execution's metrics so far (for checkpoints), or its final ones, or null if unknown.</summary>
    public AmshaMetrics? Snapshot(string executionId) => Snapshot(executionId, ExecutionStatus.Running);

    /// <summary>
    /// The execution's metrics so far, marked with <paramref name="status"/> (the outcome, for the
    /// final record written just before the terminal event), including carried figures.
    /// </summary>
    public AmshaMetrics? Snapshot(string executionId, ExecutionStatus status)
    {
        if (_running.TryGetValue(executionId, out var builder))
        {
            var current = builder.Build(status, DateTimeOffset.UtcNow, null);
            return _carried.TryGetValue(executionId, out var previous) ? AmshaMetrics.Combine(previous, current) : current;
        }

        return _finished.TryGetValue(executionId, out var finished) ? finished : null;
    }

    /// <summary>Removes and returns the final metrics of a finished execution.</summary>
    public AmshaMetrics? Take(string executionId) => _finished.TryRemove(executionId, out var metrics) ? metrics : null;

    private ExecutionMetricsBuilder? Running(ExecutionEvent e) => _running.TryGetValue(e.ExecutionId, out var builder) ? builder : null;

    private void Finish(ExecutionEvent e, ExecutionStatus status)
    {
        if (!_running.TryRemove(e.ExecutionId, out var builder))
        {
            return;
        }

        var duration = e is ExecutionCompletedEvent completed ? completed.Duration : e.Timestamp - builder.StartedAt;
        var metrics = builder.Build(status, e.Timestamp, duration);
        AmshaMetricsInstruments.ExecutionEnded(builder.CrewName, builder.Mode, status, metrics.Duration.TotalSeconds);
        if (_carried.TryRemove(e.ExecutionId, out var previous))
        {
            metrics = AmshaMetrics.Combine(previous, metrics);
        }

        _finished[e.ExecutionId] = metrics;
    }

    /// <summary>The figures of one running execution; events of one execution arrive in order, hooks may come from other threads.</summary>
    private sealed class ExecutionMetricsBuilder
    {
        private readonly object _gate = new();
        private readonly string _executionId;
        private readonly List<TaskState> _tasks = new();
        private readonly List<LlmCallMetrics> _calls = new();
        private readonly TimeSpan _cpuStart;
        private readonly long _allocatedStart;
        private readonly long _workingSetStart;
        private long _workingSetPeak;
        private TokenUsage _tokens;
        private int _retries;
        private int _failedCalls;

        public ExecutionMetricsBuilder(ExecutionStartedEvent started)
        {
            _executionId = started.ExecutionId;
            CrewName = started.CrewName;
            Mode = started.Mode;
            StartedAt = started.Timestamp;
            _cpuStart = CpuTime();
            _allocatedStart = GC.GetTotalAllocatedBytes(precise: false);
            _workingSetStart = _workingSetPeak = Environment.WorkingSet;
        }

        public string CrewName { get; }

        public ExecutionMode Mode { get; }

        public DateTimeOffset StartedAt { get; }

        public void TaskStarted(TaskStartedEvent e)
        {
            lock (_gate)
            {
                var task = Task(e.TaskName);
                task.AgentName = e.AgentName;
                task.StartedAt = e.Timestamp;
                SampleWorkingSet();
            }
        }

        public void TaskCompleted(TaskCompletedEvent e)
        {
            TimeSpan duration;
            lock (_gate)
            {
                var task = Task(e.TaskName);
                duration = task.StartedAt is { } started ? e.Timestamp - started : TimeSpan.Zero;
                task.Duration += duration;
                task.StartedAt = null;
                SampleWorkingSet();
            }

            AmshaMetricsInstruments.TaskEnded(CrewName, e.TaskName, duration.TotalSeconds);
        }

        public void LlmCall(string taskName, TokenUsage usage, int attempt, bool failed)
        {
            lock (_gate)
            {
                var task = Task(taskName);
                task.Tokens += usage;
                task.LlmCalls++;
                _tokens += usage;
                _calls.Add(new LlmCallMetrics(taskName, attempt, usage, failed));
                if (failed)
                {
                    _failedCalls++;
                }
            }
        }

        public void Retry(string taskName)
        {
            lock (_gate)
            {
                Task(taskName).Retries++;
                _retries++;
            }
        }

        public AmshaMetrics Build(ExecutionStatus status, DateTimeOffset now, TimeSpan? duration)
        {
            var cpu = CpuTime() - _cpuStart;
            var allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocatedStart;
            lock (_gate)
            {
                var workingSetEnd = SampleWorkingSet();
                var resources = new ResourceUsage(cpu, allocated, _workingSetStart, workingSetEnd, _workingSetPeak);
                var tasks = new List<TaskMetrics>(_tasks.Count);
                foreach (var task in _tasks)
                {
                    // A task still running (or interrupted by the end of the run) counts up to now.
                    var taskDuration = task.Duration + (task.StartedAt is { } started ? now - started : TimeSpan.Zero);
                    tasks.Add(new TaskMetrics(task.Name, task.AgentName, taskDuration, task.Tokens, task.LlmCalls, task.Retries));
                }

                return new AmshaMetrics
                {
                    ExecutionId = _executionId,
                    CrewName = CrewName,
                    Mode = Mode,
                    Status = status,
                    StartedAt = StartedAt,
                    EndedAt = status == ExecutionStatus.Running ? null : now,
                    Duration = duration ?? now - StartedAt,
                    Runs = 1,
                    Tokens = _tokens,
                    LlmCallCount = _calls.Count,
                    RetryCount = _retries,
                    FailedCallCount = _failedCalls,
                    Tasks = tasks,
                    LlmCalls = _calls.ToArray(),
                    Resources = resources,
                };
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

        private long SampleWorkingSet()
        {
            var now = Environment.WorkingSet;
            if (now > _workingSetPeak)
            {
                _workingSetPeak = now;
            }

            return now;
        }

        private static TimeSpan CpuTime()
        {
            try
            {
                using var process = Process.GetCurrentProcess();
                return process.TotalProcessorTime;
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException or InvalidOperationException or NotSupportedException)
            {
                // Some platforms (browser, some sandboxes) do not report process CPU time: report none rather than fail.
                return TimeSpan.Zero;
            }
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
        }
    }
}
