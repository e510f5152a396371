using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Amsha;

/// <summary>
/// A session's run-time definitions: its sources, the validated state in force, and reloads when a source
/// changes. A reload that fails validation changes nothing: the state before stays in force.
/// </summary>
internal sealed class SessionDefinitions : IDisposable
{
    private readonly List<IDefinitionSource> _sources = new();
    private readonly List<IDisposable> _watches = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly Func<string, bool> _isUseCase;
    private readonly ILogger _logger;
    private ActiveDefinitions? _active;
    private bool _hasSources;

    public SessionDefinitions(Func<string, bool> isUseCase, ILoggerFactory loggerFactory)
    {
        _isUseCase = isUseCase;
        _logger = loggerFactory.CreateLogger(AmshaLog.DefinitionsCategory);
    }

    /// <summary>Raised after every reload attempt, successful or not.</summary>
    public event EventHandler<DefinitionsReloadedEventArgs>? Reloaded;

    // Read on every execution's start: a flag, not the lock, so sessions without sources pay nothing for them.
    public bool HasSources => Volatile.Read(ref _hasSources);

    public void Add(IDefinitionSource source)
    {
        lock (_sources)
        {
            _sources.Add(source);
            Volatile.Write(ref _hasSources, true);

            // Loaded again on next use; a change of the source reloads at once.
            _active = null;
            _watches.Add(ChangeToken.OnChange(source.GetReloadToken, () => _ = ReloadInBackgroundAsync()));
        }
    }

    /// <summary>The definitions in force, loading them on first use.</summary>
    /// <exception cref="DefinitionException">The first load failed: there is nothing valid to use.</exception>
    public ValueTask<ActiveDefinitions> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _active) is { } active)
        {
            return new ValueTask<ActiveDefinitions>(active);
        }

        return HasSources ? LoadFirstAsync(cancellationToken) : new ValueTask<ActiveDefinitions>(ActiveDefinitions.None);
    }

    /// <summary>Loads every source again and puts the result in force if it is valid.</summary>
    /// <exception cref="DefinitionException">The new definitions are invalid; the ones before stay in force.</exception>
    public async Task<string> ReloadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Volatile.Read(ref _active);
            try
            {
                var active = await LoadAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _active, active);
                AmshaLog.DefinitionsLoaded(_logger, active.Version, active.Agents.Count, active.Tasks.Count, active.Crews.Count);
                Reloaded?.Invoke(this, new DefinitionsReloadedEventArgs(active.Version, null));
                return active.Version;
            }
            catch (DefinitionException ex)
            {
                AmshaLog.DefinitionsRejected(_logger, before?.Version ?? "none", ex.Message);
                Reloaded?.Invoke(this, new DefinitionsReloadedEventArgs(before?.Version, ex));
                throw;
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose()
    {
        lock (_sources)
        {
            foreach (var watch in _watches)
            {
                watch.Dispose();
            }

            _watches.Clear();
        }
    }

    private async ValueTask<ActiveDefinitions> LoadFirstAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _active) is { } loaded)
            {
                return loaded;
            }

            var active = await LoadAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _active, active);
            AmshaLog.DefinitionsLoaded(_logger, active.Version, active.Agents.Count, active.Tasks.Count, active.Crews.Count);
            return active;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<ActiveDefinitions> LoadAsync(CancellationToken cancellationToken)
    {
        IDefinitionSource[] sources;
        lock (_sources)
        {
            sources = _sources.ToArray();
        }

        var sets = new List<(string, DefinitionSet)>(sources.Length);
        foreach (var source in sources)
        {
            DefinitionSet set;
            try
            {
                set = await source.LoadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not DefinitionException and not OperationCanceledException)
            {
                throw new DefinitionException($"Definition source '{source.Name}' could not be read: {ex.Message}", innerException: ex);
            }

            sets.Add((source.Name, set));
            foreach (var warning in set.Warnings)
            {
                AmshaLog.DefinitionIgnored(_logger, source.Name, warning);
            }
        }

        return ActiveDefinitions.Build(sets, _isUseCase);
    }

    // A change seen by a source's watch: a failure is logged and reported through Reloaded, never thrown.
    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Logged and raised through Reloaded by ReloadAsync; the definitions before stay in force.
        }
    }
}

/// <summary>The outcome of reloading a session's definitions.</summary>
public sealed class DefinitionsReloadedEventArgs : EventArgs
{
    internal DefinitionsReloadedEventArgs(string? version, DefinitionException? error)
    {
        Version = version;
        Error = error;
    }

    /// <summary>The version in force after the reload (the one before, when it failed; null when none ever loaded).</summary>
    public string? Version { get; }

    /// <summary>Why the reload was rejected; null when it succeeded.</summary>
    public DefinitionException? Error { get; }
}
