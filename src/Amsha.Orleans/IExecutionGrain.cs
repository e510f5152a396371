using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Orleans;

namespace Amsha.Orleans;

/// <summary>
/// The grain of one background execution; its key is the execution id, so the cluster holds one activation per
/// execution. It runs the execution in its silo's worker session (see <see cref="AmshaWorker"/>) and reports on it;
/// the execution store, not the grain, holds the execution's state.
/// </summary>
[Alias("Amsha.Orleans.IExecutionGrain")]
internal interface IExecutionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Resumes the stored execution in this silo's worker session (from its first task or last checkpoint). A second
    /// call while it runs changes nothing.
    /// </summary>
    /// <returns>Whether the silo took it; false while the silo shuts down (the caller tries again: the next activation is elsewhere).</returns>
    [Alias("Run")]
    Task<bool> RunAsync(string crewName);

    /// <summary>Cancels the execution if it runs here, or as soon as a run that is starting has started.</summary>
    [Alias("Cancel")]
    Task CancelAsync();

    /// <summary>
    /// The execution's status and progress on every change, ending with the report of the status it stopped in. While
    /// it does not run on this silo the reports come from the store.
    /// </summary>
    [Alias("Watch")]
    IAsyncEnumerable<ExecutionGrainReport> WatchAsync(CancellationToken cancellationToken = default);
}
