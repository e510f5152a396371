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

    // Executions in the order they finished (an id again if one finishes again after a resume), and how many.
    private readonly ConcurrentQueue<string> _finished = new();
    private int _finishedCount;

    private long _nextOrder;

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
            if (!_slots.TryAdd(id, new Slot(Interlocked.Increment(ref _nextOrder), saved)))
            {
                throw new ExecutionConflictException(id, 0, RevisionOf(id));
            }

            Finished(id, null, saved);
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

        Finished(id, current, saved);
        return saved;
    }

    private long RevisionOf(string id) => _slots.TryGetValue(id, out var slot) && Visible(slot.Current) is { } record ? record.Revision : 0;

    private static ExecutionRecord? Visible(ExecutionRecord record) => ReferenceEquals(record, s_evicted) ? null : record;

    private static bool IsFinished(ExecutionRecord? record) =>
        record is { Status: ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Canceled };

    // Counts an execution that has just finished, and removes the ones that finished first beyond the bound.
    private void Finished(string id, ExecutionRecord? before, ExecutionRecord after)
    {
        if (_maxFinishedExecutions == int.MaxValue || IsFinished(before) || !IsFinished(after))
        {
            return;
        }

        _finished.Enqueue(id);
        if (Interlocked.Increment(ref _finishedCount) <= _maxFinishedExecutions)
        {
            return;
        }

        // Over the bound: the executions that finished first go until it holds again. Each removal is claimed by taking
        // one off a count above the bound, so writers finishing together never remove more than they added. (An id is
        // queued before it is counted, so a claimed removal always finds one.)
        while (Volatile.Read(ref _finishedCount) is var count && count > _maxFinishedExecutions)
        {
            if (Interlocked.CompareExchange(ref _finishedCount, count - 1, count) == count && _finished.TryDequeue(out var oldest))
            {
                Evict(oldest);
            }
        }
    }

    // Removes a finished execution; one resumed since it finished is left alone (it is counted again when it finishes).
    private void Evict(string id)
    {
        if (!_slots.TryGetValue(id, out var slot))
        {
            return;
        }

        while (slot.Current is var current && IsFinished(current) && !ReferenceEquals(current, s_evicted))
        {
            if (ReferenceEquals(Interlocked.CompareExchange(ref slot.Record, s_evicted, current), current))
            {
                _slots.TryRemove(new KeyValuePair<string, Slot>(id, slot));
                return;
            }
        }
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

    /// <summary>One execution's current record, replaced by compare-and-swap, and when it was first stored.</summary>
    private sealed class Slot(long order, ExecutionRecord record)
    {
        public readonly long Order = order;
        public ExecutionRecord Record = record;

        // The latest record any writer has swapped in, on every processor.
        public ExecutionRecord Current => Volatile.Read(ref Record);
    }
}
