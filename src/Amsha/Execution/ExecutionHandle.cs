using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// A running or finished execution: its id, mode, status and progress; its result; and cancellation.
/// Background executions (<c>StartBackground</c>, <c>Resume</c>) get this handle; interactive ones
/// (<c>Start</c>) get an <see cref="InteractiveExecutionHandle{T}"/>, which can also stream.
/// </summary>
/// <typeparam name="T">The output type of the crew's last task.</typeparam>
public class ExecutionHandle<T>
{
    private protected ExecutionHandle(ExecutionRun<T> run) => Run = run;

    /// <summary>The execution's id: keep it to look the execution up later, from any process sharing the store.</summary>
    public string ExecutionId => Run.ExecutionId;

    /// <summary>Interactive or background.</summary>
    public ExecutionMode Mode => Run.Mode;

    /// <summary>The current status.</summary>
    public ExecutionStatus Status => Run.Status;

    /// <summary>How far the execution has come.</summary>
    public ExecutionProgress Progress => Run.Progress;

    /// <summary>
    /// The state the execution carries (<see cref="ExecutionOptions.State"/>, or the stored state of a
    /// resumed execution once it is loaded); null when it has none.
    /// </summary>
    public ExecutionState? State => Run.State;

    internal ExecutionRun<T> Run { get; }

    /// <summary>Waits for the result.</summary>
    /// <param name="cancellationToken">Stops waiting; does not cancel the execution (use <see cref="Cancel"/>).</param>
    /// <exception cref="ExecutionException">The execution failed (an <see cref="LlmCallException"/> when an LLM call gave up;
    /// an <see cref="ExecutionNotFoundException"/> or <see cref="ExecutionCrewMismatchException"/> when a resumed id cannot be resumed).</exception>
    /// <exception cref="ExecutionStoreCorruptedException">A resumed execution's stored record is damaged.</exception>
    /// <exception cref="System.OperationCanceledException">The execution was canceled, or the wait was.</exception>
    public Task<CrewResult<T>> ResultAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled ? Run.Completion.WaitAsync(cancellationToken) : Run.Completion;

    /// <summary>Requests cancellation; the execution ends with status <see cref="ExecutionStatus.Canceled"/>.</summary>
    public void Cancel() => Run.Cancel();

    /// <inheritdoc/>
    public override string ToString() => $"{ExecutionId} ({Mode}, {Status})";

    internal static ExecutionHandle<T> For(ExecutionRun<T> run) =>
        run.Mode == ExecutionMode.Interactive ? new InteractiveExecutionHandle<T>(run) : new ExecutionHandle<T>(run);
}

/// <summary>
/// The handle of an interactive execution (<c>Start</c>): everything an <see cref="ExecutionHandle{T}"/> offers,
/// and its event stream.
/// </summary>
/// <typeparam name="T">The output type of the crew's last task.</typeparam>
public sealed class InteractiveExecutionHandle<T> : ExecutionHandle<T>
{
    internal InteractiveExecutionHandle(ExecutionRun<T> run)
        : base(run)
    {
    }

    /// <summary>
    /// The execution's events: lifecycle, tasks, LLM calls and token deltas. Every call replays the events
    /// from the first one and then follows the execution until it ends, so several readers see the same
    /// sequence (same events, same order, same <see cref="ExecutionEvent.Sequence"/>), whenever they start
    /// reading. A reader's cancellation token stops only that reader.
    /// </summary>
    /// <param name="cancellationToken">Stops reading; does not cancel the execution.</param>
    public IAsyncEnumerable<ExecutionEvent> StreamAsync(CancellationToken cancellationToken = default) =>
        Run.Events.ReadAllAsync(cancellationToken);
}
