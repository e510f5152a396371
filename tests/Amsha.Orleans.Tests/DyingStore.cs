using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests;

/// <summary>
/// A silo's view of the shared store. Once the silo "dies" its calls fail, so it writes nothing more, as a process that
/// crashed: an in-process silo that is killed still runs its shutdown, and would otherwise store Interrupted.
/// </summary>
internal sealed class DyingStore(IExecutionStore shared, Func<bool> dead) : IExecutionStore
{
    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) =>
        dead() ? Never<ExecutionRecord?>(cancellationToken) : shared.GetAsync(executionId, cancellationToken);

    public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default) =>
        dead() ? Never<ExecutionRecord>(cancellationToken) : shared.SaveAsync(record, cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) =>
        dead() ? Never<IReadOnlyList<ExecutionRecord>>(cancellationToken) : shared.ListAsync(crewName, cancellationToken);

    public ValueTask<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken = default) =>
        dead() ? Never<ExecutionPage>(cancellationToken) : shared.QueryAsync(query, cancellationToken);

    private static ValueTask<T> Never<T>(CancellationToken cancellationToken) =>
        ValueTask.FromException<T>(new System.IO.IOException("This silo died: it reaches the store no more."));
}
