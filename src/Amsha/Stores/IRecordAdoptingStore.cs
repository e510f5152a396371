using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// A store that keeps the very record it is given: the writer hands over a record it has just made and will not use
/// again, and the store stamps the new revision on it instead of copying it to set the revision. The same
/// optimistic check as <see cref="IExecutionStore.SaveAsync"/>: <c>record.Revision</c> is the revision the writer read.
/// </summary>
internal interface IRecordAdoptingStore
{
    ValueTask<ExecutionRecord> AdoptAsync(ExecutionRecord unpublished, CancellationToken cancellationToken);
}

internal static class ExecutionStoreWrites
{
    /// <summary>
    /// Saves a record the caller has just made and will not use again: a store that can adopts it as it is, any other
    /// saves it (a copy with the new revision) as usual.
    /// </summary>
    public static ValueTask<ExecutionRecord> SaveUnpublishedAsync(this IExecutionStore store, ExecutionRecord unpublished, CancellationToken cancellationToken) =>
        store is IRecordAdoptingStore adopting ? adopting.AdoptAsync(unpublished, cancellationToken) : store.SaveAsync(unpublished, cancellationToken);
}
