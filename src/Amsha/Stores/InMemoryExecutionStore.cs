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
public sealed class InMemoryExecutionStore : IExecutionStore
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
        var id = record.ExecutionId;
        if (record.Revision == 0)
        {
            var first = record with { Revision = 1 };
            if (!_records.TryAdd(id, first))
            {
                throw new ExecutionConflictException(id, 0, _records.TryGetValue(id, out var existing) ? existing.Revision : 0);
            }

            _order.Enqueue(id);
            return new(first);
        }

        if (!_records.TryGetValue(id, out var current) || current.Revision != record.Revision)
        {
            throw new ExecutionConflictException(id, record.Revision, current?.Revision ?? 0);
        }

        // Replaced only if still the record read (a record compares equal to itself first, so this is a reference check
        // but for a record equal in every value, revision included).
        var saved = record with { Revision = current.Revision + 1 };
        if (!_records.TryUpdate(id, saved, current))
        {
            throw new ExecutionConflictException(id, record.Revision, _records.TryGetValue(id, out var now) ? now.Revision : 0);
        }

        return new(saved);
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
