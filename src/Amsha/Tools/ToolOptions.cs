using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>How tasks call tools: <c>Amsha:Llm:Tools</c>.</summary>
public sealed class ToolOptions
{
    /// <summary>The highest <see cref="MaxRounds"/> accepted.</summary>
    public const int MaxRoundsLimit = 100;

    /// <summary>
    /// The most rounds of tool calls a task makes before the model must answer (default 8); a task's
    /// <c>MaxToolRounds</c> overrides it. A model that still asks for tools after the last round fails the task.
    /// </summary>
    public int MaxRounds { get; set; } = 8;

    /// <summary>How many tool calls of one round run at the same time (default 4); the rest wait their turn.</summary>
    public int MaxConcurrentCalls { get; set; } = 4;

    /// <summary>What a tool that throws does to its task (default: its message goes back to the model).</summary>
    public ToolErrorBehavior OnToolError { get; set; } = ToolErrorBehavior.ReturnToModel;

    /// <summary>
    /// Tool sources by agent name (<c>Amsha:Llm:Tools:AgentSources:&lt;agent&gt;:0 = files</c>): configured additions to
    /// an agent's <c>ToolSources</c>, so a deployment can give an agent the tools of an MCP server without a rebuild.
    /// </summary>
    public Dictionary<string, List<string>> AgentSources { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>What happens when a tool method throws.</summary>
public enum ToolErrorBehavior
{
    /// <summary>The exception's message goes back to the model as the call's result; the model decides what to do.</summary>
    ReturnToModel,

    /// <summary>The task fails with a <see cref="ToolCallException"/>.</summary>
    FailTask,
}
