using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// Runs background executions somewhere other than the process that starts them: on a cluster of workers
/// (<c>Amsha.Orleans</c>). With one set (<see cref="ExecutionSession.UseDispatcher"/>), <c>StartBackground</c> stores the
/// execution's first record as always, then hands the execution over; <c>Resume</c> hands a stored one over. The
/// worker runs it with a session of its own over the same store (its <c>ResumeAsync(executionId)</c>), so the store,
/// not the worker's memory, is the truth; the handle follows it through <see cref="WatchAsync"/>.
/// </summary>
/// <remarks>
/// Executions with their own <see cref="ExecutionOptions.Store"/> are not dispatched: a worker could not find them.
/// </remarks>
public interface IExecutionDispatcher
{
    /// <summary>Hands over the stored execution <paramref name="executionId"/> of crew <paramref name="crewName"/> to run (from its first task or its last checkpoint); completes once a worker has accepted it.</summary>
    Task DispatchAsync(string executionId, string crewName, CancellationToken cancellationToken);

    /// <summary>Asks the worker that runs <paramref name="executionId"/> to cancel it.</summary>
    Task CancelAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>
    /// The execution's status and progress as they change, ending with the report of the status it stopped in
    /// (any status but <see cref="ExecutionStatus.Pending"/> and <see cref="ExecutionStatus.Running"/>). It follows
    /// the execution across worker losses until someone resumes it.
    /// </summary>
    IAsyncEnumerable<ExecutionReport> WatchAsync(string executionId, CancellationToken cancellationToken);
}

/// <summary>Where a dispatched execution is: its status and progress.</summary>
/// <param name="Status">The status.</param>
/// <param name="Progress">The progress.</param>
public sealed record ExecutionReport(ExecutionStatus Status, ExecutionProgress Progress)
{
    /// <summary>Whether the execution stopped running (succeeded, failed, canceled, interrupted, or waits for input).</summary>
    public bool IsFinal => Status is not (ExecutionStatus.Pending or ExecutionStatus.Running);
}
