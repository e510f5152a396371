using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Amsha.Hosting;

/// <summary>
/// The opt-in resumption policy (<c>ResumeOrphans</c>): every <see cref="OrphanResumptionOptions.Interval"/> it lists
/// the orphaned executions (their owner's lease expired: the process that ran them is gone) and, when asked, the
/// interrupted ones, and resumes each through the session — locally, or on the cluster when the session dispatches
/// (<c>UseOrleans</c>). It does not wait for them: their handles are the session's like any other.
/// </summary>
internal sealed partial class OrphanResumption : IHostedService, IDisposable
{
    private readonly ExecutionSession _session;
    private readonly OrphanResumptionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _scanning = Task.CompletedTask;

    public OrphanResumption(ExecutionSession session, IOptions<OrphanResumptionOptions> options, ILogger<OrphanResumption>? logger = null, TimeProvider? time = null)
    {
        _session = session;
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _scanning = ScanUntilStoppedAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _scanning.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>One search of the store: resumes what the policy covers; returns how many were resumed. Throws only when canceled.</summary>
    internal async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        List<ExecutionRecord> found;
        try
        {
            found = await FindAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store could not be read this time: the next search tries again.
            LogSearchFailed(_logger, ex);
            return 0;
        }

        var resumed = 0;
        foreach (var record in found)
        {
            try
            {
                await _session.ResumeAsync(record.ExecutionId, cancellationToken: cancellationToken).ConfigureAwait(false);
                resumed++;
                LogResumed(_logger, record.ExecutionId, record.CrewName, record.Status, record.Owner ?? "(none)", record.Progress.CompletedTasks, record.Progress.TotalTasks);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Another process may have resumed it first (a conflict), or its crew is unknown here: the next
                // execution is still tried, and this one again at the next search if it is still left.
                LogResumeFailed(_logger, record.ExecutionId, record.CrewName, ex);
            }
        }

        return resumed;
    }

    private async Task<List<ExecutionRecord>> FindAsync(CancellationToken cancellationToken)
    {
        var found = new List<ExecutionRecord>();
        foreach (var orphan in await _session.ListOrphanedExecutionsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (Covers(orphan.CrewName))
            {
                found.Add(orphan);
            }
        }

        if (_options.IncludeInterrupted)
        {
            var query = new ExecutionQuery { Statuses = [ExecutionStatus.Interrupted], OldestFirst = true, Take = ExecutionQuery.MaxTake };
            var page = await _session.QueryExecutionsAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var interrupted in page.Items)
            {
                if (Covers(interrupted.CrewName) && _session.FindRunning(interrupted.ExecutionId) is null)
                {
                    found.Add(interrupted);
                }
            }
        }

        return found;
    }

    private bool Covers(string crewName) => _options.CrewNames.Count == 0 || _options.CrewNames.Contains(crewName);

    private async Task ScanUntilStoppedAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.Interval, _time, stopping).ConfigureAwait(false);
                await ScanAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 2007, EventName = "ExecutionResumedByPolicy", Level = LogLevel.Information,
        Message = "Resumed execution {ExecutionId} of crew {CrewName} ({Status}, owner {Owner}, {CompletedTasks}/{TotalTasks} tasks done), as the ResumeOrphans policy asks.")]
    private static partial void LogResumed(ILogger logger, string executionId, string crewName, ExecutionStatus status, string owner, int completedTasks, int totalTasks);

    [LoggerMessage(EventId = 2008, EventName = "PolicyResumeFailed", Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of crew {CrewName} could not be resumed; it is tried again at the next search if it is still left.")]
    private static partial void LogResumeFailed(ILogger logger, string executionId, string crewName, Exception exception);

    [LoggerMessage(EventId = 2009, EventName = "PolicySearchFailed", Level = LogLevel.Warning,
        Message = "The execution store could not be searched for orphaned executions; the next search follows at the next interval.")]
    private static partial void LogSearchFailed(ILogger logger, Exception exception);
}
