using System;
using System.Linq;
using Amsha;
using Amsha.AspNetCore;
using Amsha.AspNetCore.Endpoints;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the Amsha HTTP endpoints need.</summary>
public static class AmshaEndpointsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services of the execution endpoints (<c>app.MapAmshaExecutions()</c>): Amsha itself
    /// (<c>services.AddAmsha()</c>, when it is not registered yet), the in-memory event hub that keeps the session's
    /// events for Server-Sent Event readers (a singleton, subscribed to the <see cref="ExecutionSession"/> once the
    /// endpoints are mapped), and ASP.NET Core's problem details.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>
    /// Configure Amsha (chat clients, store, <c>CaptureMessageContent</c>) with <c>services.AddAmsha()</c> before or after
    /// this call; <c>AddAmsha(IConfiguration)</c>, which must be the first registration of Amsha, goes before it.
    /// Authentication and authorization are the app's: every endpoint requires an authorization policy.
    /// </remarks>
    public static IServiceCollection AddAmshaEndpoints(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAmsha();
        // Once: a second call must not bind the configuration again over limits set in code by the first.
        if (services.Any(static d => d.ServiceType == typeof(ExecutionEventHub)))
        {
            return services;
        }

        // Configuration first, so limits set in code (AddAmshaEndpoints(options => ...)) win over it.
        services.AddOptions<AmshaEventStreamOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (EventStreamSection(provider) is { } section)
                {
                    section.Bind(options);
                }
            });
        services.AddSingleton<IValidateOptions<AmshaEventStreamOptions>>(static provider => new EventStreamOptionsValidator(EventStreamSection(provider)));
        services.AddSingleton(static provider =>
        {
            var limits = provider.GetRequiredService<IOptions<AmshaEventStreamOptions>>().Value;
            return new ExecutionEventHub(provider.GetRequiredService<ExecutionSession>(), limits.MaxEventsPerExecution, limits.MaxExecutions);
        });
        services.AddProblemDetails();
        return services;
    }

    // The app's Amsha:EventStreams section, when it has one.
    private static IConfigurationSection? EventStreamSection(IServiceProvider provider) =>
        provider.GetService<IConfiguration>()?.GetSection(AmshaEventStreamOptions.ConfigurationSectionName) is { } section && section.Exists() ? section : null;

    /// <summary>
    /// Registers the services of the execution endpoints, as <see cref="AddAmshaEndpoints(IServiceCollection)"/> does,
    /// and sets how many events the endpoints keep in memory for Server-Sent Event readers (over what the
    /// <c>Amsha:EventStreams</c> configuration section sets).
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configureEventStreams">Sets the limits of the event hub (events per execution, executions kept).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>An invalid limit (less than 1) is reported when the endpoints are mapped, naming the option.</remarks>
    public static IServiceCollection AddAmshaEndpoints(this IServiceCollection services, Action<AmshaEventStreamOptions> configureEventStreams)
    {
        ArgumentNullException.ThrowIfNull(configureEventStreams);
        services.AddAmshaEndpoints();
        services.Configure(configureEventStreams);
        return services;
    }
}
