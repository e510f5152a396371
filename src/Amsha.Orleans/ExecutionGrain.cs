using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Amsha.Orleans;

/// <summary>
/// One execution on the cluster. It keeps no state of its own: whether the execution runs here is the worker
/// session's answer (<see cref="ExecutionSession.FindRunning"/>), everything else is in the store. Reentrant: a watch
/// waits across many turns and must not hold up a cancellation. Placed on a silo picked at random: executions are alike
/// and many, so they spread evenly, and a silo that just joined takes its share at once.
/// </summary>
[Reentrant]
// Random placement: activation-count placement needs the silos' load statistics, which a silo that just joined has not
// published yet, so a burst of starts after a cluster (or a silo) comes up would all land on the silos already known.
[RandomPlacement]
internal sealed partial class ExecutionGrain : Grain, IExecutionGrain
{
    private readonly AmshaWorker _worker;
    private readonly AmshaOrleansOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // The watches of this activation, woken when a run starts here.
    private readonly HashSet<ChannelWriter<bool>> _watches = new();
    private Task<bool>? _starting;
    private bool _cancelRequested;
    private ExecutionHandle? _kept;

    public ExecutionGrain(AmshaWorker worker, IOptions<AmshaOrleansOptions> options, ILogger<ExecutionGrain> logger, TimeProvider? timeProvider = null)
    {
        _worker = worker;
        _options = options.Value;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
    }

    private string ExecutionId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An activation that came back on the silo where the execution still runs keeps following it.
        if (_worker.Session.FindRunning(ExecutionId) is { } run)
        {
            KeepAliveWhileRunning(run);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> RunAsync(string crewName)
    {
        if (_worker.Session.FindRunning(ExecutionId) is { } live)
        {
            KeepAliveWhileRunning(live);
            return true;
        }

        if (_starting is { } starting)
        {
            return await starting;
        }

        if (_worker.Session.IsStopping)
        {
            DeactivateOnIdle();
            return false;
        }

        _cancelRequested = false;
        var start = StartAsync(crewName);
        _starting = start;
        try
        {
            return await start;
        }
        finally
        {
            if (ReferenceEquals(_starting, start))
            {
                _starting = null;
            }
        }
    }

    public Task CancelAsync()
    {
        // A run that is starting now is canceled as soon as it has started.
        _cancelRequested = true;
        if (_worker.Session.FindRunning(ExecutionId) is { } run)
        {
            LogCanceling(_logger, ExecutionId);
            run.Cancel();
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ExecutionGrainReport> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var executionId = ExecutionId;
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        // Token deltas change nothing a report shows; every other event of the execution may.
        using var subscription = _worker.Session.Subscribe(e =>
        {
            if (e is not TokenDeltaEvent && string.Equals(e.ExecutionId, executionId, StringComparison.Ordinal))
            {
                changed.Writer.TryWrite(true);
            }
        });
        _watches.Add(changed.Writer);
        try
        {
            ExecutionGrainReport? last = null;
            ExecutionHandle? followed = null;
            Task ended = Task.CompletedTask;
            var change = changed.Reader.WaitToReadAsync(cancellationToken).AsTask();
            while (true)
            {
                ExecutionGrainReport? report;
                Task wake;
                if (_worker.Session.FindRunning(executionId) is { } run)
                {
                    if (!ReferenceEquals(run, followed))
                    {
                        followed = run;
                        ended = run.WaitAsync(cancellationToken);
                    }

                    // Running here: the run's own figures. Its final status is reported from the store once it ended.
                    report = ExecutionGrainReport.Of(run.Status == ExecutionStatus.Pending ? ExecutionStatus.Pending : ExecutionStatus.Running, run.Progress);
                    wake = Task.WhenAny(change, ended);
                }
                else
                {
                    // Not running here (it ended, or its silo was lost and nobody resumed it yet): the store says.
                    report = await ReadStoreAsync(executionId, cancellationToken);
                    wake = report is { IsFinal: true } ? Task.CompletedTask : Task.WhenAny(change, Task.Delay(_options.StorePollInterval, _time, cancellationToken));
                }

                if (report is { } current && current != last)
                {
                    last = current;
                    yield return current;
                    if (current.IsFinal)
                    {
                        yield break;
                    }
                }

                await wake;
                cancellationToken.ThrowIfCancellationRequested();
                if (change.IsCompleted)
                {
                    while (changed.Reader.TryRead(out _))
                    {
                    }

                    change = changed.Reader.WaitToReadAsync(cancellationToken).AsTask();
                }
            }
        }
        finally
        {
            _watches.Remove(changed.Writer);
        }
    }

    private async Task<bool> StartAsync(string crewName)
    {
        ExecutionHandle run;
        try
        {
            run = await _worker.Session.ResumeAsync(ExecutionId, null, CancellationToken.None);
        }
        catch (InvalidOperationException) when (_worker.Session.IsStopping)
        {
            // The silo shuts down: the caller tries again and reaches the next activation, on another silo.
            DeactivateOnIdle();
            return false;
        }

        LogStarted(_logger, ExecutionId, crewName, run.Progress.CompletedTasks, run.Progress.TotalTasks);
        KeepAliveWhileRunning(run);
        if (_cancelRequested)
        {
            run.Cancel();
        }

        return true;
    }

    private void KeepAliveWhileRunning(ExecutionHandle run)
    {
        foreach (var watch in _watches)
        {
            watch.TryWrite(true);
        }

        if (ReferenceEquals(_kept, run))
        {
            return;
        }

        _kept = run;
        DelayDeactivation(Timeout.InfiniteTimeSpan);
        _ = ReleaseWhenEndedAsync(run);
    }

    // Runs on the activation's scheduler: once the run ended the activation is collected like any idle one.
    private async Task ReleaseWhenEndedAsync(ExecutionHandle run)
    {
        var status = await run.WaitAsync(CancellationToken.None);
        LogEnded(_logger, run.ExecutionId, status);
        if (ReferenceEquals(_kept, run))
        {
            _kept = null;
            DelayDeactivation(TimeSpan.Zero);
        }
    }

    private async Task<ExecutionGrainReport?> ReadStoreAsync(string executionId, CancellationToken cancellationToken)
    {
        try
        {
            var record = await _worker.Session.Store.GetAsync(executionId, cancellationToken);

            // An unknown id ends the watch; the handle reads the store and reports it as not found.
            return record is null
                ? ExecutionGrainReport.Of(ExecutionStatus.Failed, default)
                : ExecutionGrainReport.Of(record.Status, record.Progress);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store may answer at the next poll; the watch goes on.
            LogStoreUnreadable(_logger, executionId, ex);
            return null;
        }
    }

    [LoggerMessage(EventId = 3001, EventName = "ExecutionPlaced", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of crew {CrewName} runs on this silo from task {CompletedTasks} of {TotalTasks}.")]
    private static partial void LogStarted(ILogger logger, string executionId, string crewName, int completedTasks, int totalTasks);

    [LoggerMessage(EventId = 3002, EventName = "ExecutionLeftSilo", Level = LogLevel.Debug,
        Message = "Execution {ExecutionId} stopped running on this silo: {Status}.")]
    private static partial void LogEnded(ILogger logger, string executionId, ExecutionStatus status);

    [LoggerMessage(EventId = 3003, EventName = "ExecutionCanceling", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} is canceled on this silo.")]
    private static partial void LogCanceling(ILogger logger, string executionId);

    [LoggerMessage(EventId = 3004, EventName = "StoreUnreadableWhileWatching", Level = LogLevel.Warning,
        Message = "The store could not be read for execution {ExecutionId}; its watchers hear at the next poll.")]
    private static partial void LogStoreUnreadable(ILogger logger, string executionId, Exception exception);
}
