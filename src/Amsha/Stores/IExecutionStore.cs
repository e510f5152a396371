using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// Keeps the durable <see cref="ExecutionRecord"/>s of executions. Implementations: <see cref="InMemoryExecutionStore"/>,
/// <see cref="FileExecutionStore"/> (the default for background executions) and the SQLite store of <c>Amsha.Sqlite</c>.
/// </summary>
/// <remarks>
/// Writes use optimistic concurrency on <see cref="ExecutionRecord.Revision"/>: two writers never
/// silently overwrite each other. A record that fails its integrity check is reported with
/// <see cref="ExecutionStoreCorruptedException"/>, never returned.
/// </remarks>
public interface IExecutionStore
{
    /// <summary>The record of <paramref name="executionId"/>, or null when the store has none.</summary>
    /// <exception cref="ExecutionStoreCorruptedException">The stored record is damaged.</exception>
    ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="record"/> if the stored revision still equals <see cref="ExecutionRecord.Revision"/>
    /// (0: the execution must not be stored yet).
    /// </summary>
    /// <returns>The record as stored, with its new revision.</returns>
    /// <exception cref="ExecutionConflictException">Another writer changed the record since it was read.</exception>
    ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default);

    /// <summary>The stored records, oldest first; only those of <paramref name="crewName"/> when given. Damaged records are left out.</summary>
    ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default);
}
