using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;

namespace Amsha;

/// <summary>
/// A background execution that runs elsewhere (see <see cref="IExecutionDispatcher"/>): it stores the first record
/// (a start) or reads it (a resume), hands the execution over, follows its reports, and at the end reads the outcome
/// from the store. It never writes after the hand-over: the worker owns the record from then on.
/// </summary>
internal sealed class DispatchedRun<TInput, TOutput> : ExecutionRun<TOutput>, IDispatchedRun
{
    private readonly CrewDefinition<TInput, TOutput> _declared;
    private readonly IExecutionDispatcher _dispatcher;
    private readonly IExecutionStore _store;
    private readonly ExecutionOptions? _options;
    private readonly string? _inputJson;
    private readonly bool _resume;
    private CrewDefinition<TInput, TOutput> _crew;
    private CrewResult<TOutput>? _result;
    private IReadOnlyList<InputRequest> _pending = Array.Empty<InputRequest>();
    private int _remoteCancelRequested;

    private DispatchedRun(ExecutionSession session, IExecutionDispatcher dispatcher, CrewDefinition<TInput, TOutput> crew, string executionId, string? inputJson, ExecutionOptions? options, bool resume)
        : base(session, executionId, crew.Name, ExecutionMode.Background, crew.Tasks.Count, CancellationToken.None)
    {
        _declared = crew;
        _crew = crew;
        _dispatcher = dispatcher;
        _store = session.Store;
        _options = options;
        _inputJson = inputJson;
        _resume = resume;
    }

    public override IReadOnlyList<InputRequest> PendingInput => Volatile.Read(ref _pending);

    public override ExecutionState? State => null;

    /// <summary>A new execution: stored here, run by a worker.</summary>
    public static DispatchedRun<TInput, TOutput> Start(ExecutionSession session, IExecutionDispatcher dispatcher, CrewDefinition<TInput, TOutput> crew, string executionId, string inputJson, ExecutionOptions? options) =>
        new(session, dispatcher, crew, executionId, inputJson, options, resume: false);

    /// <summary>A stored execution, continued by a worker.</summary>
    public static DispatchedRun<TInput, TOutput> Resumed(ExecutionSession session, IExecutionDispatcher dispatcher, CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionOptions? options) =>
        new(session, dispatcher, crew, executionId, null, options, resume: true);

    // The session's own owner and lease when it names one; else this process's hand-over lease.
    private ExecutionLease HandOverLease => Session.Lease ?? ExecutionLease.HandOver;

    public override Task<ExecutionHandle> SubmitInputAsync(InputResponse response, ExecutionOptions? options, CancellationToken cancellationToken) =>
        Session.SubmitStoredInputAsync(_declared, ExecutionId, response, options ?? _options, cancellationToken);

    protected override async Task<CrewResult<TOutput>?> PrepareAsync()
    {
        _crew = await Session.ResolveDefinitionAsync(_declared, CancellationToken.None).ConfigureAwait(false);
        if (!_resume)
        {
            // Stored with a hand-over lease that nobody renews: a worker's claim replaces it at once, and if none ever
            // claims the execution (this process died before the hand-over reached one), it is listed as orphaned
            // once the lease has passed, instead of staying Pending and owned by nobody.
            var now = Session.TimeProvider.GetUtcNow();
            var first = ExecutionRecord.First(ExecutionId, _crew, _inputJson!, _options?.State?.Save(), now);
            await _store.SaveAsync(HandOverLease.Apply(first, now), CancellationToken.None).ConfigureAwait(false);
            return null;
        }

        var found = await _store.GetAsync(ExecutionId, CancellationToken.None).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(ExecutionId);
        if (!string.Equals(found.CrewName, _crew.Name, StringComparison.Ordinal))
        {
            throw new ExecutionCrewMismatchException(ExecutionId, found.CrewName, _crew.Name);
        }

        Progress = found.Progress;
        return found.Status == ExecutionStatus.Succeeded && found.TaskOutputs.Count == _crew.Tasks.Count ? ResultOf(found) : null;
    }

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        Events.Append(new ExecutionStartedEvent(_crew.Name, Mode, _crew.Tasks.Count));
        await _dispatcher.DispatchAsync(ExecutionId, _crew.Name, CancellationToken.None).ConfigureAwait(false);

        // Canceling the handle cancels the execution where it runs; a session that stops only stops following it.
        // Both the registration and the catch ask: a cancellation's inline continuations may end the watch (and
        // dispose the registration) before the registration's turn comes.
        ExecutionReport? final = null;
        try
        {
            using var cancelRemote = cancellationToken.Register(static state => ((DispatchedRun<TInput, TOutput>)state!).CancelRemote(), this);
            await foreach (var report in _dispatcher.WatchAsync(ExecutionId, cancellationToken).ConfigureAwait(false))
            {
                Progress = report.Progress;
                if (report.IsFinal)
                {
                    final = report;
                    break;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            CancelRemote();
            throw;
        }

        var record = await _store.GetAsync(ExecutionId, CancellationToken.None).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(ExecutionId);
        Progress = record.Progress;
        switch (final?.Status ?? record.Status)
        {
            case ExecutionStatus.Succeeded:
                _result = ResultOf(record);
                return;
            case ExecutionStatus.WaitingForInput or ExecutionStatus.InputExpired:
                Volatile.Write(ref _pending, record.PendingInput);
                throw new ExecutionSuspension();
            case ExecutionStatus.Canceled:
                Cancel();
                throw new OperationCanceledException(cancellationToken);
            case ExecutionStatus.Interrupted:
                Interrupt();
                throw new OperationCanceledException(cancellationToken);
            default:
                var error = record.Error;
                throw new ExecutionException(
                    $"Execution '{ExecutionId}' failed on its worker: {error?.Message ?? "no error was stored."}",
                    ExecutionId,
                    Mode,
                    error?.Recoverable ?? true);
        }
    }

    protected override CrewResult<TOutput> BuildResult(AmshaMetrics metrics) => _result!;

    /// <summary>
    /// A resume of an execution this run follows: hands it over again, in case its worker is gone (an orphan); a worker
    /// that still runs it ignores the second hand-over. The run goes on following it either way.
    /// </summary>
    public void DispatchAgain() => _ = DispatchAgainAsync();

    private async Task DispatchAgainAsync()
    {
        try
        {
            await _dispatcher.DispatchAsync(ExecutionId, _crew.Name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The run keeps following the execution; a later resume can hand it over again.
        }
    }

    // The worker stored the outcome, with every run's figures; the handle reports those, not its own.
    private CrewResult<TOutput> ResultOf(ExecutionRecord record)
    {
        var outputs = ExecutionCheckpoints.RestoreOutputs(record, _crew);
        var last = outputs[outputs.Length - 1]!;
        var value = _crew.SelectResult is { } select ? select(last) : (TOutput)last.Value!;
        var metrics = record.Metrics ?? new AmshaMetrics { ExecutionId = ExecutionId, CrewName = _crew.Name, Mode = ExecutionMode.Background, Status = record.Status };
        return new CrewResult<TOutput>(ExecutionId, _crew.Name, value, outputs!, metrics);
    }

    private void CancelRemote()
    {
        if (IsInterrupted || Interlocked.Exchange(ref _remoteCancelRequested, 1) == 1)
        {
            return;
        }

        _ = CancelRemoteAsync();
    }

    private async Task CancelRemoteAsync()
    {
        try
        {
            await _dispatcher.CancelAsync(ExecutionId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The handle ends Canceled either way; the worker's record says whether the cancellation reached it.
        }
    }
}

/// <summary>A run that follows an execution handed to a dispatcher, whatever its crew's types.</summary>
internal interface IDispatchedRun
{
    /// <summary>Hands the execution over again (its worker may be gone); a worker that still runs it ignores that.</summary>
    void DispatchAgain();
}
