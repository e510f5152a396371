using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Amsha.Generated;

/// <summary>
/// A crew's compile-time plan: the tasks, their agents, dependencies and prompt builders.
/// The source generator emits one per <see cref="CrewAttribute"/>; runtime code only reads it.
/// </summary>
/// <typeparam name="TInput">The crew's input type (<see cref="NoInput"/> for crews without input).</typeparam>
/// <typeparam name="TOutput">The output type of the crew's last task.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CrewDefinition<TInput, TOutput>
{
    /// <summary>Creates a definition.</summary>
    /// <param name="name">The crew's name.</param>
    /// <param name="process">How tasks are scheduled.</param>
    /// <param name="tasks">The tasks in declared order; every dependency points at an earlier index for sequential crews.</param>
    public CrewDefinition(string name, CrewProcess process, IReadOnlyList<CrewTaskDefinition<TInput>> tasks)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A crew needs a name.", nameof(name));
        }

        if (tasks is null || tasks.Count == 0)
        {
            throw new ArgumentException($"Crew '{name}' declares no tasks.", nameof(tasks));
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            foreach (var dependency in tasks[i].DependsOn)
            {
                if (dependency < 0 || dependency >= tasks.Count || dependency == i)
                {
                    throw new ArgumentException($"Task '{tasks[i].Name}' of crew '{name}' depends on task index {dependency}, which is not another task of the crew.", nameof(tasks));
                }
            }
        }

        Name = name;
        Process = process;
        Tasks = tasks;
    }

    /// <summary>The crew's name.</summary>
    public string Name { get; }

    /// <summary>How tasks are scheduled.</summary>
    public CrewProcess Process { get; }

    /// <summary>The tasks in declared order.</summary>
    public IReadOnlyList<CrewTaskDefinition<TInput>> Tasks { get; }

    /// <summary>The input members placeholders can name; null for crews without input (no placeholders).</summary>
    public PromptInput<TInput>? Input { get; init; }

    /// <summary>Where this plan's texts came from: <c>compiled</c>, or a definition source's version.</summary>
    internal string Version { get; init; } = "compiled";

    /// <summary>The run-time definitions this plan was built from (recorded with background executions); null for a compiled plan.</summary>
    internal DefinitionSnapshot? Snapshot { get; init; }

    /// <summary>Turns the last task's output into the crew's result; null takes its value as it is.</summary>
    internal Func<TaskOutput, TOutput>? SelectResult { get; init; }

    /// <summary>True for a plan the run-time definitions already shaped (overlaid, run by name, dynamic): it is not overlaid again.</summary>
    internal bool IsResolved { get; init; }

    /// <summary>Checks an input before an execution starts (a crew run by name: placeholders its JSON must fill); null for none.</summary>
    internal Action<TInput>? InputCheck { get; init; }

    /// <summary>A hash of everything that shapes the prompts and the plan, computed once: executions record it.</summary>
    internal string Fingerprint => _fingerprint ??= DefinitionFingerprint.Of(this);

    private string? _fingerprint;
}

/// <summary>One task of a <see cref="CrewDefinition{TInput, TOutput}"/>.</summary>
/// <typeparam name="TInput">The crew's input type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CrewTaskDefinition<TInput>
{
    /// <summary>Creates a task definition.</summary>
    /// <param name="name">The task's name.</param>
    /// <param name="agent">The agent that performs it.</param>
    /// <param name="dependsOn">Indexes of the tasks whose outputs this task receives.</param>
    /// <param name="buildPrompt">Renders the task's prompt from the input and the finished context tasks.</param>
    /// <param name="outputFormat">How the answer is requested and parsed; <see cref="TaskOutputFormat.Text"/> when null.</param>
    public CrewTaskDefinition(string name, AgentDefinition agent, IReadOnlyList<int> dependsOn, Func<TInput, CrewTaskContext, TaskPrompt> buildPrompt, TaskOutputFormat? outputFormat = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Agent = agent ?? throw new ArgumentNullException(nameof(agent));
        DependsOn = dependsOn ?? Array.Empty<int>();
        BuildPrompt = buildPrompt ?? throw new ArgumentNullException(nameof(buildPrompt));
        OutputFormat = outputFormat ?? TaskOutputFormat.Text;
    }

    /// <summary>The task's name.</summary>
    public string Name { get; }

    /// <summary>The agent that performs it.</summary>
    public AgentDefinition Agent { get; }

    /// <summary>Indexes of the tasks whose outputs this task receives.</summary>
    public IReadOnlyList<int> DependsOn { get; }

    /// <summary>Renders the task's prompt.</summary>
    public Func<TInput, CrewTaskContext, TaskPrompt> BuildPrompt { get; }

    /// <summary>How the answer is requested and parsed.</summary>
    public TaskOutputFormat OutputFormat { get; }

    /// <summary>The toolboxes whose tools the task may call: its agent's, then its own.</summary>
    public IReadOnlyList<ToolboxDefinition> Toolboxes { get; init; } = Array.Empty<ToolboxDefinition>();

    /// <summary>The task's own limit on rounds of tool calls; 0 takes <see cref="ToolOptions.MaxRounds"/>.</summary>
    public int MaxToolRounds { get; init; }

    /// <summary>Names of the tool sources (<see cref="IToolSource"/>) the task may call: its agent's, then its own.</summary>
    public IReadOnlyList<string> ToolSources { get; init; } = Array.Empty<string>();

    /// <summary>Whether a person reviews the task's output before the crew goes on.</summary>
    public ReviewKind Review { get; init; }

    /// <summary>The declaration texts as written, so run-time definitions can re-render them; null when unknown.</summary>
    public TaskTexts? Texts { get; init; }
}

/// <summary>An agent as the runtime sees it.</summary>
/// <param name="Name">The agent's name.</param>
/// <param name="Llm">The LLM use case its calls go to.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record AgentDefinition(string Name, string Llm);

/// <summary>A rendered prompt: the agent's system text and the task's user text.</summary>
/// <param name="System">The system message (who the agent is).</param>
/// <param name="User">The user message (what to do, context included).</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct TaskPrompt(string System, string User);

/// <summary>The input type of crews declared without one.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NoInput
{
    private NoInput()
    {
    }

    /// <summary>The single value.</summary>
    public static NoInput Value { get; } = new();
}
