using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// The compiled crews of the loaded assemblies, by name: what run-time definitions overlay and what
/// <see cref="ExecutionSession.RunAsync(string, string, ExecutionOptions?, System.Threading.CancellationToken)"/> runs by name.
/// The generator registers every crew of an assembly when it loads.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CompiledCrews
{
    private static readonly ConcurrentDictionary<string, ICompiledCrew> s_crews = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> s_conflicts = new(StringComparer.Ordinal);

    /// <summary>Registers the crew <paramref name="name"/>; its plan is created on first use.</summary>
    /// <param name="name">The crew's name (its plan's <see cref="CrewDefinition{TInput, TOutput}.Name"/>).</param>
    /// <param name="definition">Gives the crew's plan (the generated <c>Definition</c> property).</param>
    public static void Register<TInput, TOutput>(string name, Func<CrewDefinition<TInput, TOutput>> definition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definition);
        var entry = new CompiledCrew<TInput, TOutput>(name, definition);
        var registered = s_crews.GetOrAdd(name, entry);
        if (!ReferenceEquals(registered, entry))
        {
            // Two crews of one name (two assemblies, or a crew's generic instantiations): running either by name would be a guess.
            s_conflicts[name] = $"{definition.Method.DeclaringType?.Assembly.GetName().Name}, {registered.AssemblyName}";
        }
    }

    internal static ICollection<ICompiledCrew> All => s_crews.Values;

    /// <summary>Forgets the crew <paramref name="name"/> (tests that load generated assemblies side by side).</summary>
    internal static void Forget(string name)
    {
        s_crews.TryRemove(name, out _);
        s_conflicts.TryRemove(name, out _);
    }

    /// <summary>The compiled crew named <paramref name="name"/>; null when there is none.</summary>
    /// <exception cref="InvalidOperationException">Several assemblies declare a crew of that name.</exception>
    internal static ICompiledCrew? Find(string name)
    {
        if (s_conflicts.TryGetValue(name, out var assemblies))
        {
            throw new InvalidOperationException($"More than one compiled crew is named '{name}' (in {assemblies}); run it through its generated class instead of by name.");
        }

        return s_crews.TryGetValue(name, out var crew) ? crew : null;
    }
}

/// <summary>A compiled crew, without its type arguments.</summary>
internal interface ICompiledCrew
{
    string Name { get; }

    object Definition { get; }

    string? AssemblyName { get; }

    IEnumerable<string> AgentNames { get; }

    IEnumerable<string> TaskNames { get; }

    /// <summary>Validates the overlay of <paramref name="definitions"/> on this crew and caches the result in it.</summary>
    /// <exception cref="DefinitionException">The overlay is invalid.</exception>
    void ApplyOverlay(ActiveDefinitions definitions);

    /// <summary>The crew (overlaid by <paramref name="definitions"/>) as a crew run by name: JSON in, text or JSON out.</summary>
    CrewDefinition<CrewInputJson, string> ByName(ActiveDefinitions definitions);

    /// <summary>The crew with a recorded overlay, as a crew run by name (a resume after the definitions moved on).</summary>
    /// <exception cref="DefinitionException">The recorded declarations no longer fit the crew.</exception>
    CrewDefinition<CrewInputJson, string> ByNameRecorded(DefinitionSnapshot snapshot, Func<string, bool> isUseCase);
}

/// <summary>A compiled crew with its types.</summary>
internal sealed class CompiledCrew<TInput, TOutput> : ICompiledCrew
{
    private readonly Lazy<CrewDefinition<TInput, TOutput>> _definition;
    private readonly Func<CrewDefinition<TInput, TOutput>> _create;

    public CompiledCrew(string name, Func<CrewDefinition<TInput, TOutput>> create)
    {
        Name = name;
        _create = create;
        _definition = new Lazy<CrewDefinition<TInput, TOutput>>(create);
    }

    public string Name { get; }

    public object Definition => Crew;

    public string? AssemblyName => _create.Method.DeclaringType?.Assembly.GetName().Name;

    private CrewDefinition<TInput, TOutput> Crew => _definition.Value;

    public IEnumerable<string> AgentNames
    {
        get
        {
            foreach (var task in Crew.Tasks)
            {
                yield return task.Agent.Name;
            }
        }
    }

    public IEnumerable<string> TaskNames
    {
        get
        {
            foreach (var task in Crew.Tasks)
            {
                yield return task.Name;
            }
        }
    }

    public void ApplyOverlay(ActiveDefinitions definitions) => definitions.Resolve(Crew);

    public CrewDefinition<CrewInputJson, string> ByName(ActiveDefinitions definitions) => Wrap(definitions.Resolve(Crew));

    public CrewDefinition<CrewInputJson, string> ByNameRecorded(DefinitionSnapshot snapshot, Func<string, bool> isUseCase) =>
        Wrap(DefinitionOverlay.FromSnapshot(Crew, snapshot, isUseCase));

    private static CrewDefinition<CrewInputJson, string> Wrap(CrewDefinition<TInput, TOutput> crew)
    {
        JsonCodec<TInput>? inputCodec = typeof(TInput) == typeof(NoInput) ? null : JsonCodecs.Get<TInput>();
        var tasks = new CrewTaskDefinition<CrewInputJson>[crew.Tasks.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            var typed = crew.Tasks[i];
            tasks[i] = new CrewTaskDefinition<CrewInputJson>(
                typed.Name,
                typed.Agent,
                typed.DependsOn,
                (input, context) => typed.BuildPrompt(inputCodec is null ? (TInput)(object)NoInput.Value : input.As(inputCodec), context),
                typed.OutputFormat)
            {
                Toolboxes = typed.Toolboxes,
                MaxToolRounds = typed.MaxToolRounds,
                ToolSources = typed.ToolSources,
                Review = typed.Review,
                Texts = typed.Texts,
            };
        }

        // Text outputs as they are; typed outputs as the JSON their generated codec writes.
        var outputCodec = typeof(TOutput) == typeof(string) ? null : JsonCodecs.Get<TOutput>();
        return new CrewDefinition<CrewInputJson, string>(crew.Name, crew.Process, tasks)
        {
            IsResolved = true,
            Version = crew.Version,
            Snapshot = crew.Snapshot,
            SelectResult = outputCodec is null ? static last => last.Value as string ?? last.Text : last => JsonCodecs.Serialize(outputCodec, (TOutput)last.Value!),
            InputCheck = inputCodec is null ? null : input => input.As(inputCodec),
        };
    }
}
