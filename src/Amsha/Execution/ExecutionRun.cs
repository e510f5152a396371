using System;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>A live run's crew name and status, readable without knowing its input and output types.</summary>
internal interface ILiveRun
{
    string CrewName { get; }

    ExecutionStatus Status { get; }
}

/// <summary>
/// One run of an execution as every handle reads it: id, mode, status, progress, events, metrics and
/// completion. The run owns its metrics: they are built from its own events, nowhere else.
/// </summary>
internal abstract class ExecutionRun<TOutput> : ILiveRun
{
    private readonly TaskCompletionSource<CrewResult<TOutput>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completes (never faults, so nobody has to observe it) once the execution is durable or has failed to become so.
    private readonly TaskCompletionSource<Exception?> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancellation;
    private readonly object _progressGate = new();
    private int _status = (int)ExecutionStatus.Pending;
    private ExecutionProgress _progress;

    protected ExecutionRun(ExecutionSession session, string executionId, string crewName, ExecutionMode mode, int totalTasks, CancellationToken callerToken)
    {
        Session = session;
        ExecutionId = executionId;
        CrewName = crewName;
        Mode = mode;
        _progress = new ExecutionProgress(0, totalTasks, null);
        _cancellation = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken) : new CancellationTokenSource();
        Metrics = new ExecutionMetricsBuilder(executionId, crewName, mode, session.TimeProvider);
        Events = new ExecutionEventLog(executionId, session.TimeProvider, OnAppended);
        Handle = ExecutionHandle<TOutput>.For(this);
    }

    public string ExecutionId { get; }

    public string CrewName { get; }

    public ExecutionMode Mode { get; }

    /// <summary>The one handle of this run; every caller that follows it gets the same instance.</summary>
    public ExecutionHandle<TOutput> Handle { get; }

    public ExecutionStatus Status => (ExecutionStatus)Volatile.Read(ref _status);

    public ExecutionProgress Progress
    {
        get { lock (_progressGate) { return _progress; } }
        protected set { lock (_progressGate) { _progress = value; } }
    }

    public ExecutionEventLog Events { get; }

    public Task<CrewResult<TOutput>> Completion => _completion.Task;

    /// <summary>Completes once the execution's first record is stored (or, resumed, read); its result is the failure when that did not work.</summary>
    public Task<Exception?> Ready => _ready.Task;

    public virtual ExecutionState? State => null;

    protected ExecutionSession Session { get; }

    protected ExecutionMetricsBuilder Metrics { get; }

    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The execution has ended; nothing is left to cancel.
        }
    }

    /// <summary>Runs the execution to its end; never throws, the outcome goes to <see cref="Completion"/>.</summary>
    public async Task RunToEndAsync()
    {
        var time = Session.TimeProvider;
        var started = time.GetTimestamp();
        CrewResult<TOutput>? finishedEarlier;
        try
        {
            finishedEarlier = await PrepareAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing ran: the first record could not be written, or a resumed record not read.
            var failure = PreparationFailure(ex);
            SetStatus(ExecutionStatus.Failed);
            _ready.TrySetResult(failure);
            _completion.TrySetException(failure);
            _cancellation.Dispose();
            return;
        }

        if (finishedEarlier is not null)
        {
            SetStatus(ExecutionStatus.Succeeded);
            Progress = new ExecutionProgress(Progress.TotalTasks, Progress.TotalTasks, null);
            _ready.TrySetResult(null);
            _completion.TrySetResult(finishedEarlier);
            _cancellation.Dispose();
            return;
        }

        // Ready once the status says so: a caller of StartBackgroundAsync or ResumeAsync sees Running.
        SetStatus(ExecutionStatus.Running);
        _ready.TrySetResult(null);
        try
        {
            await ExecuteAsync(_cancellation.Token).ConfigureAwait(false);
            await OnEndingAsync(ExecutionStatus.Succeeded, null).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Succeeded);
            Events.Append(new ExecutionCompletedEvent(time.GetElapsedTime(started)), terminal: true);
            _completion.TrySetResult(BuildResult(Metrics.Final ?? Metrics.Snapshot(ExecutionStatus.Succeeded)));
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            await TryEndAsync(ExecutionStatus.Canceled, null).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Canceled);
            Events.Append(new ExecutionCanceledEvent(), terminal: true);
            _completion.TrySetCanceled(_cancellation.Token);
        }
        catch (Exception ex)
        {
            var failure = ex as ExecutionException
                ?? new ExecutionException($"Execution '{ExecutionId}' failed: {ex.Message}", ExecutionId, Mode, IsTransient(ex), ex);
            await TryEndAsync(ExecutionStatus.Failed, failure).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Failed);
            Events.Append(new ExecutionFailedEvent(ErrorTypeOf(failure), failure.Message, failure.Recoverable), terminal: true);
            _completion.TrySetException(failure);
        }
        finally
        {
            _cancellation.Dispose();
        }
    }

    /// <summary>
    /// Makes the execution durable before it runs (a background start stores its first record; a resume reads
    /// its record and restores finished tasks). Returns the result when there is nothing left to run.
    /// </summary>
    protected virtual Task<CrewResult<TOutput>?> PrepareAsync() => Task.FromResult<CrewResult<TOutput>?>(null);

    /// <summary>Runs the tasks; their outputs are kept by the run for <see cref="BuildResult"/>.</summary>
    protected abstract Task ExecuteAsync(CancellationToken cancellationToken);

    /// <summary>The result of a run whose tasks all finished, with the run's final metrics.</summary>
    protected abstract CrewResult<TOutput> BuildResult(AmshaMetrics metrics);

    /// <summary>Records the outcome (e.g. the final checkpoint) before status, terminal event and result are published.</summary>
    protected virtual Task OnEndingAsync(ExecutionStatus status, ExecutionException? failure) => Task.CompletedTask;

    private void OnAppended(ExecutionEvent e)
    {
        Metrics.Observe(e);
        Session.Observe(e);
    }

    private async Task TryEndAsync(ExecutionStatus status, ExecutionException? failure)
    {
        try
        {
            await OnEndingAsync(status, failure).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The run already ended badly; failing to record that leaves the record at its last checkpoint, which resume handles.
        }
    }

    // What the caller of ResultAsync or of StartBackgroundAsync/ResumeAsync sees when nothing could run.
    private Exception PreparationFailure(Exception ex) => ex switch
    {
        ExecutionException or ExecutionStoreCorruptedException => ex,
        _ => new ExecutionException(
            $"Execution '{ExecutionId}' of crew '{CrewName}' could not use its execution store: {ex.Message}",
            ExecutionId,
            Mode,
            IsTransient(ex),
            ex),
    };

    private void SetStatus(ExecutionStatus status) => Volatile.Write(ref _status, (int)status);

    // An LLM call failure already names its fault kind (status code, timeout, provider exception type).
    private static string ErrorTypeOf(ExecutionException failure) => failure is LlmCallException call
        ? call.ErrorType
        : (failure.InnerException ?? failure).GetType().FullName ?? "Exception";

    private static bool IsTransient(Exception ex) => ex is TimeoutException or System.Net.Http.HttpRequestException or System.IO.IOException;
}
