using System;
using Amsha;
using Amsha.Orleans;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs Amsha's background executions on an Orleans cluster.</summary>
public static class AmshaOrleansExtensions
{
    /// <summary>
    /// Places the session's background executions on the Orleans cluster: <c>StartBackground[Async]</c> and
    /// <c>Resume[Async]</c> store or read the record here and hand the execution to the grain keyed by its id, which runs
    /// it on a silo (see <c>AddAmshaWorker</c>); handles follow it there. Use it in a cluster client (with
    /// <c>UseOrleansClient</c>) and in silos that also start executions. Interactive executions, and background ones
    /// with their own <see cref="ExecutionOptions.Store"/>, still run here.
    /// </summary>
    /// <param name="builder">The builder of <c>services.AddAmsha()</c>.</param>
    /// <param name="configure">Adjusts the retry timings.</param>
    /// <returns>The builder.</returns>
    public static AmshaBuilder UseOrleans(this AmshaBuilder builder, Action<AmshaOrleansOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddShared(builder.Services, configure);
        builder.Services.TryAddSingleton<IExecutionDispatcher>(static provider => new OrleansExecutionDispatcher(
            provider.GetRequiredService<IGrainFactory>(),
            provider.GetRequiredService<IOptions<AmshaOrleansOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        return builder;
    }

    /// <summary>
    /// Makes this silo run executions: it hosts their grains and an <see cref="AmshaWorker"/>, a session of its own over
    /// the app's Amsha registration (<c>services.AddAmsha()</c>, required: its store must be the one the whole cluster
    /// shares). When the silo shuts down gracefully, the executions running on it are stored
    /// <see cref="ExecutionStatus.Interrupted"/>; nothing resumes them on its own: a client resumes them, and they run
    /// on the remaining silos.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Adjusts how often a grain reads the store for an execution that runs nowhere.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddAmshaWorker(this ISiloBuilder builder, Action<AmshaOrleansOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddShared(builder.Services, configure);
        builder.Services.TryAddSingleton(static provider => new AmshaWorker(provider));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, AmshaWorkerLifecycle>());
        return builder;
    }

    private static void AddShared(IServiceCollection services, Action<AmshaOrleansOptions>? configure)
    {
        services.AddOptions<AmshaOrleansOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AmshaOrleansOptions>, AmshaOrleansOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // The grain, its interface and its report type, wherever the app's own assemblies are scanned from.
        services.AddSerializer(serializer => serializer.AddAssembly(typeof(IExecutionGrain).Assembly));
    }
}
