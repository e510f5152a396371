using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amsha.Orleans;

/// <summary>
/// The silo's worker: the <see cref="ExecutionSession"/> that runs the executions placed on this silo. It shares the
/// app's options (models, resilience), store, observers, logging, clock, definition sources and tool sources, but
/// dispatches nothing: what the cluster hands it runs here. Registered by <c>siloBuilder.AddAmshaWorker()</c>; when the
/// silo shuts down gracefully its executions stop and are stored <see cref="ExecutionStatus.Interrupted"/>.
/// </summary>
public sealed partial class AmshaWorker : IAsyncDisposable
{
    private readonly ILogger _logger;

    internal AmshaWorker(IServiceProvider services)
    {
        var app = services.GetService<ExecutionSession>()
            ?? throw new InvalidOperationException("Amsha is not registered in the silo's services: call services.AddAmsha() (with the store the cluster shares) beside siloBuilder.AddAmshaWorker().");
        var loggerFactory = services.GetService<ILoggerFactory>();
        _logger = loggerFactory?.CreateLogger("Amsha.Orleans.Worker") ?? NullLogger.Instance;
        Session = new ExecutionSession(app.Options, app.Store, services.GetServices<IExecutionObserver>(), loggerFactory, services.GetService<TimeProvider>())
        {
            // Toolboxes and named tool sources come from the silo's container, as they do for AddAmsha's session.
            Services = services,
        };

        // The records of the executions running here name this silo and carry a lease it renews: when the silo dies,
        // its executions are orphaned once the lease expires (ExecutionSession.ListOrphanedExecutionsAsync).
        if (services.GetService<global::Orleans.Runtime.ILocalSiloDetails>() is { } silo)
        {
            var options = services.GetService<Microsoft.Extensions.Options.IOptions<AmshaOrleansOptions>>()?.Value ?? new AmshaOrleansOptions();
            Session.UseOwner(silo.SiloAddress.ToString(), options.LeaseDuration);
        }

        foreach (var source in services.GetServices<IDefinitionSource>())
        {
            Session.AddDefinitionSource(source);
        }
    }

    /// <summary>The session that runs this silo's executions (subscribe to it to see their events here).</summary>
    public ExecutionSession Session { get; }

    /// <summary>
    /// Stops the executions running on this silo (<see cref="ExecutionSession.StopAsync"/>): each is stored
    /// <see cref="ExecutionStatus.Interrupted"/> with every finished task, and the silo takes no more. The silo calls it
    /// when it shuts down.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the silo's shutdown timeout); the executions are stopped regardless.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Session.StopAsync(cancellationToken).ConfigureAwait(false);
            await Session.FlushObserversAsync(cancellationToken).ConfigureAwait(false);
            LogStopped(_logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopTimedOut(_logger);
        }
    }

    /// <summary>Delivers the worker session's buffered events to the observers, then stops them.</summary>
    public ValueTask DisposeAsync() => Session.DisposeAsync();

    [LoggerMessage(EventId = 3101, EventName = "WorkerStopped", Level = LogLevel.Information,
        Message = "Amsha worker stopped: the executions that ran on this silo are stored Interrupted; resume them from any client or silo.")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 3102, EventName = "WorkerStopTimedOut", Level = LogLevel.Warning,
        Message = "The silo's shutdown timeout passed before every execution of its Amsha worker stored its record; those keep their last checkpoint.")]
    private static partial void LogStopTimedOut(ILogger logger);
}
