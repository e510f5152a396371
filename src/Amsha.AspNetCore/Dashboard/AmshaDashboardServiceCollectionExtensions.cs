using System;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of the Amsha executions dashboard.</summary>
public static class AmshaDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapAmshaDashboard</c> needs: the executions API's services (<c>AddAmshaEndpoints</c>) and
    /// antiforgery, which protects the dashboard's cancel and resume actions. Register Amsha itself with
    /// <c>AddAmsha()</c> and authentication and authorization as the app does.
    /// </summary>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddAmshaDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAmshaEndpoints();
        services.AddAntiforgery();
        return services;
    }
}
