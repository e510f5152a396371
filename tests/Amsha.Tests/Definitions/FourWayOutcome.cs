using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Amsha;

namespace Amsha.Tests.Definitions;

/// <summary>An event without what differs between executions by nature (ids, timestamps, durations, call ids).</summary>
internal sealed record StableEvent(string Kind, string? Task, string Detail)
{
    public static StableEvent From(ExecutionEvent e) => e switch
    {
        ExecutionStartedEvent s => new("ExecutionStarted", null, $"{s.CrewName} {s.Mode} {s.TotalTasks}"),
        ExecutionCompletedEvent => new("ExecutionCompleted", null, ""),
        ExecutionFailedEvent f => new("ExecutionFailed", null, $"{f.ErrorType}: {f.Message}"),
        ExecutionCanceledEvent => new("ExecutionCanceled", null, ""),
        CheckpointWrittenEvent c => new("CheckpointWritten", null, $"revision {c.Revision}, {c.CompletedTasks} done, {c.Status}"),
        TaskStartedEvent s => new("TaskStarted", s.TaskName, $"agent {s.AgentName}, index {s.TaskIndex}"),
        TaskCompletedEvent c => new("TaskCompleted", c.TaskName, c.Output),
        TokenDeltaEvent d => new("TokenDelta", d.TaskName, d.Text),
        LlmCallStartedEvent s => new("LlmCallStarted", s.TaskName, $"{s.UseCase} {s.Provider} {s.Model}"),
        LlmCallCompletedEvent c => new("LlmCallCompleted", c.TaskName, $"{c.UseCase} {c.Model} attempts {c.Attempts}, {c.Usage}"),
        LlmCallRetryingEvent r => new("LlmCallRetrying", r.TaskName, $"{r.UseCase} attempt {r.Attempt}: {r.Reason}"),
        LlmCallFailedEvent f => new("LlmCallFailed", f.TaskName, $"{f.UseCase} {f.ErrorType}: {f.Message}"),
        _ => new(e.GetType().Name, null, ""),
    };

    public override string ToString() => Task is null ? $"{Kind} ({Detail})" : $"{Kind} {Task} ({Detail})";
}

/// <summary>What one way of declaring a crew made of one execution: everything the four ways must agree on.</summary>
internal sealed class FourWayOutcome
{
    public required string CrewName { get; init; }

    public required string Output { get; init; }

    public required IReadOnlyList<string> TaskOutputs { get; init; }

    public required IReadOnlyList<StableEvent> Events { get; init; }

    /// <summary>The (system, user) text of every first-round prompt, by the task whose marker starts it.</summary>
    public required IReadOnlyDictionary<string, List<string>> PromptsByTask { get; init; }

    public required int PromptCount { get; init; }

    public required string Tokens { get; init; }

    /// <summary>Per-task metrics without durations, in the order the execution reports them.</summary>
    public required IReadOnlyList<string> TaskMetrics { get; init; }

    public static FourWayOutcome Create(FourWayCrew crew, CrewResult<string> result, IReadOnlyList<ExecutionEvent> events, IReadOnlyList<(string System, string User)> prompts)
    {
        var byTask = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (system, user) in prompts)
        {
            var task = TaskOf(crew, user);
            if (!byTask.TryGetValue(task, out var list))
            {
                byTask[task] = list = new List<string>();
            }

            list.Add($"[system]\n{system}\n[user]\n{user}");
        }

        var metrics = result.Metrics;
        return new FourWayOutcome
        {
            CrewName = result.CrewName,
            Output = result.Output,
            TaskOutputs = result.TaskOutputs.Select(o => $"{o.TaskName} by {o.AgentName}: {o.Text}").ToList(),
            Events = events.Select(StableEvent.From).ToList(),
            PromptsByTask = byTask,
            PromptCount = prompts.Count,
            Tokens = $"{metrics.Tokens}, {metrics.LlmCallCount} calls, {metrics.RetryCount} retries, {metrics.FailedCallCount} failed, status {metrics.Status}",
            TaskMetrics = metrics.Tasks.Select(t => $"{t.TaskName} by {t.AgentName}: {t.Tokens}, {t.LlmCalls} calls, {t.Retries} retries, {t.ToolCalls} tool calls").ToList(),
        };
    }

    // Descriptions start with "Step k."; the earliest marker in the user text is the task's own, since the
    // description comes before any context (which may quote other tasks' markers).
    private static string TaskOf(FourWayCrew crew, string user)
    {
        var best = (At: int.MaxValue, Task: "(no marker)");
        foreach (var task in crew.Tasks)
        {
            var at = user.IndexOf(FourWayCrew.Marker(task.Number), StringComparison.Ordinal);
            if (at >= 0 && at < best.At)
            {
                best = (at, crew.TaskName(task.Number));
            }
        }

        return best.Task;
    }

    /// <summary>The first difference between <paramref name="expected"/> and <paramref name="actual"/>; null when they agree.</summary>
    /// <param name="globalOrder">Whether the whole event sequence must agree, not only each task's and the crew's own.</param>
    public static string? FirstDifference(FourWayCrew crew, FourWayOutcome expected, FourWayOutcome actual, bool globalOrder)
    {
        // Causes before effects: a prompt that differs explains the outputs, events and tokens that follow it.
        return Same("crew name", expected.CrewName, actual.CrewName)
            ?? Same("prompt count", Invariant(expected.PromptCount), Invariant(actual.PromptCount))
            ?? Prompts(crew, expected, actual)
            ?? Sequence("task outputs", expected.TaskOutputs, actual.TaskOutputs)
            ?? Same("final output", expected.Output, actual.Output)
            ?? Sequence("crew events", CrewEvents(expected), CrewEvents(actual))
            ?? TaskEvents(crew, expected, actual)
            ?? (globalOrder ? Sequence("event order (kind, task)", expected.Events.Select(e => $"{e.Kind} {e.Task}").ToList(), actual.Events.Select(e => $"{e.Kind} {e.Task}").ToList()) : null)
            ?? Same("token figures", expected.Tokens, actual.Tokens)
            ?? Sequence("task metrics", Ordered(expected.TaskMetrics, !globalOrder), Ordered(actual.TaskMetrics, !globalOrder));
    }

    /// <summary>In every way: a task starts only after each task it takes context from completed.</summary>
    public static string? DependencyViolation(FourWayCrew crew, FourWayOutcome outcome)
    {
        var completedAt = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < outcome.Events.Count; i++)
        {
            var e = outcome.Events[i];
            if (e.Kind == "TaskCompleted")
            {
                completedAt[e.Task!] = i;
            }
            else if (e.Kind == "TaskStarted")
            {
                var task = crew.Tasks.Single(t => crew.TaskName(t.Number) == e.Task);
                foreach (var context in task.Context.Select(crew.TaskName))
                {
                    if (!completedAt.ContainsKey(context))
                    {
                        return $"{e.Task} started (event #{i}) before its context task {context} completed";
                    }
                }
            }
        }

        return null;
    }

    private static List<string> CrewEvents(FourWayOutcome outcome) => outcome.Events.Where(e => e.Task is null).Select(e => e.ToString()).ToList();

    private static string? TaskEvents(FourWayCrew crew, FourWayOutcome expected, FourWayOutcome actual)
    {
        foreach (var task in crew.Tasks.Select(t => crew.TaskName(t.Number)))
        {
            if (Sequence($"events of {task}", Of(expected, task), Of(actual, task)) is { } difference)
            {
                return difference;
            }
        }

        return null;

        static List<string> Of(FourWayOutcome outcome, string task) => outcome.Events.Where(e => e.Task == task).Select(e => e.ToString()).ToList();
    }

    private static string? Prompts(FourWayCrew crew, FourWayOutcome expected, FourWayOutcome actual)
    {
        foreach (var task in crew.Tasks.Select(t => crew.TaskName(t.Number)).Append("(no marker)"))
        {
            var left = expected.PromptsByTask.GetValueOrDefault(task) ?? new List<string>();
            var right = actual.PromptsByTask.GetValueOrDefault(task) ?? new List<string>();
            if (Sequence($"prompts of {task}", left, right) is { } difference)
            {
                return difference;
            }
        }

        return null;
    }

    private static List<string> Ordered(IReadOnlyList<string> items, bool sort) => sort ? items.Order(StringComparer.Ordinal).ToList() : items.ToList();

    private static string? Same(string what, string expected, string actual) =>
        string.Equals(expected, actual, StringComparison.Ordinal) ? null : $"{what}:\n  expected: {Show(expected)}\n  actual:   {Show(actual)}";

    private static string? Sequence(string what, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            var left = i < expected.Count ? expected[i] : "(nothing)";
            var right = i < actual.Count ? actual[i] : "(nothing)";
            if (!string.Equals(left, right, StringComparison.Ordinal))
            {
                return $"{what}, item {i} of {expected.Count} vs {actual.Count}:\n  expected: {Show(left)}\n  actual:   {Show(right)}\n{FirstCharacter(left, right)}";
            }
        }

        return null;
    }

    private static string FirstCharacter(string left, string right)
    {
        var at = 0;
        while (at < left.Length && at < right.Length && left[at] == right[at])
        {
            at++;
        }

        var from = Math.Max(0, at - 30);
        return $"  first difference at character {at}, from character {from}: expected {Show(Slice(left))}, actual {Show(Slice(right))}";

        string Slice(string text) => from >= text.Length ? "" : text.Substring(from, Math.Min(at - from + 30, text.Length - from));
    }

    // Quotes, newlines and other control characters made visible, so a message shows exactly which text differs.
    private static string Show(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
