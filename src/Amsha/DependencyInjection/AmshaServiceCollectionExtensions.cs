using System;
using Amsha;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Amsha in a service collection.</summary>
public static class AmshaServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AmshaOptions"/> are bound from.</summary>
    public const string ConfigurationSectionName = "Amsha";

    /// <summary>
    /// Registers a singleton <see cref="ExecutionSession"/> (and its <see cref="LlmFactory"/>) over
    /// <see cref="AmshaOptions"/> bound from the <c>Amsha</c> section of the app's <see cref="IConfiguration"/>
    /// (when one is registered, as in every generic or web host) and validated on start. Every registered
    /// <see cref="IExecutionObserver"/> observes the session; it logs through the registered
    /// <see cref="ILoggerFactory"/>, keeps background executions in the registered <see cref="IExecutionStore"/>
    /// (a <see cref="FileExecutionStore"/> when none is), takes time from the registered <see cref="TimeProvider"/>, and
    /// hands background executions to the registered <see cref="IExecutionDispatcher"/> when there is one.
    /// Register crews with the generated <c>AddAmshaCrews()</c>.
    /// </summary>
    /// <returns>A builder for chat clients, providers, the store and observers.</returns>
    /// <remarks>Calling it again adds nothing but returns a builder: later configuration adds to the first.</remarks>
    public static AmshaBuilder AddAmsha(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (IsRegistered(services))
        {
            return new AmshaBuilder(services);
        }

        services.AddOptions<AmshaOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (provider.GetService<IConfiguration>() is { } configuration)
                {
                    configuration.GetSection(ConfigurationSectionName).Bind(options);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AmshaOptions>>(static provider =>
            new AmshaOptionsValidator(provider.GetService<IConfiguration>()?.GetSection(ConfigurationSectionName), ConfigurationSectionName));
        return AddSession(services);
    }

    /// <summary>Registers Amsha as <see cref="AddAmsha(IServiceCollection)"/> does, then adjusts the options with <paramref name="configure"/>.</summary>
    public static AmshaBuilder AddAmsha(this IServiceCollection services, Action<AmshaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddAmsha().Configure(configure);
    }

    /// <summary>
    /// Registers Amsha with options bound from <paramref name="section"/> (instead of the app configuration's
    /// <c>Amsha</c> section): <c>Llm:UseCases:&lt;name&gt;</c>, <c>Llm:Resilience</c>, <c>CaptureMessageContent</c>, …
    /// Validation messages name the keys under the section's path.
    /// </summary>
    public static AmshaBuilder AddAmsha(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        if (IsRegistered(services))
        {
            throw new InvalidOperationException("Amsha is already registered in this service collection; bind its configuration section in the first AddAmsha call.");
        }

        services.AddOptions<AmshaOptions>()
            .Configure(options => section.Bind(options))
            .ValidateOnStart();
        var root = section is IConfigurationSection { Path.Length: > 0 } named ? named.Path : ConfigurationSectionName;
        services.AddSingleton<IValidateOptions<AmshaOptions>>(new AmshaOptionsValidator(section, root));
        return AddSession(services);
    }

    private static bool IsRegistered(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ExecutionSession))
            {
                return true;
            }
        }

        return false;
    }

    private static AmshaBuilder AddSession(IServiceCollection services)
    {
        services.TryAddSingleton(static provider =>
        {
            var session = new ExecutionSession(
                provider.GetRequiredService<IOptions<AmshaOptions>>().Value,
                provider.GetService<IExecutionStore>(),
                provider.GetServices<IExecutionObserver>(),
                provider.GetService<ILoggerFactory>(),
                provider.GetService<TimeProvider>())
            {
                Services = provider,
            };
            foreach (var source in provider.GetServices<IDefinitionSource>())
            {
                session.AddDefinitionSource(source);
            }

            // A registered dispatcher (a cluster package's) runs background executions elsewhere.
            if (provider.GetService<IExecutionDispatcher>() is { } dispatcher)
            {
                session.UseDispatcher(dispatcher);
            }

            return session;
        });
        services.TryAddSingleton(static provider => provider.GetRequiredService<ExecutionSession>().Llm);
        return new AmshaBuilder(services);
    }
}
