using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>The tools one task may call (generated ones bound to their toolbox instances, and those of tool sources) and the limits of its tool loop.</summary>
internal sealed class ToolSet
{
    private readonly Dictionary<string, AIFunction> _byName;

    private ToolSet(List<AITool> tools, Dictionary<string, AIFunction> byName, int maxRounds, ToolOptions options)
    {
        Tools = tools;
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

    /// <summary>The journal of the task's tool calls in a background execution; null for interactive ones.</summary>
    public ToolJournal? Journal { get; set; }

    /// <summary>Where calls of tools that need approval ask a person; null when nothing asks.</summary>
    public InputGate? Input { get; set; }

    /// <summary>The agent performing the task, for approval requests.</summary>
    public string AgentName { get; set; } = "";

    /// <summary>The tool the model named, if the task has one by that name.</summary>
    public bool TryGet(string name, out AIFunction tool) => _byName.TryGetValue(name, out tool!);

    /// <summary>The names of the tools, for an error that names an unknown one.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>Whether <paramref name="task"/> may have tools at all: toolboxes, tool sources, or sources configured for its agent.</summary>
    public static bool MayOffer<TInput>(CrewTaskDefinition<TInput> task, ToolOptions? options) =>
        task.Toolboxes.Count > 0 || task.ToolSources.Count > 0 || (options is not null && options.AgentSources.ContainsKey(task.Agent.Name));

    /// <summary>
    /// The tools of task <paramref name="task"/> of a crew: its toolboxes' (each instance from <paramref name="resolveToolbox"/>)
    /// and its tool sources' (from <paramref name="resolveSource"/>; configured agent sources added); null when there are none.
    /// </summary>
    /// <exception cref="ToolCallException">Two tools share a name, or a toolbox or source cannot be found.</exception>
    public static async ValueTask<ToolSet?> CreateAsync<TInput>(CrewTaskDefinition<TInput> task, Func<ToolboxDefinition, object> resolveToolbox, Func<string, IToolSource> resolveSource, ToolOptions options, CancellationToken cancellationToken)
    {
        var sourceNames = new List<string>(task.ToolSources);
        if (options.AgentSources.TryGetValue(task.Agent.Name, out var configured))
        {
            foreach (var name in configured)
            {
                if (!sourceNames.Exists(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                {
                    sourceNames.Add(name);
                }
            }
        }

        if (task.Toolboxes.Count == 0 && sourceNames.Count == 0)
        {
            return null;
        }

        var tools = new List<AITool>();
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var toolbox in task.Toolboxes)
        {
            foreach (var function in toolbox.CreateTools(resolveToolbox(toolbox)))
            {
                Add(function, toolbox.Name);
            }
        }

        foreach (var name in sourceNames)
        {
            var source = resolveSource(name);
            foreach (var function in await source.GetToolsAsync(cancellationToken).ConfigureAwait(false))
            {
                Add(function, "tool source " + source.Name);
            }
        }

        return new ToolSet(tools, byName, task.MaxToolRounds > 0 ? task.MaxToolRounds : options.MaxRounds, options);

        void Add(AIFunction function, string owner)
        {
            if (!byName.TryAdd(function.Name, function))
            {
                throw new ToolCallException($"Task '{task.Name}' is offered two tools named '{function.Name}' (by {owners[function.Name]} and {owner}); a model could not tell them apart. Rename one with [Tool(Name = ...)].", function.Name);
            }

            owners[function.Name] = owner;
            tools.Add(function);
        }
    }
}
