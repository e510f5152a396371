using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// Keeps the durable <see cref="ExecutionRecord"/>s of executions. Implementations: <see cref="InMemoryExecutionStore"/>,
/// <see cref="FileExecutionStore"/> (the default for background executions), the SQLite store of <c>Amsha.Sqlite</c> and the
/// PostgreSQL store of <c>Amsha.Postgres</c>.
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

    /// <summary>
    /// One page of the stored records that match <paramref name="query"/> (crew, statuses), with the number of all that
    /// match. Damaged records are left out. The default implementation filters <see cref="ListAsync"/> in memory; database
    /// stores answer it with an indexed query.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The query's Skip or Take is out of range.</exception>
    async ValueTask<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken = default)
    {
        System.ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var records = await ListAsync(query.CrewName, cancellationToken).ConfigureAwait(false);
        return ExecutionPages.Select(records, query);
    }
}

/// <summary>Filters, orders and pages records in memory, for stores without an indexed query.</summary>
internal static class ExecutionPages
{
    public static ExecutionPage Select(IReadOnlyList<ExecutionRecord> records, ExecutionQuery query)
    {
        var matching = new List<ExecutionRecord>(records.Count);
        foreach (var record in records)
        {
            if (query.Matches(record))
            {
                matching.Add(record);
            }
        }

        matching.Sort(query.OldestFirst ? OldestFirst : NewestFirst);
        var start = System.Math.Min(query.Skip, matching.Count);
        var count = System.Math.Min(query.Take, matching.Count - start);
        return new ExecutionPage(matching.GetRange(start, count), matching.Count);
    }

    private static int OldestFirst(ExecutionRecord a, ExecutionRecord b)
    {
        var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.ExecutionId, b.ExecutionId);
    }

    private static int NewestFirst(ExecutionRecord a, ExecutionRecord b) => OldestFirst(b, a);
}
