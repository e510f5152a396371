using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>Keeps execution records in this process's memory: for tests and short-lived hosts; nothing survives a restart.</summary>
/// <remarks>
/// <para>
/// Without a global lock: a write replaces an execution's record only if it is still the one the writer read
/// (compare-and-swap), so writers of different executions never wait for each other and a second writer of the same
/// one is caught.
/// </para>
/// <para>
/// By default every record is kept until the process ends. A long-lived host that runs many executions bounds what
/// it keeps with <see cref="InMemoryExecutionStore(int)"/>: executions that are not finished are always kept.
/// </para>
/// </remarks>
public sealed class InMemoryExecutionStore : IExecutionStore, IRecordAdoptingStore
{
    // Put in an evicted execution's slot, so that a writer that found the slot before it was removed fails as if the
    // execution were gone, instead of writing into a slot nobody can see.
    private static readonly ExecutionRecord s_evicted = new() { ExecutionId = "", CrewName = "", InputJson = "" };

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly int _maxFinishedExecutions;

    // Executions in the order they finished, each with the number of that finish. An execution resumed after it
    // finished leaves a stale entry behind (its slot holds a later number, or none while it runs): the count is of
    // finished executions, not of entries.
    private readonly ConcurrentQueue<(string Id, long Finish)> _finished = new();
    private int _finishedCount;

    private long _nextOrder;
    private long _nextFinish;

    /// <summary>Creates a store that keeps every record until the process ends.</summary>
    public InMemoryExecutionStore()
    {
        _maxFinishedExecutions = int.MaxValue;
    }

    /// <summary>
    /// Creates a store that keeps at most <paramref name="maxFinishedExecutions"/> finished executions (succeeded,
    /// failed or canceled): when another one finishes, the one that finished first is removed. Executions that are
    /// pending, running or waiting for input are always kept.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFinishedExecutions"/> is less than 1.</exception>
    public InMemoryExecutionStore(int maxFinishedExecutions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFinishedExecutions, 1);
        _maxFinishedExecutions = maxFinishedExecutions;
    }

    /// <inheritdoc/>
    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        return new(_slots.TryGetValue(executionId, out var slot) && Visible(slot.Current) is { } record ? record : null);
    }

    /// <inheritdoc/>
    public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(Store(record.ExecutionId, record.Revision, record with { Revision = record.Revision + 1 }));
    }

    // The record a checkpoint has just made: kept as it is, with its new revision stamped on it.
    ValueTask<ExecutionRecord> IRecordAdoptingStore.AdoptAsync(ExecutionRecord unpublished, CancellationToken cancellationToken)
    {
        var expected = unpublished.Revision;
        unpublished.StampRevisionOfUnpublished(expected + 1);
        return new(Store(unpublished.ExecutionId, expected, unpublished));
    }

    private ExecutionRecord Store(string id, long expected, ExecutionRecord saved)
    {
        if (expected == 0)
        {
            var added = new Slot(Interlocked.Increment(ref _nextOrder), saved);
            if (!_slots.TryAdd(id, added))
            {
                throw new ExecutionConflictException(id, 0, RevisionOf(id));
            }

            Finished(id, added, null, saved);
            return saved;
        }

        // Replaced only if still the record read: a reference check, on the record that holds the expected revision.
        if (!_slots.TryGetValue(id, out var slot)
            || slot.Current is not { } current
            || ReferenceEquals(current, s_evicted)
            || current.Revision != expected
            || !ReferenceEquals(Interlocked.CompareExchange(ref slot.Record, saved, current), current))
        {
            throw new ExecutionConflictException(id, expected, RevisionOf(id));
        }

        Finished(id, slot, current, saved);
        return saved;
    }

    private long RevisionOf(string id) => _slots.TryGetValue(id, out var slot) && Visible(slot.Current) is { } record ? record.Revision : 0;

    private static ExecutionRecord? Visible(ExecutionRecord record) => ReferenceEquals(record, s_evicted) ? null : record;

    private static bool IsFinished(ExecutionRecord? record) =>
        record is { Status: ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Canceled };

    // Counts an execution that has just finished (and uncounts one resumed after it finished), and removes the ones
    // that finished first beyond the bound.
    private void Finished(string id, Slot slot, ExecutionRecord? before, ExecutionRecord after)
    {
        if (_maxFinishedExecutions == int.MaxValue || IsFinished(before) == IsFinished(after))
        {
            return;
        }

        if (!IsFinished(after))
        {
            // Resumed: its entry in the queue is stale from now on.
            Volatile.Write(ref slot.Finish, 0);
            Interlocked.Decrement(ref _finishedCount);
            return;
        }

        var finish = Interlocked.Increment(ref _nextFinish);
        Volatile.Write(ref slot.Finish, finish);
        _finished.Enqueue((id, finish));
        if (Interlocked.Increment(ref _finishedCount) <= _maxFinishedExecutions)
        {
            return;
        }

        // Over the bound: the executions that finished first go until it holds again. Each removal is claimed by taking
        // one off a count above the bound, so writers finishing together never remove more than they added; a claim
        // that finds only a stale entry (an execution resumed since, already uncounted) is given back.
        while (Volatile.Read(ref _finishedCount) is var count && count > _maxFinishedExecutions)
        {
            if (Interlocked.CompareExchange(ref _finishedCount, count - 1, count) != count)
            {
                continue;
            }

            if (!_finished.TryDequeue(out var oldest) || !Evict(oldest.Id, oldest.Finish))
            {
                Interlocked.Increment(ref _finishedCount);
                if (oldest.Id is null)
                {
                    return;
                }
            }
        }
    }

    // Removes a finished execution if this entry is still its latest finish; false for a stale entry.
    private bool Evict(string id, long finish)
    {
        if (!_slots.TryGetValue(id, out var slot) || Volatile.Read(ref slot.Finish) != finish)
        {
            return false;
        }

        while (slot.Current is var current && IsFinished(current) && !ReferenceEquals(current, s_evicted))
        {
            if (ReferenceEquals(Interlocked.CompareExchange(ref slot.Record, s_evicted, current), current))
            {
                _slots.TryRemove(new KeyValuePair<string, Slot>(id, slot));
                return true;
            }
        }

        // Resumed between the two reads: the writer that resumed it uncounts it.
        return false;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        // In the order the executions were first stored.
        var found = new List<(long Order, ExecutionRecord Record)>();
        foreach (var pair in _slots)
        {
            if (Visible(pair.Value.Current) is { } record && (crewName is null || string.Equals(record.CrewName, crewName, StringComparison.Ordinal)))
            {
                found.Add((pair.Value.Order, record));
            }
        }

        found.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        var list = new List<ExecutionRecord>(found.Count);
        foreach (var (_, record) in found)
        {
            list.Add(record);
        }

        return new(list);
    }

    /// <summary>One execution's current record, replaced by compare-and-swap, when it was first stored, and the number of its latest finish (0 while not finished).</summary>
    private sealed class Slot(long order, ExecutionRecord record)
    {
        public readonly long Order = order;
        public ExecutionRecord Record = record;
        public long Finish;

        // The latest record any writer has swapped in, on every processor.
        public ExecutionRecord Current => Volatile.Read(ref Record);
    }
}
