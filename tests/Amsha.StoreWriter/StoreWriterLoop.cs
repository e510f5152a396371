using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.StoreWriter;

/// <summary>
/// One writer of the store race: reads the record, appends an entry of its own, and saves at the revision it read,
/// until <c>count</c> of its saves succeeded. A conflict means another writer won that revision: read again and retry.
/// Compiled into the child process and into the tests (for stores that live in one process).
/// </summary>
public static class StoreWriterLoop
{
    /// <summary>The entry's task name: who wrote it and which of its writes it was.</summary>
    public static string EntryName(int writer, int index) => $"w{writer}-{index}";

    /// <returns>The revisions this writer's saves created, in order, and how many of its saves lost a race.</returns>
    public static async Task<(List<long> Won, int Conflicts)> RunAsync(IExecutionStore store, string executionId, int writer, int count, CancellationToken cancellationToken)
    {
        var won = new List<long>(count);
        var conflicts = 0;
        while (won.Count < count)
        {
            var current = await store.GetAsync(executionId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Execution '{executionId}' is not in the store.");
            var entry = new StoredTaskOutput(writer, EntryName(writer, won.Count), "writer" + writer, $"written by {writer} over revision {current.Revision}", TimeSpan.Zero);
            var next = current with { TaskOutputs = [.. current.TaskOutputs, entry], UpdatedAt = DateTimeOffset.UtcNow };
            try
            {
                var saved = await store.SaveAsync(next, cancellationToken).ConfigureAwait(false);
                won.Add(saved.Revision);
            }
            catch (ExecutionConflictException)
            {
                conflicts++;
            }
        }

        return (won, conflicts);
    }
}
