using System;

namespace Amsha;

/// <summary>
/// Declares a task whose output is text. Apply it to an empty <c>partial</c> class; the
/// class name is the task's name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public class CrewTaskAttribute : Attribute
{
    /// <summary>The agent that performs the task: a type marked <see cref="AgentAttribute"/>. Required.</summary>
    public Type? Agent { get; set; }

    /// <summary>What the agent is asked to do. Required; may contain <c>{Placeholders}</c>.</summary>
    public string Description { get; set; } = "";

    /// <summary>What a good answer looks like. Required; may contain <c>{Placeholders}</c>.</summary>
    public string ExpectedOutput { get; set; } = "";

    /// <summary>Tasks whose outputs this task receives as context.</summary>
    public Type[] Context { get; set; } = Array.Empty<Type>();

    /// <summary>How often a structured answer that does not parse is asked for again.</summary>
    public int OutputRepairs { get; set; }

    /// <summary>Toolboxes (types marked <see cref="ToolboxAttribute"/>) this task may call besides its agent's.</summary>
    public Type[] Tools { get; set; } = Array.Empty<Type>();

    /// <summary>Names of tool sources (<see cref="IToolSource"/>, e.g. MCP servers) this task may call besides its agent's.</summary>
    public string[] ToolSources { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The most rounds of tool calls the task may make before it must answer; 0 (the default) takes
    /// <c>Amsha:Llm:Tools:MaxRounds</c>. A model that asks for tools again after the last round fails the task.
    /// </summary>
    public int MaxToolRounds { get; set; }

    /// <summary>
    /// Whether a person reviews the task's output before the crew goes on. The execution waits
    /// (<see cref="ExecutionStatus.WaitingForInput"/>) until the output is approved, edited or rejected through
    /// <c>SubmitInputAsync</c>; a background execution is stored while it waits and holds no memory.
    /// </summary>
    public ReviewKind Review { get; set; }
}

/// <summary>Declares a task whose output is a <typeparamref name="TOutput"/>.</summary>
/// <typeparam name="TOutput">The structured output the model is asked for.</typeparam>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CrewTaskAttribute<TOutput> : CrewTaskAttribute
{
}
