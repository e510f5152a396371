using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amsha.Samples.Web;

/// <summary>Starts one background execution of each crew once the app runs, so the dashboard has something to show.</summary>
internal sealed partial class DemoExecutions(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<DemoExecutions> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = StartDemosAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task StartDemosAsync(CancellationToken stopping)
    {
        try
        {
            var briefing = await services.GetRequiredService<BriefingCrew>().StartBackgroundAsync(new BriefingRequest("heat pumps in city housing"), stopping);
            var support = await services.GetRequiredService<SupportReplyCrew>().StartBackgroundAsync(new SupportTicket("Ada", "My invoice shows the wrong VAT number."), stopping);
            var release = await services.GetRequiredService<ReleaseNotesCrew>().StartBackgroundAsync(new ReleaseRequest("Amsha", "0.1.0"), stopping);
            LogStarted(logger, briefing.ExecutionId, support.ExecutionId, release.ExecutionId);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // The app stopped before the demos started.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started demo executions {Briefing}, {Support} and {Release}: open /amsha/ to watch them.")]
    private static partial void LogStarted(ILogger logger, string briefing, string support, string release);
}
