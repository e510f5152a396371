using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Amsha;

/// <summary>The output of one finished task.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="AgentName">The agent that performed it.</param>
/// <param name="Text">The output as text (JSON for structured outputs).</param>
/// <param name="Value">The output as a value: the text itself for text tasks, the parsed object for structured ones.</param>
/// <remarks>The task's figures (duration, tokens, LLM calls) are in <see cref="CrewResult{T}.Metrics"/>: <c>result.Metrics.GetTask(name)</c>.</remarks>
public sealed record TaskOutput(string TaskName, string AgentName, string Text, object? Value)
{
    /// <summary>The output as a <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidCastException">The task's output is of another type.</exception>
    public T As<T>() => Value is T typed
        ? typed
        : throw new InvalidCastException($"The output of task '{TaskName}' is a {Value?.GetType().Name ?? "null"}, not a {typeof(T).Name}.");
}

/// <summary>What a finished crew execution produced.</summary>
/// <typeparam name="T">The output type of the crew's last task.</typeparam>
public sealed class CrewResult<T>
{
    /// <summary>Creates a result.</summary>
    /// <param name="executionId">The execution that produced it.</param>
    /// <param name="crewName">The crew that ran.</param>
    /// <param name="output">The output of the crew's last task.</param>
    /// <param name="taskOutputs">Every task's output, in the crew's declared order.</param>
    /// <param name="metrics">The execution's figures.</param>
    public CrewResult(string executionId, string crewName, T output, IReadOnlyList<TaskOutput> taskOutputs, AmshaMetrics metrics)
    {
        ExecutionId = executionId ?? throw new ArgumentNullException(nameof(executionId));
        CrewName = crewName ?? throw new ArgumentNullException(nameof(crewName));
        Output = output;
        TaskOutputs = taskOutputs ?? throw new ArgumentNullException(nameof(taskOutputs));
        Metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
    }

    /// <summary>The execution that produced the result.</summary>
    public string ExecutionId { get; }

    /// <summary>The crew that ran.</summary>
    public string CrewName { get; }

    /// <summary>The output of the crew's last task.</summary>
    public T Output { get; }

    /// <summary>Every task's output, in the crew's declared order.</summary>
    public IReadOnlyList<TaskOutput> TaskOutputs { get; }

    /// <summary>The execution's figures: timing, tokens (per task and per LLM call attempt), retries, resources.</summary>
    public AmshaMetrics Metrics { get; }

    /// <summary>Tokens the execution's LLM calls spent, failed attempts and output repairs included (<see cref="AmshaMetrics.Tokens"/>).</summary>
    public TokenUsage Usage => Metrics.Tokens;

    /// <summary>The output of the task named <paramref name="taskName"/>.</summary>
    /// <exception cref="KeyNotFoundException">The crew has no task of that name.</exception>
    public TaskOutput GetTaskOutput(string taskName)
    {
        foreach (var output in TaskOutputs)
        {
            if (string.Equals(output.TaskName, taskName, StringComparison.Ordinal))
            {
                return output;
            }
        }

        throw new KeyNotFoundException($"Crew '{CrewName}' has no output for task '{taskName}'.");
    }

    /// <summary>The typed output of the task named <paramref name="taskName"/>.</summary>
    /// <typeparam name="TOutput">The task's output type (its <c>[CrewTask&lt;TOutput&gt;]</c> argument, or <see cref="string"/>).</typeparam>
    /// <exception cref="KeyNotFoundException">The crew has no task of that name.</exception>
    /// <exception cref="InvalidCastException">The task's output is of another type.</exception>
    public TOutput GetTaskOutput<TOutput>(string taskName) => GetTaskOutput(taskName).As<TOutput>();

    /// <summary>The typed output of the task named <paramref name="taskName"/>, if the crew has that task and its output is a <typeparamref name="TOutput"/>.</summary>
    public bool TryGetTaskOutput<TOutput>(string taskName, [MaybeNullWhen(false)] out TOutput output)
    {
        foreach (var candidate in TaskOutputs)
        {
            if (string.Equals(candidate.TaskName, taskName, StringComparison.Ordinal) && candidate.Value is TOutput typed)
            {
                output = typed;
                return true;
            }
        }

        output = default;
        return false;
    }
}
