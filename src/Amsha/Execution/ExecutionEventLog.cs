using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// The ordered, append-only event record of one execution. Every reader replays it from the
/// first event and then follows new ones until the execution ends, so any number of readers
/// see exactly the same sequence whenever they start reading.
/// </summary>
internal sealed class ExecutionEventLog
{
    private readonly object _gate = new();
    private readonly List<ExecutionEvent> _events = new();
    private readonly string _executionId;
    private readonly TimeProvider _time;
    private readonly Action<ExecutionEvent>? _onAppended;
    // The signal readers wait on for the next event; made only when a reader waits, so appends nobody waits
    // for (every token of a run nobody streams) allocate nothing for it.
    private TaskCompletionSource<bool>? _changed;
    private bool _completed;

    public ExecutionEventLog(string executionId, TimeProvider time, Action<ExecutionEvent>? onAppended)
    {
        _executionId = executionId;
        _time = time;
        _onAppended = onAppended;
    }

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

            stamped = ExecutionEvent.Stamp(e, _executionId, _events.Count + 1, _time.GetUtcNow());
            _events.Add(stamped);
            _completed = terminal;
            signal = _changed;
            _changed = null;

            // Observers are told inside the lock: concurrent tasks (Graph crews) append from several
            // threads, and observers must see the same order as stream readers, never later than them.
            // The session's observer hook only enqueues (each observer has its own buffer), so this stays short.
            _onAppended?.Invoke(stamped);
        }

        signal?.TrySetResult(true);
        return stamped;
    }

    public async IAsyncEnumerable<ExecutionEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            ExecutionEvent? item = null;
            Task wait;
            lock (_gate)
            {
                if (next < _events.Count)
                {
                    item = _events[next++];
                    wait = Task.CompletedTask;
                }
                else if (_completed)
                {
                    yield break;
                }
                else
                {
                    wait = (_changed ??= NewSignal()).Task;
                }
            }

            if (item is not null)
            {
                yield return item;
                continue;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
