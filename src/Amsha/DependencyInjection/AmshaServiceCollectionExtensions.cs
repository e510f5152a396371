using System;
using Amsha;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Amsha in a service collection.</summary>
public static class AmshaServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ExecutionSession"/> (and its <see cref="LlmFactory"/>).
    /// Every registered <see cref="IExecutionObserver"/> observes it, and it logs through the
    /// registered <see cref="ILoggerFactory"/>, if any.
    /// Register crews with the generated <c>AddAmshaCrews()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options, e.g. routes use cases to chat clients.</param>
    public static IServiceCollection AddAmsha(this IServiceCollection services, Action<AmshaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddAmshaSession(() =>
        {
            var options = new AmshaOptions();
            configure?.Invoke(options);
            return options;
        });
    }

    /// <summary>The one registration of the session, whichever overload built the options.</summary>
    internal static IServiceCollection AddAmshaSession(this IServiceCollection services, Func<AmshaOptions> options)
    {
        services.TryAddSingleton(sp => new ExecutionSession(options(), sp.GetServices<IExecutionObserver>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ExecutionSession>().Llm);
        return services;
    }
}
