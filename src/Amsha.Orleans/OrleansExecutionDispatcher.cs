using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace Amsha.Orleans;

/// <summary>
/// Places background executions on an Orleans cluster: each on the grain keyed by its id, which resumes it from the
/// store in its silo's worker session (see <see cref="AmshaWorker"/>). Works in a cluster client and in a silo.
/// Registered by <c>services.AddAmsha().UseOrleans()</c>.
/// </summary>
/// <remarks>
/// Calls that fail for the cluster's sake (a silo lost or shutting down, a rejected message, a timeout) are tried again
/// after a growing delay (<see cref="AmshaOrleansOptions.RetryDelay"/>): a dispatch up to
/// <see cref="AmshaOrleansOptions.DispatchAttempts"/> times, a watch without end, so a handle follows its execution
/// across the loss of the silo that ran it until someone resumes it and it finishes.
/// </remarks>
public sealed partial class OrleansExecutionDispatcher : IExecutionDispatcher
{
    private readonly IGrainFactory _grains;
    private readonly AmshaOrleansOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>A dispatcher over <paramref name="grains"/> (a cluster client's or a silo's grain factory).</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="options">Retry timings; the defaults when null.</param>
    /// <exception cref="ArgumentException">A timing in <paramref name="options"/> is out of range (the message names each).</exception>
    /// <param name="timeProvider">The clock of retry delays; the system clock when null.</param>
    /// <param name="loggerFactory">Where retries are logged; nowhere when null.</param>
    public OrleansExecutionDispatcher(IGrainFactory grains, AmshaOrleansOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
        _options = options ?? new AmshaOrleansOptions();
        if (AmshaOrleansOptionsValidator.Problems(_options) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger("Amsha.Orleans.Dispatcher") ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public async Task DispatchAsync(string executionId, string crewName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        var grain = _grains.GetGrain<IExecutionGrain>(executionId);
        var attempts = Math.Max(1, _options.DispatchAttempts);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await grain.RunAsync(crewName).WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                if (attempt >= attempts)
                {
                    throw new InvalidOperationException($"No silo took execution '{executionId}' of crew '{crewName}' after {attempts} attempts: the silos that hosted its grain were shutting down.");
                }

                LogDeclined(_logger, executionId, attempt);
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < attempts && !cancellationToken.IsCancellationRequested)
            {
                LogRetrying(_logger, "dispatch", executionId, attempt, ex);
            }

            await Task.Delay(_options.DelayBefore(attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task CancelAsync(string executionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        var grain = _grains.GetGrain<IExecutionGrain>(executionId);
        var attempts = Math.Max(1, _options.DispatchAttempts);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grain.CancelAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < attempts && !cancellationToken.IsCancellationRequested)
            {
                LogRetrying(_logger, "cancel", executionId, attempt, ex);
            }

            await Task.Delay(_options.DelayBefore(attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ExecutionReport> WatchAsync(string executionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        var grain = _grains.GetGrain<IExecutionGrain>(executionId);
        var failures = 0;
        while (true)
        {
            var enumerator = grain.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    ExecutionGrainReport report;
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            // A watch ends with a final report; one that stops short lost its activation: watch again.
                            failures++;
                            break;
                        }

                        report = enumerator.Current;
                    }
                    catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
                    {
                        failures++;
                        LogRetrying(_logger, "watch", executionId, failures, ex);
                        break;
                    }

                    failures = 0;
                    yield return report.ToReport();
                    if (report.IsFinal)
                    {
                        yield break;
                    }
                }
            }
            finally
            {
                await DisposeQuietlyAsync(enumerator).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(_options.DelayBefore(failures), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a grain call failed for the cluster's sake (a silo lost or leaving, a message rejected, a timeout), so trying again may succeed.</summary>
    internal static bool IsTransient(Exception exception) =>
        exception is OrleansException or EnumerationAbortedException or TimeoutException
        || (exception is AggregateException { InnerException: { } inner } && IsTransient(inner));

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ExecutionGrainReport> enumerator)
    {
        try
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The grain's side of a lost watch is gone with its silo; nothing to release.
        }
    }

    [LoggerMessage(EventId = 3201, EventName = "GrainCallRetrying", Level = LogLevel.Information,
        Message = "The {Call} of execution {ExecutionId} failed on the cluster (attempt {Attempt}); trying again.")]
    private static partial void LogRetrying(ILogger logger, string call, string executionId, int attempt, Exception exception);

    [LoggerMessage(EventId = 3202, EventName = "DispatchDeclined", Level = LogLevel.Information,
        Message = "The silo of execution {ExecutionId}'s grain is shutting down (attempt {Attempt}); placing it again.")]
    private static partial void LogDeclined(ILogger logger, string executionId, int attempt);
}
