using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>Keeps execution records in this process's memory: for tests and short-lived hosts; nothing survives a restart.</summary>
public sealed class InMemoryExecutionStore : IExecutionStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ExecutionRecord> _records = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    /// <inheritdoc/>
    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        lock (_gate)
        {
            return new(_records.TryGetValue(executionId, out var record) ? record : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            var current = _records.TryGetValue(record.ExecutionId, out var stored) ? stored.Revision : 0;
            if (current != record.Revision)
            {
                throw new ExecutionConflictException(record.ExecutionId, record.Revision, current);
            }

            var saved = record with { Revision = current + 1 };
            if (current == 0)
            {
                _order.Add(record.ExecutionId);
            }

            _records[record.ExecutionId] = saved;
            return new(saved);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
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
}
