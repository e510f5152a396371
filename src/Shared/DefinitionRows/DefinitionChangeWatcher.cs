using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Primitives;

namespace Amsha.DefinitionRows;

/// <summary>
/// The reload token of a database definition source: fires at once after the source's own saves, and after a poll
/// (every poll interval, once a token was asked for) reads a fingerprint of the table other than the one last seen.
/// Shared by the SQLite and PostgreSQL sources; linked into each package.
/// </summary>
/// <typeparam name="TFingerprint">What identifies the table's state (e.g. highest id and row count, or a change counter).</typeparam>
internal sealed class DefinitionChangeWatcher<TFingerprint> : IDisposable
    where TFingerprint : struct, IEquatable<TFingerprint>
{
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _timeProvider;
    private readonly Func<CancellationToken, Task<TFingerprint>> _read;
    private readonly object _gate = new();
    private CancellationTokenSource _reload = new();
    private ITimer? _timer;
    private TFingerprint? _seen;
    private int _polling;
    private bool _disposed;

    /// <param name="pollInterval">How often to poll; <see cref="Timeout.InfiniteTimeSpan"/> never.</param>
    /// <param name="timeProvider">The clock of polling.</param>
    /// <param name="read">Reads the table's fingerprint on a connection of its own.</param>
    public DefinitionChangeWatcher(TimeSpan pollInterval, TimeProvider timeProvider, Func<CancellationToken, Task<TFingerprint>> read)
    {
        _pollInterval = pollInterval;
        _timeProvider = timeProvider;
        _read = read;
    }

    /// <summary>Refuses a poll interval no timer takes: not positive (other than never), or longer than about 49.7 days.</summary>
    /// <param name="pollInterval">The interval the options name.</param>
    /// <param name="optionsType">The options type, for the message (<c>SqliteDefinitionSourceOptions</c>).</param>
    public static void CheckPollInterval(TimeSpan pollInterval, string optionsType)
    {
        if (pollInterval != Timeout.InfiniteTimeSpan && (pollInterval <= TimeSpan.Zero || pollInterval > TimerLimits.LongestWait))
        {
            throw new ArgumentOutOfRangeException("options", pollInterval, $"{optionsType}.PollInterval must be positive and at most 49.7 days (one timer), or Timeout.InfiniteTimeSpan to poll never.");
        }
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming <paramref name="owner"/> once disposed.</summary>
    public void ThrowIfDisposed(object owner)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, owner);
        }
    }

    /// <summary>The current token; the first call starts polling.</summary>
    public IChangeToken GetReloadToken(object owner)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, owner);
            if (_timer is null && _pollInterval != Timeout.InfiniteTimeSpan)
            {
                // A weak reference: an undisposed, unreachable source does not stay alive through its timer.
                _timer = _timeProvider.CreateTimer(
                    static state => { if (((WeakReference<DefinitionChangeWatcher<TFingerprint>>)state!).TryGetTarget(out var watcher)) { watcher.OnPollTick(); } },
                    new WeakReference<DefinitionChangeWatcher<TFingerprint>>(this),
                    _pollInterval,
                    _pollInterval);
            }

            return new CancellationChangeToken(_reload.Token);
        }
    }

    /// <summary>Remembers the state a load or save saw, so a poll reports only later changes.</summary>
    public void Seen(TFingerprint fingerprint)
    {
        lock (_gate)
        {
            _seen = fingerprint;
        }
    }

    /// <summary>Fires the current token and starts a new one.</summary>
    public void Fire()
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            fired = _reload;
            _reload = new CancellationTokenSource();
        }

        try
        {
            fired.Cancel();
        }
        catch (AggregateException)
        {
            // A listener's callback failed; that is the listener's failure, not the save's or the poll's.
        }
    }

    /// <summary>Stops polling.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnPollTick()
    {
        if (Interlocked.CompareExchange(ref _polling, 1, 0) != 0)
        {
            return; // the previous poll is still running
        }

        _ = PollAsync();
    }

    private async Task PollAsync()
    {
        try
        {
            var now = await _read(CancellationToken.None).ConfigureAwait(false);
            bool changed;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                // Before the first load there is nothing to compare with: remember what is there.
                changed = _seen is { } seen && !EqualityComparer<TFingerprint>.Default.Equals(seen, now);
                _seen = now;
            }

            if (changed)
            {
                Fire();
            }
        }
#pragma warning disable CA1031 // A failed poll (database unreachable for a moment) is retried on the next tick; it has no caller to tell.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }
}
