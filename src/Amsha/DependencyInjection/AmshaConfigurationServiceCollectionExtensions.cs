using System;
using Amsha;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Amsha from configuration.</summary>
public static class AmshaConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Registers Amsha with options bound from <paramref name="section"/> (the <c>Amsha</c> section:
    /// <c>Llm:UseCases:&lt;name&gt;</c>, <c>Llm:Resilience</c>, …), then adjusted by <paramref name="configure"/>
    /// (e.g. to register providers). Everything is validated here, at startup.
    /// </summary>
    /// <exception cref="AmshaConfigurationException">The configuration is invalid; the message names every bad key.</exception>
    public static IServiceCollection AddAmsha(this IServiceCollection services, IConfiguration section, Action<AmshaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var bound = new AmshaOptions();
        AmshaConfiguration.Bind(section, bound);
        configure?.Invoke(bound);
        AmshaConfiguration.Validate(bound, section is IConfigurationSection { Path.Length: > 0 } s ? s.Path : "Amsha");

        // The session is built from the validated options themselves, with the DI observers and logger factory.
        return services.AddAmshaSession(() => bound);
    }
}
