using System;
using System.Collections.Generic;
using Amsha.Generated;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>The tools one task may call, bound to their toolbox instances, and the limits of its tool loop.</summary>
internal sealed class ToolSet
{
    private readonly Dictionary<string, ToolFunction> _byName;

    private ToolSet(List<ToolFunction> functions, Dictionary<string, ToolFunction> byName, int maxRounds, ToolOptions options)
    {
        Tools = functions.ConvertAll(static f => (AITool)f);
        _byName = byName;
        MaxRounds = maxRounds;
        MaxConcurrentCalls = options.MaxConcurrentCalls;
        OnToolError = options.OnToolError;
    }

    /// <summary>The tools offered to the model.</summary>
    public IList<AITool> Tools { get; }

    /// <summary>Rounds of tool calls allowed before the model must answer.</summary>
    public int MaxRounds { get; }

    public int MaxConcurrentCalls { get; }

    public ToolErrorBehavior OnToolError { get; }

    /// <summary>The tool the model named, if the task has one by that name.</summary>
    public bool TryGet(string name, out ToolFunction tool) => _byName.TryGetValue(name, out tool!);

    /// <summary>The names of the tools, for an error that names an unknown one.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>
    /// The tools of <paramref name="toolboxes"/> for task <paramref name="taskName"/>, each toolbox's instance from
    /// <paramref name="resolve"/>; null when there are none (the task only talks).
    /// </summary>
    /// <exception cref="ToolCallException">Two toolboxes offer a tool of the same name.</exception>
    public static ToolSet? Create(string taskName, IReadOnlyList<ToolboxDefinition> toolboxes, Func<ToolboxDefinition, object> resolve, int taskMaxRounds, ToolOptions options)
    {
        if (toolboxes.Count == 0)
        {
            return null;
        }

        var functions = new List<ToolFunction>();
        var byName = new Dictionary<string, ToolFunction>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var toolbox in toolboxes)
        {
            foreach (var function in toolbox.CreateTools(resolve(toolbox)))
            {
                if (!byName.TryAdd(function.Name, function))
                {
                    throw new ToolCallException($"Task '{taskName}' is offered two tools named '{function.Name}' (by {owners[function.Name]} and {toolbox.Name}); a model could not tell them apart. Rename one with [Tool(Name = ...)].", function.Name);
                }

                owners[function.Name] = toolbox.Name;
                functions.Add(function);
            }
        }

        return new ToolSet(functions, byName, taskMaxRounds > 0 ? taskMaxRounds : options.MaxRounds, options);
    }
}
