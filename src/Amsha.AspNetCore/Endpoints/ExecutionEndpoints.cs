using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Amsha.AspNetCore.Endpoints;

/// <summary>The request handlers of the execution endpoints (plain <see cref="RequestDelegate"/>s: no reflection-based binding).</summary>
internal sealed partial class ExecutionEndpoints
{
    /// <summary>The most executions one list request returns.</summary>
    public const int MaxTake = 200;

    /// <summary>Executions a list request returns when it does not say.</summary>
    public const int DefaultTake = 50;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly ExecutionStatus[] s_statuses =
    [
        ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.WaitingForInput, ExecutionStatus.InputExpired,
        ExecutionStatus.Succeeded, ExecutionStatus.Failed, ExecutionStatus.Canceled, ExecutionStatus.Interrupted,
    ];

    private readonly ExecutionEventHub _hub;
    private readonly AmshaEndpointOptions _options;
    private readonly TimeProvider _time;
    private readonly string _prefix;

    public ExecutionEndpoints(ExecutionEventHub hub, AmshaEndpointOptions options, TimeProvider time, string prefix)
    {
        _hub = hub;
        _options = options;
        _time = time;
        _prefix = prefix;
    }

    private ExecutionSession Session => _hub.Session;

    /// <summary><c>GET /crews</c>: the crews the session runs by name.</summary>
    public async Task ListCrewsAsync(HttpContext context)
    {
        var crews = await Session.ListCrewsAsync(context.RequestAborted).ConfigureAwait(false);
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("crews");
            foreach (var crew in crews)
            {
                writer.WriteStartObject();
                writer.WriteString("name", crew);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary><c>POST /crews/{crew}/executions</c>: starts a background execution with the body as the crew's input.</summary>
    public async Task StartAsync(HttpContext context)
    {
        var crew = RouteValue(context, "crew");
        var request = context.Request;
        var hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!IsJson(request.ContentType) && (request.ContentType is not null || hasBody))
        {
            await HttpJson.WriteProblemAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"The request body must be the crew's input as JSON, with Content-Type application/json (UTF-8); it was '{request.ContentType ?? "none"}'.").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body.TooLarge)
        {
            await HttpJson.WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The request body is larger than the limit of {_options.MaxRequestBodySize.ToString(CultureInfo.InvariantCulture)} bytes.").ConfigureAwait(false);
            return;
        }

        if (body.Error is { } error)
        {
            await HttpJson.WriteProblemAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (!await IsCrewAsync(crew, context.RequestAborted).ConfigureAwait(false))
        {
            await CrewNotFoundAsync(context, crew).ConfigureAwait(false);
            return;
        }

        ExecutionHandle handle;
        try
        {
            handle = await Session.StartBackgroundAsync(crew, body.Json, null, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException ex) when (ex.ParamName == "crewName")
        {
            await CrewNotFoundAsync(context, crew).ConfigureAwait(false);
            return;
        }
        catch (ArgumentException ex)
        {
            await InvalidInputAsync(context, ex).ConfigureAwait(false);
            return;
        }
        catch (InvalidOperationException) when (Session.IsStopping)
        {
            await StoppingAsync(context).ConfigureAwait(false);
            return;
        }
        catch (ExecutionException ex)
        {
            await HttpJson.WriteProblemAsync(context, ex.Recoverable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
                $"Crew '{crew}' could not start: its execution could not be stored ({ex.GetType().Name}).").ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = ExecutionLocation(context, handle.ExecutionId);
        await WriteSummaryAsync(context, StatusCodes.Status202Accepted, handle.ExecutionId).ConfigureAwait(false);
    }

    /// <summary><c>GET /executions</c>: stored executions, newest first, filtered and paged.</summary>
    public async Task ListExecutionsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var crew = query["crew"].ToString();
        HashSet<ExecutionStatus>? statuses = null;
        foreach (var value in query["status"])
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryParseStatus(part, out var status))
                {
                    await HttpJson.WriteProblemAsync(context, StatusCodes.Status400BadRequest,
                        $"Query parameter 'status' has the unknown status '{part}'; use a comma-separated list of {string.Join(", ", Array.ConvertAll(s_statuses, ExecutionJson.StatusName))}.",
                        writer => writer.WriteString("parameter", "status")).ConfigureAwait(false);
                    return;
                }

                (statuses ??= new HashSet<ExecutionStatus>()).Add(status);
            }
        }

        if (!TryParseInt(query["skip"], 0, 0, int.MaxValue, out var skip))
        {
            await InvalidParameterAsync(context, "skip", "a whole number of 0 or more").ConfigureAwait(false);
            return;
        }

        if (!TryParseInt(query["take"], DefaultTake, 1, MaxTake, out var take))
        {
            await InvalidParameterAsync(context, "take", $"a whole number from 1 to {MaxTake.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            return;
        }

        // The store filters, orders (newest first) and pages; database stores with an indexed query.
        var page = await Session.QueryExecutionsAsync(
            new ExecutionQuery { CrewName = crew.Length == 0 ? null : crew, Statuses = statuses, Skip = skip, Take = take },
            context.RequestAborted).ConfigureAwait(false);

        var content = Session.Options.CaptureMessageContent;
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var record in page.Items)
            {
                ExecutionJson.WriteSummary(writer, record, ViewOf(record, content, detail: false));
            }

            writer.WriteEndArray();
            writer.WriteNumber("total", page.Total);
            writer.WriteNumber("skip", skip);
            writer.WriteNumber("take", take);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary><c>GET /executions/{id}</c>: one execution in detail.</summary>
    public async Task GetExecutionAsync(HttpContext context)
    {
        var id = RouteValue(context, "id");
        var record = await ReadRecordAsync(context, id).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        var view = ViewOf(record, Session.Options.CaptureMessageContent, detail: true);
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, writer => ExecutionJson.WriteDetail(writer, record, view)).ConfigureAwait(false);
    }

    /// <summary><c>POST /executions/{id}/cancel</c>: cancels an execution running in this process.</summary>
    public async Task CancelAsync(HttpContext context)
    {
        var id = RouteValue(context, "id");
        var handle = Session.FindRunning(id);
        if (handle is null)
        {
            var record = await ReadRecordAsync(context, id).ConfigureAwait(false);
            if (record is not null)
            {
                await HttpJson.WriteProblemAsync(context, StatusCodes.Status409Conflict,
                    $"Execution '{id}' is not running in this process (its stored status is {ExecutionJson.StatusName(record.Status)}): only an execution running here can be canceled.",
                    writer => writer.WriteString("executionStatus", ExecutionJson.StatusName(record.Status))).ConfigureAwait(false);
            }

            return;
        }

        handle.Cancel();
        await WriteSummaryAsync(context, StatusCodes.Status202Accepted, id).ConfigureAwait(false);
    }

    /// <summary><c>POST /executions/{id}/resume</c>: continues a stored execution from its last checkpoint.</summary>
    public async Task ResumeAsync(HttpContext context)
    {
        var id = RouteValue(context, "id");
        var record = await ReadRecordAsync(context, id).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        if (record.Status == ExecutionStatus.Succeeded)
        {
            await ConflictAsync(context, $"Execution '{id}' has already succeeded; there is nothing to resume.", record.Status).ConfigureAwait(false);
            return;
        }

        if (Session.FindRunning(id) is not null)
        {
            await ConflictAsync(context, $"Execution '{id}' is already running in this process.", ExecutionStatus.Running).ConfigureAwait(false);
            return;
        }

        try
        {
            await Session.ResumeAsync(id, null, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ExecutionNotFoundException)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }
        catch (ExecutionDefinitionChangedException ex)
        {
            await ConflictAsync(context, $"Execution '{id}' cannot be resumed: its crew's definitions changed ({ex.Message}).", record.Status).ConfigureAwait(false);
            return;
        }
        catch (ArgumentException)
        {
            await ConflictAsync(context, $"Execution '{id}' cannot be resumed: this app has no crew named '{record.CrewName}' any more.", record.Status).ConfigureAwait(false);
            return;
        }
        catch (InvalidOperationException) when (Session.IsStopping)
        {
            await StoppingAsync(context).ConfigureAwait(false);
            return;
        }
        catch (ExecutionStoreCorruptedException)
        {
            await DamagedAsync(context, id).ConfigureAwait(false);
            return;
        }
        catch (ExecutionException ex) when (!ex.Recoverable)
        {
            await ConflictAsync(context, $"Execution '{id}' cannot be resumed ({ex.GetType().Name}).", record.Status).ConfigureAwait(false);
            return;
        }
        catch (ExecutionException ex)
        {
            await HttpJson.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Execution '{id}' could not be resumed now ({ex.GetType().Name}); try again later.").ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = ExecutionLocation(context, id);
        await WriteSummaryAsync(context, StatusCodes.Status202Accepted, id).ConfigureAwait(false);
    }

    // ----- helpers -----

    private async Task WriteSummaryAsync(HttpContext context, int statusCode, string id)
    {
        var record = await ReadRecordAsync(context, id).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        var view = ViewOf(record, Session.Options.CaptureMessageContent, detail: false);
        await HttpJson.WriteAsync(context, statusCode, writer => ExecutionJson.WriteSummary(writer, record, view)).ConfigureAwait(false);
    }

    // The stored record, or null after answering 404 (unknown id) or 500 (damaged record).
    private async Task<ExecutionRecord?> ReadRecordAsync(HttpContext context, string id)
    {
        try
        {
            return await Session.GetExecutionAsync(id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ExecutionNotFoundException)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
        }
        catch (ExecutionStoreCorruptedException)
        {
            await DamagedAsync(context, id).ConfigureAwait(false);
        }

        return null;
    }

    private ExecutionView ViewOf(ExecutionRecord record, bool includeContent, bool detail)
    {
        if (ExecutionJson.IsStopped(record.Status))
        {
            return new ExecutionView(includeContent);
        }

        var current = Session.FindRunning(record.ExecutionId)?.Progress.CurrentTask;
        IReadOnlyList<StreamedTask>? running = null;
        if (detail && _hub.TryGet(record.ExecutionId, out var stream))
        {
            running = stream.RunningTasks();
        }

        return new ExecutionView(includeContent, current, running);
    }

    private async Task<bool> IsCrewAsync(string crew, CancellationToken cancellationToken)
    {
        foreach (var name in await Session.ListCrewsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(name, crew, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<(string? Json, bool TooLarge, string? Error)> ReadBodyAsync(HttpContext context)
    {
        var max = _options.MaxRequestBodySize;
        if (context.Request.ContentLength > max)
        {
            return (null, true, null);
        }

        // The server stops reading past the limit too (Kestrel, IIS); the capped read below covers every server.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await context.Request.Body.ReadAsync(chunk.AsMemory(), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (buffer.WrittenCount + (long)read > max)
                {
                    return (null, true, null);
                }

                buffer.Write(chunk.AsSpan(0, read));
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, true, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var bytes = buffer.WrittenSpan;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes.Slice(3);
        }

        try
        {
            var json = s_strictUtf8.GetString(bytes);
            return (string.IsNullOrWhiteSpace(json) ? null : json, false, null);
        }
        catch (DecoderFallbackException)
        {
            return (null, false, "The request body is not valid UTF-8.");
        }
    }

    private static Task InvalidInputAsync(HttpContext context, ArgumentException exception)
    {
        // ArgumentException appends " (Parameter '…')" to its message: the problem's detail is the sentence alone.
        var message = exception.Message;
        var suffix = $" (Parameter '{exception.ParamName}')";
        if (exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal))
        {
            message = message.Substring(0, message.Length - suffix.Length);
        }

        var path = exception.InnerException is JsonException { Path: { Length: > 0 } jsonPath } ? jsonPath : null;
        if (path is { Length: > 1 } && !message.Contains(path, StringComparison.Ordinal))
        {
            message = $"{message.TrimEnd()} (at {path})";
        }

        return HttpJson.WriteProblemAsync(context, StatusCodes.Status400BadRequest, message, path is null ? null : writer => writer.WriteString("path", path));
    }

    private static Task CrewNotFoundAsync(HttpContext context, string crew) =>
        HttpJson.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"There is no crew named '{crew}'. GET the crews endpoint for the crews this app runs.",
            writer => writer.WriteString("crew", crew));

    private static Task NotFoundAsync(HttpContext context, string id) =>
        HttpJson.WriteProblemAsync(context, StatusCodes.Status404NotFound, $"There is no execution with id '{id}'.",
            writer => writer.WriteString("executionId", id));

    private static Task DamagedAsync(HttpContext context, string id) =>
        HttpJson.WriteProblemAsync(context, StatusCodes.Status500InternalServerError,
            $"The stored record of execution '{id}' is damaged; see the server's logs and the store's repair guidance.",
            writer => writer.WriteString("executionId", id));

    private static Task ConflictAsync(HttpContext context, string detail, ExecutionStatus status) =>
        HttpJson.WriteProblemAsync(context, StatusCodes.Status409Conflict, detail, writer => writer.WriteString("executionStatus", ExecutionJson.StatusName(status)));

    private static Task StoppingAsync(HttpContext context) =>
        HttpJson.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "The app is shutting down and starts no more executions; try again once it is back.");

    private static Task InvalidParameterAsync(HttpContext context, string name, string expected) =>
        HttpJson.WriteProblemAsync(context, StatusCodes.Status400BadRequest,
            $"Query parameter '{name}' must be {expected}; it was '{context.Request.Query[name]}'.", writer => writer.WriteString("parameter", name));

    private string ExecutionLocation(HttpContext context, string id) =>
        context.Request.PathBase.Add(new PathString(_prefix + "/executions/" + Uri.EscapeDataString(id))).Value!;

    private static string RouteValue(HttpContext context, string name) =>
        context.Request.RouteValues[name] as string ?? throw new InvalidOperationException($"The route has no '{name}' value.");

    private static bool TryParseInt(Microsoft.Extensions.Primitives.StringValues values, int fallback, int min, int max, out int value)
    {
        if (values.Count == 0)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static bool TryParseStatus(string text, out ExecutionStatus status)
    {
        foreach (var candidate in s_statuses)
        {
            if (string.Equals(ExecutionJson.StatusName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    // application/json or any +json type, in UTF-8 (the default for JSON).
    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType;
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = media.Charset;
        return json && (charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
