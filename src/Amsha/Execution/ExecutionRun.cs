using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>A live run as a handle reads it, without knowing its input and output types.</summary>
internal interface ILiveRun
{
    string ExecutionId { get; }

    string CrewName { get; }

    ExecutionMode Mode { get; }

    ExecutionStatus Status { get; }

    ExecutionProgress Progress { get; }

    ExecutionState? State { get; }

    /// <summary>The input requests open now.</summary>
    IReadOnlyList<InputRequest> PendingInput { get; }

    /// <summary>The handle of the run.</summary>
    ExecutionHandle UntypedHandle { get; }

    /// <summary>Completes with the status the run stopped in; never faults.</summary>
    Task<ExecutionStatus> Ended { get; }

    void Cancel();

    /// <summary>Stops a background run because its session stops; it ends <see cref="ExecutionStatus.Interrupted"/>.</summary>
    void Interrupt();

    /// <summary>Answers a request of the run (interactive: it waits in memory; background: the stored execution is answered and resumed).</summary>
    Task<ExecutionHandle> SubmitInputAsync(InputResponse response, ExecutionOptions? options, CancellationToken cancellationToken);
}

/// <summary>
/// One run of an execution as every handle reads it: id, mode, status, progress, events, metrics and
/// completion. The run owns its metrics: they are built from its own events, nowhere else.
/// </summary>
internal abstract class ExecutionRun<TOutput> : ILiveRun, IExecutionEventSink, IThreadPoolWorkItem
{
    // Completed by Publish, the very last thing a run does, after its session let go of it and with no lock held: so
    // whoever awaits the result continues right there, on the run's thread, instead of waiting for another hop through
    // the thread pool, and finds the run settled (status final, no longer tracked as running).
    private readonly TaskCompletionSource<CrewResult<TOutput>> _completion = new();

    // The outcome RunToEndAsync reached, until Publish hands it out: the result, the failure, or a Canceled. One
    // field: a run waiting for its model holds it all along.
    private object? _outcome;

    // Completes (never faults, so nobody has to observe it) once the execution is durable or has failed to become so.
    private LazyCompletion<Exception?> _ready;
    // A background run's is made when the run starts or is canceled, whichever comes first: while thousands of runs
    // wait in the thread pool's queue, each collection of the young generation copies what each one holds.
    private CancellationTokenSource? _cancellation;

    // The caller's execution context, from Launch until a pool thread takes the run (see Execute).
    private ExecutionContext? _launchContext;
    private int _status = (int)ExecutionStatus.Pending;

    // Set before the cancellation that stops a background run for its session's shutdown: it ends Interrupted, not Canceled.
    private volatile bool _interrupted;

    // Set when someone gets a handle that reads the run's events (Start; an answer to an interactive run's request),
    // before the run's first task.
    private bool _eventStreamHandedOut;
    private ExecutionProgress _progress;
    private LazyCompletion<ExecutionStatus> _ended;
    private ExecutionEventLog? _events;

    // Made when first asked for: a run of RunAsync hands out no handle.
    private ExecutionHandle<TOutput>? _handle;
    private ExecutionMetricsBuilder? _metrics;

    protected ExecutionRun(ExecutionSession session, string executionId, string crewName, ExecutionMode mode, int totalTasks, CancellationToken callerToken)
    {
        Session = session;
        ExecutionId = executionId;
        CrewName = crewName;
        Mode = mode;
        _progress = new ExecutionProgress(0, totalTasks, null);
        // An interactive run also ends when its session stops; a background one is interrupted by the session instead (see Interrupt).
        _cancellation = mode == ExecutionMode.Interactive
            ? (callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken, session.Stopping) : CancellationTokenSource.CreateLinkedTokenSource(session.Stopping))
            : callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken) : null;
    }

    public string ExecutionId { get; }

    public string CrewName { get; }

    public ExecutionMode Mode { get; }

    /// <summary>The one handle of this run; every caller that follows it gets the same instance.</summary>
    public ExecutionHandle<TOutput> Handle => Volatile.Read(ref _handle) ?? Made(ref _handle, ExecutionHandle<TOutput>.For(this));

    ExecutionHandle ILiveRun.UntypedHandle => Handle;

    /// <summary>Completes with the status the run stopped in, once the session no longer tracks it; never faults.</summary>
    public Task<ExecutionStatus> Ended => _ended.Task;

    /// <summary>The input requests open now; none unless the run waits for a person.</summary>
    public virtual IReadOnlyList<InputRequest> PendingInput => Array.Empty<InputRequest>();

    public ExecutionStatus Status => (ExecutionStatus)Volatile.Read(ref _status);

    public ExecutionProgress Progress
    {
        // Locked on the completion source, which is private and never handed out (its Task is): no lock object of its own.
        get { lock (_completion) { return _progress; } }
        protected set { lock (_completion) { _progress = value; } }
    }

    /// <summary>
    /// The run's events; made by their first writer or reader (see <see cref="Metrics"/>). Only an interactive run's
    /// handle streams them, and only a run that hands it out (<see cref="HandOutEventStream"/>: <c>Start</c>, or a run
    /// that may ask a person) has its log keep them: the events of a background run, or of <c>RunAsync</c>, go to its
    /// metrics and the session's watchers as they happen, and a run waiting for its model holds none of them.
    /// </summary>
    public ExecutionEventLog Events => Volatile.Read(ref _events) ?? Made(ref _events, new ExecutionEventLog(ExecutionId, Session.TimeProvider, this, retains: Mode == ExecutionMode.Interactive && _eventStreamHandedOut));

    public Task<CrewResult<TOutput>> Completion => _completion.Task;

    /// <summary>Completes once the execution's first record is stored (or, resumed, read); its result is the failure when that did not work.</summary>
    public Task<Exception?> Ready => _ready.Task;

    public virtual ExecutionState? State => null;

    protected ExecutionSession Session { get; }

    // The run's cancellation source, made by the first that needs it (see _cancellation).
    private CancellationTokenSource Cancellation => Volatile.Read(ref _cancellation) ?? Made(ref _cancellation, new CancellationTokenSource());

    /// <summary>
    /// The run's metrics, made when first used. A background run waits in the thread pool's queue until a thread takes
    /// it, and while thousands wait, each collection of the young generation copies every waiting run: what a run
    /// needs only once it runs (its metrics, its event log) is made then, not when it is queued.
    /// </summary>
    protected ExecutionMetricsBuilder Metrics => Volatile.Read(ref _metrics) ?? Made(ref _metrics, new ExecutionMetricsBuilder(ExecutionId, CrewName, Mode, Session.TimeProvider));

    // The instance in the field: this one, or the one another thread stored first.
    private static T Made<T>(ref T? field, T made)
        where T : class =>
        Interlocked.CompareExchange(ref field, made, null) ?? made;

    /// <summary>
    /// Marks the run as one whose handle, which streams its events, is handed out: to the caller of <c>Start</c>, or to
    /// whoever answers an interactive run's input request. Call before anything makes the run's event log (see
    /// <see cref="Events"/>), which keeps its events only for such a run.
    /// </summary>
    public void HandOutEventStream() => _eventStreamHandedOut = true;

    /// <summary>
    /// Whether someone may read the run's token deltas: a holder of its handle (<see cref="HandOutEventStream"/>), or the
    /// session's subscribers and observers. Otherwise (<c>RunAsync</c>, background runs, nobody watching the session) the tasks ask
    /// for whole answers: streaming an answer nobody reads costs an update, a delta event and a reassembly per token.
    /// </summary>
    protected bool TokensMayBeRead => _eventStreamHandedOut || Session.WantsTokenDeltas;

    /// <inheritdoc cref="ILiveRun.SubmitInputAsync"/>
    public abstract Task<ExecutionHandle> SubmitInputAsync(InputResponse response, ExecutionOptions? options, CancellationToken cancellationToken);

    /// <summary>Stops a background run for its session's shutdown: it stores what it has and ends <see cref="ExecutionStatus.Interrupted"/>.</summary>
    public void Interrupt()
    {
        // A run its caller canceled already stays canceled.
        if (Mode == ExecutionMode.Background && !Cancellation.IsCancellationRequested)
        {
            _interrupted = true;
            Cancel();
        }
    }

    /// <summary>Whether the session's shutdown is what stops this run (no failure to report).</summary>
    protected bool IsInterrupted => _interrupted;

    public void Cancel()
    {
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The execution has ended; nothing is left to cancel.
        }
    }

    /// <summary>
    /// Runs the execution to its end, then lets it go: the session stops tracking it, <see cref="Ended"/> completes, and
    /// last <see cref="Completion"/>, whose awaiters continue on this flow. Never throws.
    /// </summary>
    /// <summary>
    /// Queues the run on the thread pool, with the caller's execution context (as <c>Task.Run</c> would), to run it to its
    /// end there: starting never waits for I/O or a model. The run is its own work item; from a pool thread it goes to
    /// that thread's own queue, where idle threads steal it.
    /// </summary>
    public void Launch()
    {
        _launchContext = ExecutionContext.Capture();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var context = _launchContext;
        _launchContext = null;
        if (context is null)
        {
            // The caller suppressed the flow of its context: the run starts with none, as Task.Run's work would.
            _ = RunToEndAsync();
            return;
        }

        ExecutionContext.Run(context, static run => _ = ((ExecutionRun<TOutput>)run!).RunToEndAsync(), this);
    }

    public async Task RunToEndAsync()
    {
        var cancellation = Cancellation;
        try
        {
            var time = Session.TimeProvider;
            var started = time.GetTimestamp();
            CrewResult<TOutput>? finishedEarlier;
            try
            {
                finishedEarlier = await PrepareAsync().ConfigureAwait(false);
            }
            catch (ExecutionSuspension)
            {
                // A resumed execution that still waits on open requests: nothing runs until they are answered.
                _ready.TrySetResult(null);
                Suspend(PendingInput);
                cancellation.Dispose();
                return;
            }
            catch (Exception ex)
            {
                // Nothing ran: the first record could not be written, or a resumed record not read.
                var failure = PreparationFailure(ex);
                SetStatus(ExecutionStatus.Failed);
                _ready.TrySetResult(failure);
                Conclude(failure);
                cancellation.Dispose();
                return;
            }

            if (finishedEarlier is not null)
            {
                SetStatus(ExecutionStatus.Succeeded);
                Progress = new ExecutionProgress(Progress.TotalTasks, Progress.TotalTasks, null);
                _ready.TrySetResult(null);
                Conclude(finishedEarlier);
                cancellation.Dispose();
                return;
            }

            // Ready once the status says so: a caller of StartBackgroundAsync or ResumeAsync sees Running.
            SetStatus(ExecutionStatus.Running);
            _ready.TrySetResult(null);
            try
            {
                await ExecuteAsync(cancellation.Token).ConfigureAwait(false);
                await OnEndingAsync(ExecutionStatus.Succeeded, null).ConfigureAwait(false);
                SetStatus(ExecutionStatus.Succeeded);
                Events.Append(new ExecutionCompletedEvent(time.GetElapsedTime(started)), terminal: true);
                Conclude(BuildResult(Metrics.Final ?? Metrics.Snapshot(ExecutionStatus.Succeeded)));
            }
            catch (ExecutionSuspension)
            {
                // A background run asked a person: stored waiting, then gone from memory until an answer resumes it.
                var requests = PendingInput;
                SetStatus(ExecutionStatus.WaitingForInput);
                try
                {
                    await OnSuspendingAsync(requests).ConfigureAwait(false);
                    Suspend(requests);
                }
                catch (Exception ex)
                {
                    var failure = ex as ExecutionException
                        ?? new ExecutionException($"Execution '{ExecutionId}' could not store its input request: {ex.Message}", ExecutionId, Mode, IsTransient(ex), ex);
                    SetStatus(ExecutionStatus.Failed);
                    Events.Append(new ExecutionFailedEvent(ErrorTypeOf(failure), failure.Message, failure.Recoverable), terminal: true);
                    Conclude(failure);
                }
            }
            catch (InputExpiredException expired) when (Mode == ExecutionMode.Interactive)
            {
                SetStatus(ExecutionStatus.InputExpired);
                Events.Append(new ExecutionSuspendedEvent(ExecutionStatus.InputExpired, new[] { expired.Request.RequestId }), terminal: true);
                Conclude(expired);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested && _interrupted && Mode == ExecutionMode.Background)
            {
                await TryEndAsync(ExecutionStatus.Interrupted, null).ConfigureAwait(false);
                SetStatus(ExecutionStatus.Interrupted);
                Events.Append(new ExecutionSuspendedEvent(ExecutionStatus.Interrupted, Array.Empty<string>()), terminal: true);
                Conclude(new ExecutionInterruptedException(ExecutionId));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                await TryEndAsync(ExecutionStatus.Canceled, null).ConfigureAwait(false);
                SetStatus(ExecutionStatus.Canceled);
                Events.Append(new ExecutionCanceledEvent(), terminal: true);
                Conclude(new Canceled(cancellation.Token));
            }
            catch (Exception ex)
            {
                var failure = ex as ExecutionException
                    ?? new ExecutionException($"Execution '{ExecutionId}' failed: {ex.Message}", ExecutionId, Mode, IsTransient(ex), ex);
                await TryEndAsync(ExecutionStatus.Failed, failure).ConfigureAwait(false);
                SetStatus(ExecutionStatus.Failed);
                Events.Append(new ExecutionFailedEvent(ErrorTypeOf(failure), failure.Message, failure.Recoverable), terminal: true);
                Conclude(failure);
            }
            finally
            {
                cancellation.Dispose();
            }
        }
        finally
        {
            // Here rather than in an awaiting method of the session's around this one: a run waiting for its model
            // holds one frame less.
            Session.LetGo(this);
            Release();
            Publish();
        }
    }

    // Once the run has ended and the session let go of it: completes Ended.
    private void Release() => _ended.TrySetResult(Status);

    // Hands out the outcome the run reached: completes Completion. The last thing on the run's flow, once it has been
    // released, since the awaiters of the result continue inside this call.
    private void Publish()
    {
        switch (_outcome)
        {
            case CrewResult<TOutput> result:
                _completion.TrySetResult(result);
                break;
            case Canceled canceled:
                _completion.TrySetCanceled(canceled.Token);
                break;
            case Exception failure:
                _completion.TrySetException(failure);
                break;
            default:
                // Every path of RunToEndAsync concludes; were one to miss, its awaiters must not wait forever.
                _completion.TrySetException(new InvalidOperationException($"Execution '{ExecutionId}' ended without an outcome."));
                break;
        }
    }

    // Each path of RunToEndAsync reaches one outcome; should two ever be reached, the first stands, as a completion's would.
    private void Conclude(object outcome) => _outcome ??= outcome;

    private sealed record Canceled(CancellationToken Token);

    /// <summary>
    /// Makes the execution durable before it runs (a background start stores its first record; a resume reads
    /// its record and restores finished tasks). Returns the result when there is nothing left to run.
    /// </summary>
    protected virtual Task<CrewResult<TOutput>?> PrepareAsync() => Task.FromResult<CrewResult<TOutput>?>(null);

    /// <summary>Runs the tasks; their outputs are kept by the run for <see cref="BuildResult"/>.</summary>
    protected abstract Task ExecuteAsync(CancellationToken cancellationToken);

    /// <summary>The result of a run whose tasks all finished, with the run's final metrics.</summary>
    protected abstract CrewResult<TOutput> BuildResult(AmshaMetrics metrics);

    /// <summary>Stores a background run's open requests (its status waiting for input) before they are announced.</summary>
    protected virtual Task OnSuspendingAsync(IReadOnlyList<InputRequest> requests) => Task.CompletedTask;

    /// <summary>Moves a running run to waiting for input and back (an interactive run waiting in memory).</summary>
    protected void SetWaiting(bool waiting)
    {
        if (waiting)
        {
            Interlocked.CompareExchange(ref _status, (int)ExecutionStatus.WaitingForInput, (int)ExecutionStatus.Running);
        }
        else
        {
            Interlocked.CompareExchange(ref _status, (int)ExecutionStatus.Running, (int)ExecutionStatus.WaitingForInput);
        }
    }

    /// <summary>Records the outcome (e.g. the final checkpoint) before status, terminal event and result are published.</summary>
    protected virtual Task OnEndingAsync(ExecutionStatus status, ExecutionException? failure) => Task.CompletedTask;

    void IExecutionEventSink.Appended(ExecutionEvent e)
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

    // Announces the stored requests and ends the run waiting; ResultAsync says so instead of a result.
    private void Suspend(IReadOnlyList<InputRequest> requests)
    {
        SetStatus(ExecutionStatus.WaitingForInput);
        var ids = new string[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            Events.Append(new InputRequestedEvent(requests[i]));
            ids[i] = requests[i].RequestId;
        }

        Events.Append(new ExecutionSuspendedEvent(ExecutionStatus.WaitingForInput, ids), terminal: true);
        Conclude(new ExecutionWaitingForInputException(ExecutionId, requests));
    }

    // An LLM call failure already names its fault kind (status code, timeout, provider exception type).
    private static string ErrorTypeOf(ExecutionException failure) => failure is LlmCallException call
        ? call.ErrorType
        : (failure.InnerException ?? failure).GetType().FullName ?? "Exception";

    private static bool IsTransient(Exception ex) => ex is TimeoutException or System.Net.Http.HttpRequestException or System.IO.IOException;
}
