using System;

namespace Amsha;

/// <summary>
/// Declares an agent: the persona a task's model call speaks as. Apply it to an empty
/// <c>partial</c> class; the class name is the agent's name.
/// </summary>
/// <remarks>
/// <see cref="Role"/>, <see cref="Goal"/> and <see cref="Backstory"/> may contain
/// <c>{Placeholders}</c> bound, ignoring case, to members of the crew's input type.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AgentAttribute : Attribute
{
    /// <summary>The agent's role, e.g. "Senior researcher". Required.</summary>
    public string Role { get; set; } = "";

    /// <summary>What the agent tries to achieve. Required.</summary>
    public string Goal { get; set; } = "";

    /// <summary>Who the agent is. Required.</summary>
    public string Backstory { get; set; } = "";

    /// <summary>The LLM use case the agent's calls go to (see <see cref="LlmUseCases"/>).</summary>
    public string Llm { get; set; } = LlmUseCases.Default;

    /// <summary>The toolboxes (types marked <see cref="ToolboxAttribute"/>) whose tools the agent may call in every task it performs.</summary>
    public Type[] Tools { get; set; } = Array.Empty<Type>();

    /// <summary>Names of tool sources (<see cref="IToolSource"/>, e.g. MCP servers) whose tools the agent may call in every task it performs.</summary>
    public string[] ToolSources { get; set; } = Array.Empty<string>();
}
