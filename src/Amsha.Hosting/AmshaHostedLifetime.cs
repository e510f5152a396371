using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amsha.Hosting;

/// <summary>
/// Ties the app's <see cref="ExecutionSession"/> to the host's lifetime. At start it logs the stored executions nobody
/// runs (left <see cref="ExecutionStatus.Running"/> by a process that died, or <see cref="ExecutionStatus.Interrupted"/>
/// by a shutdown) and resumes none of them. At stop it calls <see cref="ExecutionSession.StopAsync"/>: interactive
/// executions are canceled, background ones are stored <see cref="ExecutionStatus.Interrupted"/> and stay resumable,
/// within the host's shutdown timeout.
/// </summary>
internal sealed partial class AmshaHostedLifetime : IHostedService
{
    // A start-up log names this many executions and counts the rest: a large store must not flood the log.
    internal const int MaxLoggedExecutions = 50;

    private readonly ExecutionSession _session;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    // The session takes its clock from the container too (AddAmsha), so leases are compared on the same one.
    public AmshaHostedLifetime(ExecutionSession session, ILogger<AmshaHostedLifetime>? logger = null, TimeProvider? time = null)
    {
        _session = session;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ExecutionRecord> records;
        try
        {
            records = await _session.ListExecutionsAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The app may still serve interactive runs; the store's health check reports the problem.
            LogStoreUnreadable(_logger, ex);
            return;
        }

        int orphaned = 0, interrupted = 0;
        var now = _time.GetUtcNow();
        foreach (var record in records)
        {
            // A record whose owner still renews its lease runs in another process: not an orphan.
            var heldElsewhere = record.LeaseExpiresAt is { } expires && expires > now;
            var left = record.Status switch
            {
                ExecutionStatus.Running or ExecutionStatus.Pending when !heldElsewhere && _session.FindRunning(record.ExecutionId) is null => ++orphaned,
                ExecutionStatus.Interrupted => ++interrupted,
                _ => 0,
            };
            if (left is > 0 and <= MaxLoggedExecutions)
            {
                var progress = record.Progress;
                if (record.Status == ExecutionStatus.Interrupted)
                {
                    LogInterrupted(_logger, record.ExecutionId, record.CrewName, progress.CompletedTasks, progress.TotalTasks, record.UpdatedAt);
                }
                else
                {
                    LogOrphaned(_logger, record.ExecutionId, record.CrewName, progress.CompletedTasks, progress.TotalTasks, record.UpdatedAt);
                }
            }
        }

        if (orphaned + interrupted > 0)
        {
            LogSummary(_logger, orphaned, interrupted);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _session.StopAsync(cancellationToken).ConfigureAwait(false);

            // Observers (exporters, audit logs) receive the Interrupted events before the container disposes them.
            await _session.FlushObserversAsync(cancellationToken).ConfigureAwait(false);
            LogStopped(_logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: the runs were told to stop; those still writing keep their last checkpoint.
            LogStopTimedOut(_logger);
        }
    }

    [LoggerMessage(EventId = 2001, EventName = "OrphanedExecution", Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of crew {CrewName} is stored Running but no process runs it ({CompletedTasks}/{TotalTasks} tasks done, last written {UpdatedAt:O}); it is not resumed automatically: resume it with ResumeAsync.")]
    private static partial void LogOrphaned(ILogger logger, string executionId, string crewName, int completedTasks, int totalTasks, DateTimeOffset updatedAt);

    [LoggerMessage(EventId = 2002, EventName = "InterruptedExecution", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of crew {CrewName} was interrupted by a shutdown ({CompletedTasks}/{TotalTasks} tasks done, last written {UpdatedAt:O}); resume it with ResumeAsync.")]
    private static partial void LogInterrupted(ILogger logger, string executionId, string crewName, int completedTasks, int totalTasks, DateTimeOffset updatedAt);

    [LoggerMessage(EventId = 2003, EventName = "ExecutionsToResume", Level = LogLevel.Warning,
        Message = "{Orphaned} orphaned and {Interrupted} interrupted executions are waiting to be resumed; Amsha resumes nothing on its own.")]
    private static partial void LogSummary(ILogger logger, int orphaned, int interrupted);

    [LoggerMessage(EventId = 2004, EventName = "StoreUnreadableAtStart", Level = LogLevel.Error,
        Message = "The execution store could not be read at start; orphaned executions are not listed.")]
    private static partial void LogStoreUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2005, EventName = "ExecutionsStopped", Level = LogLevel.Information,
        Message = "Amsha stopped: interactive executions canceled, background executions stored as Interrupted.")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 2006, EventName = "StopTimedOut", Level = LogLevel.Warning,
        Message = "The host's shutdown timeout passed before every background execution stored its record; those keep their last checkpoint and are listed as orphaned at the next start.")]
    private static partial void LogStopTimedOut(ILogger logger);
}
