using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// A running or finished execution, whatever its output type: id, mode, status, progress, the input it waits
/// for, answering and cancellation. <see cref="ExecutionHandle{T}"/> adds the typed result.
/// </summary>
public abstract class ExecutionHandle
{
    private protected ExecutionHandle(ILiveRun run) => LiveRun = run;

    /// <summary>The execution's id: keep it to look the execution up later, from any process sharing the store.</summary>
    public string ExecutionId => LiveRun.ExecutionId;

    /// <summary>The crew that runs.</summary>
    public string CrewName => LiveRun.CrewName;

    /// <summary>Interactive or background.</summary>
    public ExecutionMode Mode => LiveRun.Mode;

    /// <summary>The current status.</summary>
    public ExecutionStatus Status => LiveRun.Status;

    /// <summary>How far the execution has come.</summary>
    public ExecutionProgress Progress => LiveRun.Progress;

    /// <summary>
    /// The state the execution carries (<see cref="ExecutionOptions.State"/>, or the stored state of a
    /// resumed execution once it is loaded); null when it has none.
    /// </summary>
    public ExecutionState? State => LiveRun.State;

    /// <summary>
    /// The input requests the execution waits on (<see cref="ExecutionStatus.WaitingForInput"/>): a task's output to
    /// review, a tool call to approve. Empty while it runs. Answer one with <see cref="SubmitInputAsync(InputResponse, CancellationToken)"/>.
    /// </summary>
    public IReadOnlyList<InputRequest> PendingInput => LiveRun.PendingInput;

    internal ILiveRun LiveRun { get; }

    /// <summary>
    /// Answers one of the execution's input requests. An interactive execution, waiting in memory, goes on at once and
    /// this handle follows it. A background execution is stored waiting: the answer is recorded and the execution
    /// resumed in this session; the handle returned follows the resumed run.
    /// </summary>
    /// <param name="response">The answer: <see cref="InputRequest.Approve"/>, <see cref="InputRequest.Reject"/> or <see cref="InputRequest.Edit"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the store; does not cancel the execution.</param>
    /// <returns>The handle that follows the execution from here.</returns>
    /// <exception cref="InputResponseException">The execution does not wait on that request (answered already, expired, unknown), or the answer does not fit it
    /// (an edit that does not parse names the member); nothing changed.</exception>
    public Task<ExecutionHandle> SubmitInputAsync(InputResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        return LiveRun.SubmitInputAsync(response, null, cancellationToken);
    }

    /// <summary>Waits until the run stops, however it stops, and returns the status it stopped in (never throws for the execution's outcome).</summary>
    /// <param name="cancellationToken">Stops waiting; does not cancel the execution.</param>
    public Task<ExecutionStatus> WaitAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled ? LiveRun.Ended.WaitAsync(cancellationToken) : LiveRun.Ended;

    /// <summary>Requests cancellation; the execution ends with status <see cref="ExecutionStatus.Canceled"/>.</summary>
    public void Cancel() => LiveRun.Cancel();

    /// <inheritdoc/>
    public override string ToString() => $"{ExecutionId} ({Mode}, {Status})";
}

/// <summary>
/// A running or finished execution: its id, mode, status and progress; its result; and cancellation.
/// Background executions (<c>StartBackground</c>, <c>Resume</c>) get this handle; interactive ones
/// (<c>Start</c>) get an <see cref="InteractiveExecutionHandle{T}"/>, which can also stream.
/// </summary>
/// <typeparam name="T">The output type of the crew's last task.</typeparam>
public class ExecutionHandle<T> : ExecutionHandle
{
    private protected ExecutionHandle(ExecutionRun<T> run)
        : base(run) => Run = run;

    internal ExecutionRun<T> Run { get; }

    /// <summary>Waits for the result.</summary>
    /// <param name="cancellationToken">Stops waiting; does not cancel the execution (use <see cref="ExecutionHandle.Cancel"/>).</param>
    /// <exception cref="ExecutionException">The execution failed (an <see cref="LlmCallException"/> when an LLM call gave up;
    /// an <see cref="ExecutionNotFoundException"/> or <see cref="ExecutionCrewMismatchException"/> when a resumed id cannot be resumed;
    /// an <see cref="InputRejectedException"/> when a reviewer rejected a task's output).</exception>
    /// <exception cref="ExecutionWaitingForInputException">A background execution stopped to wait for a person: answer with <see cref="SubmitInputAsync"/>.</exception>
    /// <exception cref="InputExpiredException">An interactive execution's input request expired unanswered.</exception>
    /// <exception cref="ExecutionStoreCorruptedException">A resumed execution's stored record is damaged.</exception>
    /// <exception cref="System.OperationCanceledException">The execution was canceled, or the wait was.</exception>
    public Task<CrewResult<T>> ResultAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled ? Run.Completion.WaitAsync(cancellationToken) : Run.Completion;

    /// <summary>
    /// Answers one of the execution's input requests; the handle returned follows the execution from here (this one
    /// for an interactive execution, the resumed run's for a background one).
    /// </summary>
    /// <inheritdoc cref="ExecutionHandle.SubmitInputAsync(InputResponse, CancellationToken)"/>
    public new async Task<ExecutionHandle<T>> SubmitInputAsync(InputResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (ExecutionHandle<T>)await Run.SubmitInputAsync(response, null, cancellationToken).ConfigureAwait(false);
    }

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
