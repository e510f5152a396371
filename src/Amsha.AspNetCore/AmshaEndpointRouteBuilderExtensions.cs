using System;
using System.Text.Json;
using Amsha.AspNetCore;
using Amsha.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Amsha execution endpoints.</summary>
public static class AmshaEndpointRouteBuilderExtensions
{
    /// <summary>The route prefix of the execution endpoints when none is given.</summary>
    public const string DefaultPrefix = "/amsha/api";

    /// <summary>
    /// Maps the execution endpoints under <paramref name="prefix"/>: <c>GET /crews</c>, <c>POST /crews/{crew}/executions</c>,
    /// <c>GET /executions</c>, <c>GET /executions/{id}</c>, <c>POST /executions/{id}/cancel</c>,
    /// <c>POST /executions/{id}/resume</c> and <c>GET /executions/{id}/events</c> (Server-Sent Events). Every endpoint
    /// requires <see cref="AmshaEndpointOptions.Policy"/> (the app's default policy when it is null); start, cancel and
    /// resume also require <see cref="AmshaEndpointOptions.OperatorPolicy"/>.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix, e.g. <c>/amsha/api</c>.</param>
    /// <param name="configure">Sets the authorization policies and the request size limit.</param>
    /// <returns>The group of the endpoints, for further conventions (rate limiting, CORS, more authorization).</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddAmshaEndpoints()</c> was not called.</exception>
    /// <remarks>Map them once per app: the endpoints have fixed names (<c>Amsha.ListCrews</c>, …) for link generation and OpenAPI.</remarks>
    public static RouteGroupBuilder MapAmshaExecutions(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix, Action<AmshaEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);

        // Resolving the hub subscribes it to the session: from now on (app start) it keeps every execution's events.
        var hub = endpoints.ServiceProvider.GetService<ExecutionEventHub>()
            ?? throw new InvalidOperationException(
                "The Amsha endpoints need their services: call builder.Services.AddAmshaEndpoints() before building the app, then app.MapAmshaExecutions().");

        var options = new AmshaEndpointOptions();
        configure?.Invoke(options);
        if (options.MaxRequestBodySize <= 0)
        {
            throw new InvalidOperationException($"AmshaEndpointOptions.MaxRequestBodySize must be positive; it is {options.MaxRequestBodySize}.");
        }

        var normalized = "/" + prefix.Trim().Trim('/');
        var time = options.TimeProvider ?? endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var handlers = new ExecutionEndpoints(hub, options, time, normalized == "/" ? "" : normalized);

        var group = endpoints.MapGroup(normalized).WithTags("Amsha");
        RequirePolicy(group, options.Policy);
        var operatorPolicy = options.OperatorPolicy ?? options.Policy;

        group.MapGet("/crews", handlers.ListCrewsAsync).DescribedBy(EndpointDescriptions.Crews)
            .WithName("Amsha.ListCrews")
            .WithSummary("Lists the crews this app runs by name.")
            .WithDescription("Returns {\"crews\":[{\"name\":\"…\"}]}: the compiled crews of the app and the crews of its run-time definitions.")
            .WithMetadata(Json(StatusCodes.Status200OK));

        RequirePolicy(
            group.MapPost("/crews/{crew}/executions", handlers.StartAsync).DescribedBy(EndpointDescriptions.Start)
                .WithName("Amsha.StartExecution")
                .WithSummary("Starts a background execution of a crew.")
                .WithDescription("The body is the crew's input as JSON. Answers 202 with the execution's summary and its URL in Location; 400 when the input does not fit the crew (the problem's path names the member), 404 for an unknown crew, 413 for a body over the limit, 415 for a body that is not JSON.")
                .WithMetadata(Json(StatusCodes.Status202Accepted))
                .WithMetadata(Problem(StatusCodes.Status400BadRequest), Problem(StatusCodes.Status404NotFound), Problem(StatusCodes.Status413PayloadTooLarge), Problem(StatusCodes.Status415UnsupportedMediaType), Problem(StatusCodes.Status503ServiceUnavailable)),
            operatorPolicy);

        group.MapGet("/executions", handlers.ListExecutionsAsync).DescribedBy(EndpointDescriptions.List)
            .WithName("Amsha.ListExecutions")
            .WithSummary("Lists stored executions, newest first.")
            .WithDescription("Query: crew (a crew name), status (comma-separated: pending, running, waitingForInput, inputExpired, succeeded, failed, canceled, interrupted), skip (default 0), take (1 to 200, default 50). Returns {\"items\":[summary…],\"total\":n,\"skip\":s,\"take\":t}.")
            .WithMetadata(Json(StatusCodes.Status200OK), Problem(StatusCodes.Status400BadRequest));

        group.MapGet("/executions/{id}", handlers.GetExecutionAsync).DescribedBy(EndpointDescriptions.Execution)
            .WithName("Amsha.GetExecution")
            .WithSummary("Gets an execution in detail.")
            .WithDescription("The summary plus tasks, status history, journaled tool calls, pending input requests and (with content capture on) the input.")
            .WithMetadata(Json(StatusCodes.Status200OK), Problem(StatusCodes.Status404NotFound));

        RequirePolicy(
            group.MapPost("/executions/{id}/cancel", handlers.CancelAsync).DescribedBy(EndpointDescriptions.Execution)
                .WithName("Amsha.CancelExecution")
                .WithSummary("Cancels an execution running in this process.")
                .WithDescription("Answers 202 with the summary once cancellation is requested; 404 for an unknown id; 409 when the execution does not run in this process (it ended, or runs in another process).")
                .WithMetadata(Json(StatusCodes.Status202Accepted), Problem(StatusCodes.Status404NotFound), Problem(StatusCodes.Status409Conflict)),
            operatorPolicy);

        RequirePolicy(
            group.MapPost("/executions/{id}/resume", handlers.ResumeAsync).DescribedBy(EndpointDescriptions.Execution)
                .WithName("Amsha.ResumeExecution")
                .WithSummary("Resumes a stored execution from its last checkpoint.")
                .WithDescription("Answers 202 with the summary; 404 for an unknown id; 409 when it has succeeded or already runs in this process.")
                .WithMetadata(Json(StatusCodes.Status202Accepted), Problem(StatusCodes.Status404NotFound), Problem(StatusCodes.Status409Conflict), Problem(StatusCodes.Status503ServiceUnavailable)),
            operatorPolicy);

        group.MapGet("/executions/{id}/events", handlers.StreamEventsAsync).DescribedBy(EndpointDescriptions.Events)
            .WithName("Amsha.ExecutionEvents")
            .WithSummary("Streams an execution's events as Server-Sent Events.")
            .WithDescription("Each event: id (its sequence in the execution), event (its kind, e.g. taskStarted), data (one line of JSON). Reconnect with Last-Event-ID (or ?lastEventId=) to continue after an event without gaps or repeats. Ends after the execution's terminal event. An execution without live events in this process is followed through its stored status (event: status).")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]), Problem(StatusCodes.Status400BadRequest), Problem(StatusCodes.Status404NotFound));

        return group;
    }

    private static void RequirePolicy(IEndpointConventionBuilder builder, string? policy)
    {
        if (policy is null)
        {
            builder.RequireAuthorization();
        }
        else
        {
            builder.RequireAuthorization(policy);
        }
    }

    private static ProducesResponseTypeMetadata Json(int statusCode) => new(statusCode, typeof(JsonElement), ["application/json"]);

    private static ProducesResponseTypeMetadata Problem(int statusCode) => new(statusCode, typeof(ProblemDetails), ["application/problem+json"]);
}
