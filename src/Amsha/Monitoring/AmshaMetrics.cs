using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Amsha;

/// <summary>
/// The figures of one execution in one normalized shape: identity, timing, token usage (per
/// task and per LLM call, failed attempts included), LLM calls and retries, and process
/// resources used while it ran. Found on <see cref="CrewResult{T}.Metrics"/>; serializable with
/// <see cref="ToJson"/>/<see cref="FromJson"/>; runs of a resumed execution add up with <see cref="Combine"/>.
/// </summary>
public sealed partial class AmshaMetrics
{
    /// <summary>The execution measured.</summary>
    public string ExecutionId { get; init; } = "";

    /// <summary>The crew that ran.</summary>
    public string CrewName { get; init; } = "";

    /// <summary>Interactive or background.</summary>
    public ExecutionMode Mode { get; init; }

    /// <summary>How the (last run of the) execution ended; <see cref="ExecutionStatus.Running"/> while it runs.</summary>
    public ExecutionStatus Status { get; init; }

    /// <summary>When the execution first started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it last ended, or null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Time spent running, summed over every process run of the execution (time suspended between runs excluded).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>How many process runs the figures cover: 1, plus one per resume.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Tokens of every LLM call of the execution, failed attempts included.</summary>
    public TokenUsage Tokens { get; init; }

    /// <summary>LLM call attempts made, failed attempts included.</summary>
    public int LlmCallCount { get; init; }

    /// <summary>LLM call attempts that were retried after a transient failure.</summary>
    public int RetryCount { get; init; }

    /// <summary>LLM call attempts that failed.</summary>
    public int FailedCallCount { get; init; }

    /// <summary>Tool calls the execution's tasks made (failed ones included).</summary>
    public int ToolCallCount { get; init; }

    /// <summary>Tool calls that failed: bad arguments, an unknown tool, or the tool threw.</summary>
    public int FailedToolCallCount { get; init; }

    /// <summary>Time spent in tool calls, summed over calls (concurrent calls overlap).</summary>
    public TimeSpan ToolTime { get; init; }

    /// <summary>Input requests (reviews, approvals) the execution made.</summary>
    public int InputRequestCount { get; init; }

    /// <summary>
    /// Time spent waiting for a person, from each request to its answer. Not part of <see cref="Duration"/> or of task
    /// durations, which count only the time the execution ran.
    /// </summary>
    public TimeSpan InputWaitTime { get; init; }

    /// <summary>Per task, in the order the tasks started.</summary>
    public IReadOnlyList<TaskMetrics> Tasks { get; init; } = Array.Empty<TaskMetrics>();

    /// <summary>Every LLM call attempt, in order.</summary>
    public IReadOnlyList<LlmCallMetrics> LlmCalls { get; init; } = Array.Empty<LlmCallMetrics>();

    /// <summary>Process resources used while the execution ran.</summary>
    public ResourceUsage Resources { get; init; } = ResourceUsage.None;

    /// <summary>The metrics of task <paramref name="taskName"/>, or null if it has not run.</summary>
    public TaskMetrics? GetTask(string taskName)
    {
        foreach (var task in Tasks)
        {
            if (string.Equals(task.TaskName, taskName, StringComparison.Ordinal))
            {
                return task;
            }
        }

        return null;
    }

    /// <summary>
    /// Adds up two runs of the same execution, e.g. the figures stored before a process ended and
    /// those of the run that resumed it: durations, tokens, calls, CPU time and allocations add
    /// up; start and start working set come from <paramref name="previous"/>, end, status and end
    /// working set from <paramref name="current"/>; the peak is the larger one.
    /// </summary>
    /// <exception cref="ArgumentException">The two belong to different executions.</exception>
    public static AmshaMetrics Combine(AmshaMetrics previous, AmshaMetrics current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        if (!string.Equals(previous.ExecutionId, current.ExecutionId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Metrics of execution '{current.ExecutionId}' cannot be combined with metrics of execution '{previous.ExecutionId}'; combine only runs of the same execution.",
                nameof(current));
        }

        var tasks = new List<TaskMetrics>(previous.Tasks);
        foreach (var task in current.Tasks)
        {
            var index = tasks.FindIndex(t => string.Equals(t.TaskName, task.TaskName, StringComparison.Ordinal));
            if (index < 0)
            {
                tasks.Add(task);
            }
            else
            {
                // A task interrupted in one run and run again after the resume counts once, with both runs' figures.
                var earlier = tasks[index];
                tasks[index] = new TaskMetrics(
                    task.TaskName,
                    task.AgentName.Length > 0 ? task.AgentName : earlier.AgentName,
                    earlier.Duration + task.Duration,
                    earlier.Tokens + task.Tokens,
                    earlier.LlmCalls + task.LlmCalls,
                    earlier.Retries + task.Retries)
                {
                    ToolCalls = earlier.ToolCalls + task.ToolCalls,
                    ToolTime = earlier.ToolTime + task.ToolTime,
                };
            }
        }

        var calls = new List<LlmCallMetrics>(previous.LlmCalls.Count + current.LlmCalls.Count);
        calls.AddRange(previous.LlmCalls);
        calls.AddRange(current.LlmCalls);

        return new AmshaMetrics
        {
            ExecutionId = current.ExecutionId,
            CrewName = current.CrewName.Length > 0 ? current.CrewName : previous.CrewName,
            Mode = current.Mode,
            Status = current.Status,
            StartedAt = previous.StartedAt,
            EndedAt = current.EndedAt,
            Duration = previous.Duration + current.Duration,
            Runs = previous.Runs + current.Runs,
            Tokens = previous.Tokens + current.Tokens,
            LlmCallCount = previous.LlmCallCount + current.LlmCallCount,
            RetryCount = previous.RetryCount + current.RetryCount,
            FailedCallCount = previous.FailedCallCount + current.FailedCallCount,
            ToolCallCount = previous.ToolCallCount + current.ToolCallCount,
            FailedToolCallCount = previous.FailedToolCallCount + current.FailedToolCallCount,
            ToolTime = previous.ToolTime + current.ToolTime,
            InputRequestCount = previous.InputRequestCount + current.InputRequestCount,
            InputWaitTime = previous.InputWaitTime + current.InputWaitTime,
            Tasks = tasks,
            LlmCalls = calls,
            Resources = new ResourceUsage(
                previous.Resources.CpuTime + current.Resources.CpuTime,
                previous.Resources.AllocatedBytes + current.Resources.AllocatedBytes,
                previous.Resources.WorkingSetStart,
                current.Resources.WorkingSetEnd,
                Math.Max(previous.Resources.WorkingSetPeak, current.Resources.WorkingSetPeak)),
        };
    }

    /// <summary>A few human-readable lines: duration, tokens, calls, per-task figures and resources.</summary>
    public string ToSummary()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"Execution {ExecutionId} of {CrewName} ({Mode}, {Status}): {Duration.TotalSeconds:0.000} s over {Runs} run(s)").AppendLine();
        text.Append(c, $"  Tokens: {Tokens.InputTokens} in, {Tokens.OutputTokens} out, {Tokens.TotalTokens} total").AppendLine();
        text.Append(c, $"  LLM calls: {LlmCallCount} ({RetryCount} retried, {FailedCallCount} failed)").AppendLine();
        if (ToolCallCount > 0)
        {
            text.Append(c, $"  Tool calls: {ToolCallCount} ({FailedToolCallCount} failed), {ToolTime.TotalSeconds:0.000} s").AppendLine();
        if (InputRequestCount > 0)
        {
            text.Append(c, $"  Input requests: {InputRequestCount}, {InputWaitTime.TotalSeconds:0.000} s waiting (not in the duration)").AppendLine();
        }

        }

        foreach (var task in Tasks)
        {
            text.Append(c, $"  Task {task.TaskName} ({task.AgentName}): {task.Duration.TotalSeconds:0.000} s, {task.Tokens.TotalTokens} tokens, {task.LlmCalls} call(s)").AppendLine();
        }

        text.Append(c, $"  Resources: CPU {Resources.CpuTime.TotalMilliseconds:0} ms, allocated {Resources.AllocatedBytes / 1024.0:0} KiB, working set {Resources.WorkingSetStart / 1048576.0:0.0}/{Resources.WorkingSetEnd / 1048576.0:0.0}/{Resources.WorkingSetPeak / 1048576.0:0.0} MiB (start/end/peak)");
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToSummary();
}

/// <summary>The figures of one task of an execution.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="AgentName">The agent that performed it.</param>
/// <param name="Duration">From task start to task completion (or the end of the run, if it did not complete).</param>
/// <param name="Tokens">Tokens of the task's LLM calls, failed attempts included.</param>
/// <param name="LlmCalls">LLM call attempts made for the task.</param>
/// <param name="Retries">Attempts retried after a transient failure.</param>
public sealed record TaskMetrics(string TaskName, string AgentName, TimeSpan Duration, TokenUsage Tokens, int LlmCalls, int Retries)
{
    /// <summary>Tool calls the task made.</summary>
    public int ToolCalls { get; init; }

    /// <summary>Time spent in the task's tool calls, summed over calls.</summary>
    public TimeSpan ToolTime { get; init; }
}

/// <summary>One LLM call attempt.</summary>
/// <param name="TaskName">The task it served.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, ...</param>
/// <param name="Tokens">The tokens the provider reported for it.</param>
/// <param name="Failed">Whether the attempt failed.</param>
public sealed record LlmCallMetrics(string TaskName, int Attempt, TokenUsage Tokens, bool Failed);

/// <summary>
/// Process resources used while an execution ran. CPU time and allocations are process-wide
/// deltas over the run, so executions running at the same time share them.
/// </summary>
/// <param name="CpuTime">Process CPU time (user and kernel) used during the run.</param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap during the run.</param>
/// <param name="WorkingSetStart">Process working set at the start, in bytes.</param>
/// <param name="WorkingSetEnd">Process working set at the end, in bytes.</param>
/// <param name="WorkingSetPeak">Largest working set sampled during the run (at its start and end), in bytes.</param>
public sealed record ResourceUsage(TimeSpan CpuTime, long AllocatedBytes, long WorkingSetStart, long WorkingSetEnd, long WorkingSetPeak)
{
    /// <summary>Nothing used.</summary>
    public static ResourceUsage None { get; } = new(TimeSpan.Zero, 0, 0, 0, 0);
}
