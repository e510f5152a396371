using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;

namespace Amsha;

// Run-time definitions: sources that overlay compiled crews and define dynamic crews, and crews run by name.
public sealed partial class ExecutionSession
{
    private readonly SessionDefinitions _definitions;

    /// <summary>Raised after the session loads its definitions again (a source changed, or <see cref="ReloadDefinitionsAsync"/>), whether they were accepted or not.</summary>
    public event EventHandler<DefinitionsReloadedEventArgs>? DefinitionsReloaded
    {
        add => _definitions.Reloaded += value;
        remove => _definitions.Reloaded -= value;
    }

    /// <summary>
    /// Adds a source of run-time definitions. Its agents and tasks named like those of compiled crews overlay their
    /// texts (and use case, tool sources); its crews with new names are dynamic crews, run by name. Definitions are
    /// loaded on first use and again whenever the source signals a change; a change that fails validation is
    /// rejected (see <see cref="DefinitionsReloaded"/>) and the definitions before stay in force.
    /// </summary>
    /// <returns>This session.</returns>
    public ExecutionSession AddDefinitionSource(IDefinitionSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _definitions.Add(source);
        return this;
    }

    /// <summary>Loads every definition source again and puts the definitions in force if they are valid.</summary>
    /// <returns>The version now in force.</returns>
    /// <exception cref="DefinitionException">The definitions are invalid (the message names the file and line, or table and row); the ones before stay in force.</exception>
    public Task<string> ReloadDefinitionsAsync(CancellationToken cancellationToken = default) => _definitions.ReloadAsync(cancellationToken);

    /// <summary>The names of the crews this session can run by name: the compiled crews of the loaded assemblies and the dynamic crews of its definitions.</summary>
    /// <exception cref="DefinitionException">The definitions, loaded for the first time, are invalid.</exception>
    public async Task<IReadOnlyList<string>> ListCrewsAsync(CancellationToken cancellationToken = default)
    {
        var active = await _definitions.GetAsync(cancellationToken).ConfigureAwait(false);
        return CompiledCrews.All.Select(c => c.Name).Concat(active.DynamicCrewNames).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Runs the crew named <paramref name="crewName"/> (compiled, or defined at run time) interactively with a JSON
    /// input and waits for its result: the last task's text, or its output as JSON for typed and <c>json</c> outputs.
    /// </summary>
    /// <param name="crewName">A compiled crew's name or a dynamic crew's name.</param>
    /// <param name="inputJson">A JSON object: the compiled crew's input, or the properties a dynamic crew's placeholders name.</param>
    /// <param name="options">Per-execution options.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <exception cref="ArgumentException">There is no crew of that name, or the input does not fit it.</exception>
    /// <exception cref="DefinitionException">The definitions, loaded for the first time, are invalid.</exception>
    public async Task<CrewResult<string>> RunAsync(string crewName, string? inputJson, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (crew, input) = await PrepareByNameAsync(crewName, inputJson, cancellationToken).ConfigureAwait(false);
        return await RunInteractiveAsync(crew, input, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts an interactive execution of the crew named <paramref name="crewName"/> with a JSON input; stream it, await it or cancel it through the handle.</summary>
    /// <inheritdoc cref="RunAsync(string, string, ExecutionOptions, CancellationToken)"/>
    public async Task<InteractiveExecutionHandle<string>> StartAsync(string crewName, string? inputJson, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (crew, input) = await PrepareByNameAsync(crewName, inputJson, cancellationToken).ConfigureAwait(false);
        return StartInteractiveRun(crew, input, options, cancellationToken);
    }

    /// <summary>
    /// Starts a background execution of the crew named <paramref name="crewName"/> with a JSON input; completes once its
    /// first record is stored (with the definitions it runs with), so its id resolves from any process.
    /// </summary>
    /// <param name="crewName">A compiled crew's name or a dynamic crew's name.</param>
    /// <param name="inputJson">A JSON object: the compiled crew's input, or the properties a dynamic crew's placeholders name.</param>
    /// <param name="options">Per-execution options.</param>
    /// <param name="cancellationToken">Stops waiting for the first write; does not cancel the execution.</param>
    /// <exception cref="ArgumentException">There is no crew of that name, or the input does not fit it.</exception>
    /// <exception cref="ExecutionException">The first record could not be stored.</exception>
    public async Task<ExecutionHandle<string>> StartBackgroundAsync(string crewName, string? inputJson, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (crew, input) = await PrepareByNameAsync(crewName, inputJson, cancellationToken).ConfigureAwait(false);
        return await CrewExecution.StartBackgroundAsync(this, crew, input, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Continues background execution <paramref name="executionId"/>, of any crew, from its last checkpoint: the crew is
    /// found by the name in its record, with the definitions it started with (see <see cref="ExecutionOptions.DefinitionVersion"/>).
    /// </summary>
    /// <param name="executionId">The id of a background execution in the store.</param>
    /// <param name="options">Per-execution options.</param>
    /// <param name="cancellationToken">Stops waiting; does not cancel the execution.</param>
    /// <exception cref="ExecutionNotFoundException">The store has no execution with that id.</exception>
    /// <exception cref="ExecutionDefinitionChangedException">The definitions changed and the recorded ones cannot be rebuilt.</exception>
    public async Task<ExecutionHandle<string>> ResumeAsync(string executionId, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        var record = await (options?.Store ?? Store).GetAsync(executionId, cancellationToken).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(executionId);
        var crew = await CrewOfRecordAsync(record, options, cancellationToken).ConfigureAwait(false);
        return await CrewExecution.ResumeAsync(this, crew, executionId, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The crew that continues the stored execution <paramref name="record"/>, found by name (see <see cref="ResumeAsync(string, ExecutionOptions, CancellationToken)"/>).</summary>
    private async Task<CrewDefinition<CrewInputJson, string>> CrewOfRecordAsync(ExecutionRecord record, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        var crew = await TryFindByNameAsync(record.CrewName, cancellationToken).ConfigureAwait(false);

        // A crew whose definitions moved on (or are gone) is rebuilt from its record; the run checks the fingerprint either way.
        if (record.DefinitionFingerprint is { } recorded && recorded != crew?.Fingerprint && options?.DefinitionVersion != DefinitionVersionPolicy.Current
            && record.DefinitionSnapshot is { } json)
        {
            crew = RebuildRecorded(record, json, crew);
        }

        return crew ?? await FindByNameAsync(record.CrewName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The plan <paramref name="crew"/> runs with now: overlaid by the run-time definitions in force.</summary>
    internal ValueTask<CrewDefinition<TInput, TOutput>> ResolveDefinitionAsync<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, CancellationToken cancellationToken)
    {
        if (crew.IsResolved || !_definitions.HasSources)
        {
            return new ValueTask<CrewDefinition<TInput, TOutput>>(crew);
        }

        return ResolveSlowAsync(crew, cancellationToken);

        async ValueTask<CrewDefinition<TInput, TOutput>> ResolveSlowAsync(CrewDefinition<TInput, TOutput> compiled, CancellationToken token) =>
            (await _definitions.GetAsync(token).ConfigureAwait(false)).Resolve(compiled);
    }

    private async Task<(CrewDefinition<CrewInputJson, string> Crew, CrewInputJson Input)> PrepareByNameAsync(string crewName, string? inputJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(crewName);
        var crew = await FindByNameAsync(crewName, cancellationToken).ConfigureAwait(false);
        var input = CrewInputJson.Parse(inputJson, crewName);
        try
        {
            crew.InputCheck?.Invoke(input);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ArgumentException($"The input of crew '{crewName}' does not fit its input type: {ex.Message}", nameof(inputJson), ex);
        }

        return (crew, input);
    }

    private async Task<CrewDefinition<CrewInputJson, string>?> TryFindByNameAsync(string crewName, CancellationToken cancellationToken)
    {
        var active = await _definitions.GetAsync(cancellationToken).ConfigureAwait(false);
        if (CompiledCrews.Find(crewName) is { } compiled)
        {
            return active.ByName(compiled);
        }

        return active.TryGetDynamic(crewName, out var dynamic) ? dynamic : null;
    }

    private async Task<CrewDefinition<CrewInputJson, string>> FindByNameAsync(string crewName, CancellationToken cancellationToken)
    {
        if (await TryFindByNameAsync(crewName, cancellationToken).ConfigureAwait(false) is { } crew)
        {
            return crew;
        }

        var active = await _definitions.GetAsync(cancellationToken).ConfigureAwait(false);
        var known = string.Join(", ", CompiledCrews.All.Select(c => c.Name).Concat(active.DynamicCrewNames).OrderBy(n => n, StringComparer.Ordinal));
        throw new ArgumentException($"There is no crew named '{crewName}'. Crews this session can run by name: {(known.Length == 0 ? "none" : known)}.", nameof(crewName));
    }

    private CrewDefinition<CrewInputJson, string>? RebuildRecorded(ExecutionRecord record, string json, CrewDefinition<CrewInputJson, string>? current)
    {
        try
        {
            var snapshot = DefinitionSnapshot.FromJson(json);
            if (snapshot.Crew is not null)
            {
                return ActiveDefinitions.BuildDynamic(snapshot, Llm.IsUseCase);
            }

            var compiled = CompiledCrews.Find(record.CrewName);
            return compiled is null ? current : compiled.ByNameRecorded(snapshot, Llm.IsUseCase);
        }
        catch (Exception ex) when (ex is DefinitionException or System.Text.Json.JsonException)
        {
            throw new ExecutionDefinitionChangedException(record.ExecutionId, record.CrewName, record.DefinitionFingerprint!, current?.Fingerprint ?? "none", "the recorded definitions no longer fit: " + ex.Message, ex);
        }
    }
}
