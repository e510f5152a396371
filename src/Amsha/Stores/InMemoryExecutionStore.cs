using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>Keeps execution records in this process's memory: for tests and short-lived hosts; nothing survives a restart.</summary>
/// <remarks>
/// Without a global lock: a write replaces an execution's record only if it is still the one the writer read
/// (compare-and-swap), so writers of different executions never wait for each other and a second writer of the same
/// one is caught.
/// </remarks>
public sealed class InMemoryExecutionStore : IExecutionStore, IRecordAdoptingStore
{
    private readonly ConcurrentDictionary<string, ExecutionRecord> _records = new(StringComparer.Ordinal);

    // Ids in the order their first record was stored, for listings.
    private readonly ConcurrentQueue<string> _order = new();

    /// <inheritdoc/>
    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        return new(_records.TryGetValue(executionId, out var record) ? record : null);
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
            if (!_records.TryAdd(id, saved))
            {
                throw new ExecutionConflictException(id, 0, _records.TryGetValue(id, out var existing) ? existing.Revision : 0);
            }

            _order.Enqueue(id);
            return saved;
        }

        // Replaced only if still the record read (a record compares equal to itself first, so this is a reference check
        // but for a record equal in every value, revision included).
        if (!_records.TryGetValue(id, out var current) || current.Revision != expected || !_records.TryUpdate(id, saved, current))
        {
            throw new ExecutionConflictException(id, expected, _records.TryGetValue(id, out var now) ? now.Revision : 0);
        }

        return saved;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        var list = new List<ExecutionRecord>();
        foreach (var id in _order)
        {
            var record = _records[id];
            if (crewName is null || string.Equals(record.CrewName, crewName, StringComparison.Ordinal))
            {
                list.Add(record);
            }
        }

        return new(list);
    }
}
