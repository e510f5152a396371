using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>
/// An agent as a definition source declares it. As an overlay of a compiled agent (same name) every field
/// given replaces the compiled one and a null field keeps it; an agent of a dynamic crew needs role, goal and backstory.
/// </summary>
/// <param name="Name">The agent's name: a compiled agent's class name, or the name dynamic tasks refer to.</param>
public sealed record AgentDeclaration(string Name)
{
    /// <summary>Who the agent is; may hold <c>{placeholders}</c>.</summary>
    public string? Role { get; init; }

    /// <summary>What the agent aims for; may hold <c>{placeholders}</c>.</summary>
    public string? Goal { get; init; }

    /// <summary>The agent's background; may hold <c>{placeholders}</c>.</summary>
    public string? Backstory { get; init; }

    /// <summary>The LLM use case its calls go to; <c>default</c> for dynamic agents when null.</summary>
    public string? Llm { get; init; }

    /// <summary>Names of the tool sources (<see cref="IToolSource"/>) it may call; null keeps a compiled agent's.</summary>
    public IReadOnlyList<string>? ToolSources { get; init; }

    /// <summary>Where the agent is written.</summary>
    public DefinitionOrigin? Origin { get; init; }

    /// <summary>Where each field is written, by its key in the files (<c>role</c>, <c>goal</c>, …); absent fields fall back to <see cref="Origin"/>.</summary>
    public IReadOnlyDictionary<string, DefinitionOrigin>? FieldOrigins { get; init; }
}

/// <summary>
/// A task as a definition source declares it. As an overlay of a compiled task (same name) its texts, agent
/// use case, tool sources and review may change, never its agent, context or output; a dynamic task needs all its texts.
/// </summary>
/// <param name="Name">The task's name: a compiled task's class name, or the name dynamic crews list.</param>
public sealed record TaskDeclaration(string Name)
{
    /// <summary>What to do; may hold <c>{placeholders}</c>.</summary>
    public string? Description { get; init; }

    /// <summary>What the answer should be; may hold <c>{placeholders}</c>.</summary>
    public string? ExpectedOutput { get; init; }

    /// <summary>The name of the agent that performs it.</summary>
    public string? Agent { get; init; }

    /// <summary>Names of the tasks whose outputs it receives.</summary>
    public IReadOnlyList<string>? Context { get; init; }

    /// <summary><c>string</c> (the default) for text, <c>json</c> for a JSON answer; compiled tasks keep their own output type.</summary>
    public string? Output { get; init; }

    /// <summary>Names of the tool sources it may call, besides its agent's; null keeps a compiled task's.</summary>
    public IReadOnlyList<string>? ToolSources { get; init; }

    /// <summary>
    /// Whether a person reviews its output before the crew goes on (<c>review</c>, or CrewAI's <c>human_input</c>,
    /// in definition files); null keeps a compiled task's review (none for a dynamic task).
    /// </summary>
    public ReviewKind? Review { get; init; }

    /// <summary>Where the task is written.</summary>
    public DefinitionOrigin? Origin { get; init; }

    /// <summary>Where each field is written, by its key in the files (<c>description</c>, <c>expected_output</c>, …).</summary>
    public IReadOnlyDictionary<string, DefinitionOrigin>? FieldOrigins { get; init; }
}

/// <summary>One step of a crew: a task and, optionally, the agent that performs it instead of the task's own.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Agent">The agent's name; null for the task's own agent.</param>
public sealed record CrewStepDeclaration(string Task, string? Agent = null);

/// <summary>A crew that exists only in a definition source: run it by name with a JSON input.</summary>
/// <param name="Name">The crew's name, as <see cref="ExecutionSession.RunAsync(string, string, ExecutionOptions?, System.Threading.CancellationToken)"/> takes it.</param>
public sealed record CrewDeclaration(string Name)
{
    /// <summary>The steps in order.</summary>
    public IReadOnlyList<CrewStepDeclaration> Steps { get; init; } = Array.Empty<CrewStepDeclaration>();

    /// <summary>How the tasks are scheduled.</summary>
    public CrewProcess Process { get; init; }

    /// <summary>Where the crew is written.</summary>
    public DefinitionOrigin? Origin { get; init; }

    /// <summary>Where each field is written, by its key in the files (<c>tasks</c>, <c>process</c>, …).</summary>
    public IReadOnlyDictionary<string, DefinitionOrigin>? FieldOrigins { get; init; }
}

/// <summary>Helpers on declarations.</summary>
internal static class DeclarationOrigins
{
    /// <summary>Where <paramref name="field"/> is written, else where the whole definition is.</summary>
    public static DefinitionOrigin? Of(IReadOnlyDictionary<string, DefinitionOrigin>? fields, DefinitionOrigin? whole, string field) =>
        fields is not null && fields.TryGetValue(field, out var origin) ? origin : whole;
}
