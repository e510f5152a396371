using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Amsha;

/// <summary>The output of one finished task.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="AgentName">The agent that performed it.</param>
/// <param name="Text">The output as text (JSON for structured outputs).</param>
/// <param name="Value">The output as a value: the text itself for text tasks, the parsed object for structured ones.</param>
public sealed record TaskOutput(string TaskName, string AgentName, string Text, object? Value)
{
    /// <summary>Tokens the task's LLM calls spent, failed attempts and output repairs included.</summary>
    public TokenUsage Usage { get; init; } = TokenUsage.Zero;

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
    public CrewResult(string executionId, string crewName, T output, IReadOnlyList<TaskOutput> taskOutputs)
    {
        ExecutionId = executionId;
        CrewName = crewName;
        Output = output;
        TaskOutputs = taskOutputs;
    }

    /// <summary>The execution that produced the result.</summary>
    public string ExecutionId { get; }

    /// <summary>The crew that ran.</summary>
    public string CrewName { get; }

    /// <summary>The output of the crew's last task.</summary>
    public T Output { get; }

    /// <summary>Every task's output, in the crew's declared order.</summary>
    public IReadOnlyList<TaskOutput> TaskOutputs { get; }

    /// <summary>Tokens the execution's LLM calls spent: the sum over its tasks, failed attempts included.</summary>
    public TokenUsage Usage
    {
        get
        {
            var total = TokenUsage.Zero;
            foreach (var output in TaskOutputs)
            {
                total += output.Usage;
            }

            return total;
        }
    }
    /// <summary>The execution's figures (timing, tokens, LLM calls, resources), or null for a result built by hand.</summary>
    public AmshaMetrics? Metrics { get; internal set; }

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
