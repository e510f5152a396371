using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>Told of each event an <see cref="ExecutionEventLog"/> appends, in order, inside its lock (an interface rather than a delegate: one allocation less per run).</summary>
internal interface IExecutionEventSink
{
    void Appended(ExecutionEvent e);
}

/// <summary>
/// The ordered, append-only event record of one execution. Every reader replays it from the
/// first event and then follows new ones until the execution ends, so any number of readers
/// see exactly the same sequence whenever they start reading. A log made without a record
/// (<c>retains: false</c>) still numbers, stamps and passes on every event, and keeps none: for runs whose events
/// nobody can read from the log (a background run's handle has no stream; its watchers are the session's
/// subscribers and observers, told of each event as it is appended).
/// </summary>
internal sealed class ExecutionEventLog
{
    private readonly object _gate = new();
    // Appended under the lock, read without it: an event is stored before the count that covers it is published, and
    // a grown array before the count, so a reader that sees a count finds its events in the array it reads after it.
    private ExecutionEvent[] _events;
    private int _count;
    private readonly string _executionId;
    private readonly TimeProvider _time;
    private readonly IExecutionEventSink? _onAppended;
    // The signal readers wait on for the next event; made only when a reader waits, so appends nobody waits
    // for (every token of a run nobody streams) allocate nothing for it.
    private TaskCompletionSource<bool>? _changed;
    private bool _completed;

    public ExecutionEventLog(string executionId, TimeProvider time, IExecutionEventSink? onAppended, bool retains = true)
    {
        _events = retains ? new ExecutionEvent[16] : Array.Empty<ExecutionEvent>();
        _executionId = executionId;
        _time = time;
        _onAppended = onAppended;
    }

    /// <summary>Whether the log keeps its events for readers (an interactive run's), or only numbers and passes them on.</summary>
    public bool KeepsRecord => _events.Length > 0;

    /// <summary>Stamps <paramref name="e"/> with the execution id, next sequence number and time, and appends it.</summary>
    public ExecutionEvent Append(ExecutionEvent e, bool terminal = false)
    {
        TaskCompletionSource<bool>? signal;
        ExecutionEvent stamped;
        lock (_gate)
        {
            if (_completed)
            {
                throw new InvalidOperationException($"Execution '{_executionId}' has already ended; no further events are recorded.");
            }

            stamped = ExecutionEvent.Stamp(e, _executionId, _count + 1, _time.GetUtcNow());
            if (KeepsRecord)
            {
                if (_count == _events.Length)
                {
                    var grown = new ExecutionEvent[_events.Length * 2];
                    Array.Copy(_events, grown, _count);
                    Volatile.Write(ref _events, grown);
                }

                _events[_count] = stamped;
            }

            Volatile.Write(ref _count, _count + 1);
            _completed = terminal;
            signal = _changed;
            _changed = null;

            // Observers are told inside the lock: concurrent tasks (Graph crews) append from several
            // threads, and observers must see the same order as stream readers, never later than them.
            // The session's observer hook only enqueues (each observer has its own buffer), so this stays short.
            _onAppended?.Appended(stamped);
        }

        signal?.TrySetResult(true);
        return stamped;
    }

    /// <exception cref="InvalidOperationException">The log keeps no record of its events.</exception>
    public IAsyncEnumerable<ExecutionEvent> ReadAllAsync(CancellationToken cancellationToken) =>
        KeepsRecord
            ? ReadRecordAsync(cancellationToken)
            : throw new InvalidOperationException($"The events of execution '{_executionId}' are not kept for reading: subscribe to the session or add an observer to follow a background execution.");

    private async IAsyncEnumerable<ExecutionEvent> ReadRecordAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        // The count last read and the array read after it, which holds that many: the events up to it are read without
        // looking at the log's fields again, which the writer of the next event is changing on another core.
        var known = 0;
        var events = Array.Empty<ExecutionEvent>();
        var lastNews = 0L;
        var inBurst = false;
        while (true)
        {
            if (next < known)
            {
                yield return events[next++];
                continue;
            }

            // Events already there are read without the lock, so a reader never holds up the writer of the next one.
            // While they come in a burst (a model streaming at speed appends its next token within a microsecond or
            // so), looking for more for a few microseconds costs less than parking and being woken for each; and
            // looking only every so often lets a few pile up, to be read together. Events that come apart (a model
            // over the network: milliseconds between tokens) are waited for parked, with no spinning between them.
            if (next < (known = Volatile.Read(ref _count)) || (inBurst && next < (known = SpinUntilMore(next))))
            {
                events = Volatile.Read(ref _events);
                var now = Stopwatch.GetTimestamp();
                inBurst = Stopwatch.GetElapsedTime(lastNews, now) < BurstGap;
                lastNews = now;
                continue;
            }

            Task wait;
            lock (_gate)
            {
                if (next < _count)
                {
                    continue;
                }

                if (_completed)
                {
                    yield break;
                }

                wait = (_changed ??= NewSignal()).Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // News closer to the news before it than this is a burst; in one, a reader looks for more for at most about 20 µs.
    private static readonly TimeSpan BurstGap = TimeSpan.FromMicroseconds(50);

    // The count once it is past next, or as it was after about 20 µs. It looks every 5 µs or so, not constantly: each
    // look takes the cache line of the count from the writer's core (slowing its next append), and between looks
    // several events pile up to be read in one go. Against looking every half microsecond, a 1,000-token stream read
    // beside its run took about 20 % less time (call-profile stream, alternating builds).
    private int SpinUntilMore(int next)
    {
        var count = next;
        for (var i = 0; i < 4 && count <= next; i++)
        {
            Thread.SpinWait(128);
            count = Volatile.Read(ref _count);
        }

        return count;
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
