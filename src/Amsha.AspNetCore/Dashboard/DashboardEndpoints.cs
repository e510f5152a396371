using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Amsha.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Amsha.AspNetCore.Dashboard;

/// <summary>The dashboard's request handlers (plain <see cref="RequestDelegate"/>s: no reflection, trimming- and AOT-safe).</summary>
internal sealed class DashboardEndpoints(AmshaDashboardOptions options)
{
    /// <summary>The page's Content-Security-Policy: nothing inline, nothing from another origin.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private const string ImmutableCache = "private, max-age=31536000, immutable";
    private const string RevalidateCache = "private, no-cache";

    /// <summary><c>GET {prefix}/</c>: the page. <c>{prefix}</c> without the slash redirects, so the page's relative links resolve under it.</summary>
    public Task PageAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.HasValue || !request.Path.Value!.EndsWith('/'))
        {
            context.Response.Redirect(request.PathBase + request.Path + "/" + request.QueryString);
            return Task.CompletedTask;
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        return SendAsync(context, DashboardAssets.Index, RevalidateCache);
    }

    /// <summary><c>GET {prefix}/assets/{file}</c>: a script, style sheet or icon; cached for a year when asked for by its current version.</summary>
    public Task AssetAsync(HttpContext context)
    {
        var asset = context.Request.RouteValues["file"] is string file ? DashboardAssets.Find(file) : null;
        if (asset is null)
        {
            SecurityHeaders(context.Response);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var versioned = context.Request.Query["v"] is { Count: 1 } v && string.Equals(v[0], asset.Version, StringComparison.Ordinal);
        return SendAsync(context, asset, versioned ? ImmutableCache : RevalidateCache);
    }

    /// <summary><c>GET {prefix}/session</c>: what the page needs to know about its user and the API.</summary>
    public async Task SessionAsync(HttpContext context)
    {
        var canOperate = await CanOperateAsync(context).ConfigureAwait(false);
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var response = context.Response;
        SecurityHeaders(response);
        response.Headers.CacheControl = "no-store";
        await WriteJsonAsync(response, StatusCodes.Status200OK, "application/json; charset=utf-8", writer =>
        {
            writer.WriteString("apiPrefix", context.Request.PathBase.Add(new PathString(options.ApiPrefix.TrimEnd('/'))).Value);
            writer.WriteString("title", options.Title);
            writer.WriteString("user", context.User.Identity?.Name);
            writer.WriteBoolean("canOperate", canOperate);
            writer.WriteStartObject("antiforgery");
            writer.WriteString("headerName", tokens.HeaderName);
            writer.WriteString("token", tokens.RequestToken);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary><c>POST {prefix}/executions/{id}/cancel</c>: cancels an execution running in this process.</summary>
    public async Task CancelAsync(HttpContext context)
    {
        if (!await ValidateAntiforgeryAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var id = (string)context.Request.RouteValues["id"]!;
        var session = context.RequestServices.GetRequiredService<ExecutionSession>();
        if (session.FindRunning(id) is { } running)
        {
            running.Cancel();
            await WriteAcceptedAsync(context, id, running.Status).ConfigureAwait(false);
            return;
        }

        var record = await FindRecordAsync(context, session, id).ConfigureAwait(false);
        if (record is not null)
        {
            await WriteProblemAsync(context, StatusCodes.Status409Conflict, "The execution is not running in this process.",
                $"Execution '{id}' is {ExecutionJson.StatusName(record.Status)}: only an execution that is running in this process can be canceled here.").ConfigureAwait(false);
        }
    }

    /// <summary><c>POST {prefix}/executions/{id}/resume</c>: resumes a failed, canceled, interrupted or expired background execution.</summary>
    public async Task ResumeAsync(HttpContext context)
    {
        if (!await ValidateAntiforgeryAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var id = (string)context.Request.RouteValues["id"]!;
        var session = context.RequestServices.GetRequiredService<ExecutionSession>();
        if (session.FindRunning(id) is not null)
        {
            await WriteProblemAsync(context, StatusCodes.Status409Conflict, "The execution is already running.", $"Execution '{id}' is running in this process.").ConfigureAwait(false);
            return;
        }

        var record = await FindRecordAsync(context, session, id).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        if (record.Status is not (ExecutionStatus.Failed or ExecutionStatus.Canceled or ExecutionStatus.Interrupted or ExecutionStatus.InputExpired))
        {
            await WriteProblemAsync(context, StatusCodes.Status409Conflict, "The execution cannot be resumed.",
                $"Execution '{id}' is {ExecutionJson.StatusName(record.Status)}: only a failed, canceled, interrupted or expired execution is resumed from the dashboard.").ConfigureAwait(false);
            return;
        }

        try
        {
            var handle = await session.ResumeAsync(id, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            await WriteAcceptedAsync(context, id, handle.Status).ConfigureAwait(false);
        }
        catch (ExecutionNotFoundException)
        {
            await WriteProblemAsync(context, StatusCodes.Status404NotFound, "Unknown execution.", $"There is no execution '{id}'.").ConfigureAwait(false);
        }
        catch (Exception e) when (e is ExecutionException or ExecutionStoreCorruptedException or ArgumentException)
        {
            // Another writer resumed it, its crew or definitions changed, its record is damaged: nothing runs.
            await WriteProblemAsync(context, StatusCodes.Status409Conflict, "The execution cannot be resumed.", e.Message).ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (session.IsStopping)
        {
            await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "The application is stopping.", e.Message).ConfigureAwait(false);
        }
    }

    private async Task<bool> CanOperateAsync(HttpContext context)
    {
        if (options.OperatorPolicy is null)
        {
            return true;
        }

        // The HttpContext is the resource, as for endpoint authorization: a policy that inspects the request answers alike.
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(context.User, context, options.OperatorPolicy).ConfigureAwait(false)).Succeeded;
    }

    private static async Task<bool> ValidateAntiforgeryAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Missing or invalid antiforgery token.",
                "Send the token of GET session in the header it names.").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The stored record of <paramref name="id"/>; null after writing a 404 (unknown) or 409 (damaged) response.</summary>
    private static async Task<ExecutionRecord?> FindRecordAsync(HttpContext context, ExecutionSession session, string id)
    {
        try
        {
            return await session.GetExecutionAsync(id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ExecutionNotFoundException)
        {
            await WriteProblemAsync(context, StatusCodes.Status404NotFound, "Unknown execution.", $"There is no execution '{id}'.").ConfigureAwait(false);
        }
        catch (ExecutionStoreCorruptedException e)
        {
            await WriteProblemAsync(context, StatusCodes.Status409Conflict, "The execution's record is damaged.", e.Message).ConfigureAwait(false);
        }

        return null;
    }

    private static Task WriteAcceptedAsync(HttpContext context, string id, ExecutionStatus status)
    {
        SecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return WriteJsonAsync(context.Response, StatusCodes.Status202Accepted, "application/json; charset=utf-8", writer =>
        {
            writer.WriteString("id", id);
            writer.WriteString("status", ExecutionJson.StatusName(status)); // as the API writes it: "canceled", "running", …
        });
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        SecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return WriteJsonAsync(context.Response, status, "application/problem+json; charset=utf-8", writer =>
        {
            writer.WriteString("type", "https://tools.ietf.org/html/rfc9110#section-15." + (status >= 500 ? "6." + (status - 499) : "5." + (status - 399)));
            writer.WriteString("title", title);
            writer.WriteNumber("status", status);
            writer.WriteString("detail", detail);
        });
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, string contentType, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static Task SendAsync(HttpContext context, DashboardAsset asset, string cacheControl)
    {
        var response = context.Response;
        SecurityHeaders(response);
        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = cacheControl;
        if (Matches(context.Request.Headers.IfNoneMatch, asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    /// <summary>Whether an If-None-Match header names <paramref name="etag"/> (weak comparison, as RFC 9110 asks for this header).</summary>
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
