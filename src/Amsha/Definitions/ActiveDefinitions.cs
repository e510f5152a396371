using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Amsha.Generated;

namespace Amsha;

/// <summary>
/// One validated state of a session's run-time definitions: the merged declarations of every source, the
/// overlaid plans of the compiled crews they touch and the plans of the dynamic crews. Immutable once built;
/// a reload builds a new one and swaps it in only when it is valid.
/// </summary>
internal sealed class ActiveDefinitions
{
    private readonly ConditionalWeakTable<object, object> _overlaid = new();
    private readonly Dictionary<string, CrewDefinition<CrewInputJson, string>> _dynamic = new(StringComparer.Ordinal);
    private readonly Func<string, bool> _isUseCase;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CrewDefinition<CrewInputJson, string>> _byName = new(StringComparer.Ordinal);

    private ActiveDefinitions(string version, Func<string, bool> isUseCase)
    {
        Version = version;
        _isUseCase = isUseCase;
    }

    /// <summary>No run-time definitions: compiled crews run as compiled.</summary>
    public static ActiveDefinitions None { get; } = new("compiled", static _ => true);

    /// <summary>The sources' versions, joined.</summary>
    public string Version { get; }

    public Dictionary<string, AgentDeclaration> Agents { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TaskDeclaration> Tasks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CrewDeclaration> Crews { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> DynamicCrewNames => _dynamic.Keys;

    /// <summary>Merges and validates the sets of every source against the compiled crews.</summary>
    /// <param name="sets">Each source's name and set, in the order they were added.</param>
    /// <param name="isUseCase">Whether an LLM use case name is configured.</param>
    /// <exception cref="DefinitionException">Something is invalid; nothing of the sets is used.</exception>
    public static ActiveDefinitions Build(IReadOnlyList<(string Source, DefinitionSet Set)> sets, Func<string, bool> isUseCase)
    {
        var versions = new List<string>();
        foreach (var (source, set) in sets)
        {
            versions.Add(sets.Count == 1 ? set.Version : source + "@" + set.Version);
        }

        var active = new ActiveDefinitions(string.Join(";", versions), isUseCase);
        foreach (var (source, set) in sets)
        {
            foreach (var agent in set.Agents)
            {
                Add(active.Agents, agent.Name, agent, agent.Origin, "agent", source);
            }

            foreach (var task in set.Tasks)
            {
                Add(active.Tasks, task.Name, task, task.Origin, "task", source);
            }

            foreach (var crew in set.Crews)
            {
                Add(active.Crews, crew.Name, crew, crew.Origin, "crew", source);
            }
        }

        // Overlays: every compiled crew a declaration names is re-planned and checked now, not when it runs.
        var compiledAgents = new HashSet<string>(StringComparer.Ordinal);
        var compiledTasks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var compiled in CompiledCrews.All)
        {
            compiledAgents.UnionWith(compiled.AgentNames);
            compiledTasks.UnionWith(compiled.TaskNames);
            compiled.ApplyOverlay(active);
        }

        var usedAgents = new HashSet<string>(StringComparer.Ordinal);
        var usedTasks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var crew in active.Crews.Values)
        {
            if (CompiledCrews.Find(crew.Name) is not null)
            {
                continue;
            }

            active._dynamic[crew.Name] = DynamicCrew.Build(crew, active, usedAgents, usedTasks);
        }

        foreach (var agent in active.Agents.Values)
        {
            if (!compiledAgents.Contains(agent.Name) && !usedAgents.Contains(agent.Name))
            {
                throw new DefinitionException($"Agent '{agent.Name}' is not an agent of a compiled crew, and no crew of the definitions uses it; check its name (names match exactly) or remove it.", agent.Origin);
            }
        }

        foreach (var task in active.Tasks.Values)
        {
            if (!compiledTasks.Contains(task.Name) && !usedTasks.Contains(task.Name))
            {
                throw new DefinitionException($"Task '{task.Name}' is not a task of a compiled crew, and no crew of the definitions lists it; check its name (names match exactly) or remove it.", task.Origin);
            }
        }

        return active;
    }

    /// <summary>The overlay of <paramref name="sets"/> on one compiled crew alone (a recorded overlay, rebuilt for a resume).</summary>
    /// <exception cref="DefinitionException">The recorded declarations no longer fit the crew.</exception>
    public static CrewDefinition<TInput, TOutput> BuildFor<TInput, TOutput>(CrewDefinition<TInput, TOutput> compiled, IReadOnlyList<(string Source, DefinitionSet Set)> sets, Func<string, bool> isUseCase)
    {
        var active = new ActiveDefinitions(sets.Count == 1 ? sets[0].Set.Version : "recorded", isUseCase);
        foreach (var (source, set) in sets)
        {
            foreach (var agent in set.Agents)
            {
                Add(active.Agents, agent.Name, agent, agent.Origin, "agent", source);
            }

            foreach (var task in set.Tasks)
            {
                Add(active.Tasks, task.Name, task, task.Origin, "task", source);
            }
        }

        return DefinitionOverlay.Apply(compiled, active);
    }

    /// <summary>The dynamic crew of a recorded snapshot, rebuilt for a resume.</summary>
    /// <exception cref="DefinitionException">The snapshot is not a valid crew.</exception>
    public static CrewDefinition<CrewInputJson, string> BuildDynamic(DefinitionSnapshot snapshot, Func<string, bool> isUseCase)
    {
        var active = new ActiveDefinitions(snapshot.Version, isUseCase);
        foreach (var agent in snapshot.Agents)
        {
            Add(active.Agents, agent.Name, agent, agent.Origin, "agent", "the recorded definitions");
        }

        foreach (var task in snapshot.Tasks)
        {
            Add(active.Tasks, task.Name, task, task.Origin, "task", "the recorded definitions");
        }

        var crew = snapshot.Crew ?? throw new DefinitionException("The recorded definitions hold no crew.");
        return DynamicCrew.Build(crew, active, new HashSet<string>(), new HashSet<string>());
    }

    /// <summary>Whether <paramref name="useCase"/> is a configured LLM use case.</summary>
    public bool IsUseCase(string useCase) => _isUseCase(useCase);

    /// <summary>The plan of <paramref name="compiled"/> with the overlays of these definitions; the same instance when none applies.</summary>
    /// <exception cref="DefinitionException">The overlay does not fit the crew.</exception>
    public CrewDefinition<TInput, TOutput> Resolve<TInput, TOutput>(CrewDefinition<TInput, TOutput> compiled)
    {
        if (ReferenceEquals(this, None))
        {
            return compiled;
        }

        if (_overlaid.TryGetValue(compiled, out var known))
        {
            return (CrewDefinition<TInput, TOutput>)known;
        }

        var overlaid = DefinitionOverlay.Apply(compiled, this);
        _overlaid.AddOrUpdate(compiled, overlaid);
        return overlaid;
    }

    /// <summary>A compiled crew, overlaid by these definitions, as a crew run by name; built once.</summary>
    public CrewDefinition<CrewInputJson, string> ByName(ICompiledCrew compiled) => _byName.GetOrAdd(compiled.Name, _ => compiled.ByName(this));

    /// <summary>The dynamic crew named <paramref name="name"/>, if any.</summary>
    public bool TryGetDynamic(string name, out CrewDefinition<CrewInputJson, string> crew) => _dynamic.TryGetValue(name, out crew!);

    private static void Add<T>(Dictionary<string, T> map, string name, T item, DefinitionOrigin? origin, string kind, string source)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DefinitionException($"A {kind} of {source} has no name.", origin);
        }

        if (map.ContainsKey(name))
        {
            throw new DefinitionException($"The {kind} '{name}' is defined twice (again in {source}); every {kind} name must be unique across the definition sources.", origin);
        }

        map[name] = item;
    }
}
