using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// A running or finished execution: its id, mode, status and progress; its result; its event
/// stream (interactive executions only); and cancellation.
/// </summary>
/// <typeparam name="T">The output type of the crew's last task.</typeparam>
public sealed class ExecutionHandle<T>
{
    private readonly ExecutionRun<T> _run;

    internal ExecutionHandle(ExecutionRun<T> run) => _run = run;

    /// <summary>The execution's id: keep it to look the execution up later.</summary>
    public string ExecutionId => _run.ExecutionId;

    /// <summary>Interactive or background.</summary>
    public ExecutionMode Mode => _run.Mode;

    /// <summary>The current status.</summary>
    public ExecutionStatus Status => _run.Status;

    /// <summary>How far the execution has come.</summary>
    public ExecutionProgress Progress => _run.Progress;

    /// <summary>
    /// The state the execution carries (<see cref="ExecutionOptions.State"/>, or the stored state of a
    /// resumed execution); null when it has none.
    /// </summary>
    public ExecutionState? State => _run.State;

    /// <summary>Waits for the result.</summary>
    /// <param name="cancellationToken">Stops waiting; does not cancel the execution (use <see cref="Cancel"/>).</param>
    /// <exception cref="ExecutionException">The execution failed.</exception>
    /// <exception cref="System.OperationCanceledException">The execution was canceled, or the wait was.</exception>
    public Task<CrewResult<T>> ResultAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled ? _run.Completion.WaitAsync(cancellationToken) : _run.Completion;

    /// <summary>
    /// The execution's events: lifecycle, tasks and token deltas. Every call replays the events
    /// from the first one and then follows the execution until it ends, so several readers
    /// see the same sequence (same events, same order, same <see cref="ExecutionEvent.Sequence"/>),
    /// whenever they start reading. A reader's cancellation token stops only that reader.
    /// </summary>
    /// <param name="cancellationToken">Stops reading; does not cancel the execution.</param>
    /// <exception cref="ExecutionModeException">The execution runs in the background, which does not stream.</exception>
    public IAsyncEnumerable<ExecutionEvent> StreamAsync(CancellationToken cancellationToken = default)
    {
        if (Mode != ExecutionMode.Interactive)
        {
            throw new ExecutionModeException(
                $"Execution '{ExecutionId}' runs in the background and cannot be streamed. Poll its Status and Progress, or await ResultAsync().",
                ExecutionId,
                Mode);
        }

        return _run.Events.ReadAllAsync(cancellationToken);
    }

    /// <summary>Requests cancellation; the execution ends with status <see cref="ExecutionStatus.Canceled"/>.</summary>
    public void Cancel() => _run.Cancel();

    /// <inheritdoc/>
    public override string ToString() => $"{ExecutionId} ({Mode}, {Status})";
}
