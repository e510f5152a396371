using System;
using Amsha.AspNetCore;
using Amsha.AspNetCore.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Amsha executions dashboard.</summary>
public static class AmshaDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the live executions dashboard at <paramref name="prefix"/>: a page (served from assets embedded in this
    /// assembly, under a strict Content-Security-Policy) that lists executions, follows one live through the
    /// executions API's event stream, and cancels or resumes executions. It calls the API mapped by
    /// <c>MapAmshaExecutions</c> at <see cref="AmshaDashboardOptions.ApiPrefix"/> on the same origin.
    /// </summary>
    /// <remarks>
    /// Routes (all require <see cref="AmshaDashboardOptions.Policy"/>): <c>GET {prefix}/</c> the page,
    /// <c>GET {prefix}/assets/{file}</c>, <c>GET {prefix}/session</c> (the user, whether they may operate, an
    /// antiforgery token), <c>POST {prefix}/executions/{id}/cancel</c> and <c>/resume</c> (also
    /// <see cref="AmshaDashboardOptions.OperatorPolicy"/> and a valid antiforgery token). Register the services with
    /// <c>services.AddAmshaDashboard()</c>.
    /// </remarks>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The dashboard's path, e.g. <c>/amsha</c>.</param>
    /// <param name="configure">Sets the API path, the policies and the title.</param>
    /// <returns>The dashboard's route group, to add conventions to (rate limiting, CORS, host filters…).</returns>
    public static RouteGroupBuilder MapAmshaDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/amsha", Action<AmshaDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.StartsWith('/'))
        {
            throw new ArgumentException($"The dashboard prefix must start with '/': '{prefix}'.", nameof(prefix));
        }

        var options = new AmshaDashboardOptions();
        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.ApiPrefix) || !options.ApiPrefix.StartsWith('/'))
        {
            throw new ArgumentException($"AmshaDashboardOptions.ApiPrefix must be a path starting with '/' (the prefix given to MapAmshaExecutions): '{options.ApiPrefix}'.", nameof(configure));
        }

        if (string.IsNullOrWhiteSpace(options.Title))
        {
            throw new ArgumentException("AmshaDashboardOptions.Title must not be empty.", nameof(configure));
        }

        var handlers = new DashboardEndpoints(options);
        var group = endpoints.MapGroup(prefix.TrimEnd('/'));
        if (options.Policy is null)
        {
            group.RequireAuthorization();
        }
        else
        {
            group.RequireAuthorization(options.Policy);
        }

        group.ExcludeFromDescription();
        group.MapGet("/", handlers.PageAsync).WithDisplayName("Amsha dashboard page");
        group.MapGet("/assets/{file}", handlers.AssetAsync).WithDisplayName("Amsha dashboard asset");
        group.MapGet("/session", handlers.SessionAsync).WithDisplayName("Amsha dashboard session");
        var cancel = group.MapPost("/executions/{id}/cancel", handlers.CancelAsync).WithDisplayName("Amsha dashboard cancel");
        var resume = group.MapPost("/executions/{id}/resume", handlers.ResumeAsync).WithDisplayName("Amsha dashboard resume");
        if (options.OperatorPolicy is not null)
        {
            cancel.RequireAuthorization(options.OperatorPolicy);
            resume.RequireAuthorization(options.OperatorPolicy);
        }

        return group;
    }
}
