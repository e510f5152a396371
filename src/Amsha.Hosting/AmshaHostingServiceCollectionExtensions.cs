using System;
using System.Collections.Generic;
using Amsha;
using Amsha.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Ties Amsha to the generic host: shutdown, start-up log, health checks, the opt-in resumption of orphans.</summary>
public static class AmshaHostingServiceCollectionExtensions
{
    /// <summary>The health check of the execution store.</summary>
    public const string StoreHealthCheckName = "amsha-store";

    /// <summary>The prefix of each use case's circuit health check (<c>amsha-llm-default</c>, …).</summary>
    public const string UseCaseHealthCheckPrefix = "amsha-llm-";

    /// <summary>
    /// Runs the session with the host: when the host stops, interactive executions are canceled and background
    /// executions are stored <see cref="ExecutionStatus.Interrupted"/> (never Failed), resumable, within
    /// <c>HostOptions.ShutdownTimeout</c>; when it starts, the stored executions nobody runs (orphaned, interrupted)
    /// are logged and none is resumed.
    /// </summary>
    /// <returns>The builder.</returns>
    public static AmshaBuilder AddHostedLifetime(this AmshaBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AmshaHostedLifetime>());
        return builder;
    }

    /// <summary>
    /// Opts in to resuming stored executions that nobody runs: every <see cref="OrphanResumptionOptions.Interval"/>,
    /// the orphaned executions (<see cref="ExecutionSession.ListOrphanedExecutionsAsync"/>: their owner's lease expired)
    /// of the crews chosen, and the interrupted ones when <see cref="OrphanResumptionOptions.IncludeInterrupted"/> says
    /// so, are resumed through the session (on the cluster when it dispatches, e.g. <c>UseOrleans</c>). Amsha resumes
    /// nothing unless an app asks here: a resume runs a half-done task's model and tool calls again, so it is the app's
    /// decision. Orphans exist only where executions are owned (<see cref="ExecutionSession.UseOwner"/>, as Orleans
    /// workers are).
    /// </summary>
    /// <param name="builder">The builder of <c>services.AddAmsha()</c>.</param>
    /// <param name="configure">The policy: how often, which crews, interrupted executions too.</param>
    /// <returns>The builder.</returns>
    public static AmshaBuilder ResumeOrphans(this AmshaBuilder builder, Action<OrphanResumptionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OrphanResumptionOptions>()
            .Validate(static o => o.Interval >= TimeSpan.FromSeconds(1) && o.Interval <= TimerLimits.LongestWait, "OrphanResumptionOptions.Interval must be from a second to 49.7 days (one timer).")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OrphanResumption>());
        return builder;
    }

    /// <summary>
    /// Adds Amsha's health checks: <c>amsha-store</c> (the execution store answers a read; <paramref name="storeFailureStatus"/>
    /// when it does not) and one <c>amsha-llm-&lt;use case&gt;</c> per use case (its circuit breaker: healthy closed, degraded
    /// half-open, <paramref name="circuitFailureStatus"/> open).
    /// </summary>
    /// <param name="builder">The health checks builder of <c>services.AddHealthChecks()</c>.</param>
    /// <param name="storeFailureStatus">The store's status when it cannot be read; Unhealthy when null.</param>
    /// <param name="circuitFailureStatus">A use case's status while its circuit is open; Degraded when null (the app still serves other work).</param>
    /// <param name="tags">Tags of every check, to filter them in <c>MapHealthChecks</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddAmsha(this IHealthChecksBuilder builder, HealthStatus? storeFailureStatus = null, HealthStatus? circuitFailureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var tagList = tags is null ? new[] { "amsha" } : new List<string>(tags).ToArray();
        builder.Services.AddAmsha();
        builder.Add(new HealthCheckRegistration(
            StoreHealthCheckName,
            static provider => new ExecutionStoreHealthCheck(provider.GetRequiredService<ExecutionSession>()),
            storeFailureStatus ?? HealthStatus.Unhealthy,
            tagList));

        // Use cases are known once the options are: registered when the health check service reads its options.
        builder.Services.AddOptions<HealthCheckServiceOptions>().Configure<ExecutionSession>((options, session) =>
        {
            foreach (var useCase in session.Llm.UseCaseNames)
            {
                options.Registrations.Add(new HealthCheckRegistration(
                    UseCaseHealthCheckPrefix + useCase,
                    _ => new UseCaseCircuitHealthCheck(session, useCase),
                    circuitFailureStatus ?? HealthStatus.Degraded,
                    tagList));
            }
        });
        return builder;
    }
}
