using System;
using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Amsha.AspNetCore.Endpoints;

/// <summary>Writes JSON responses and RFC 9457 (RFC 7807) problem details by hand: no reflection, trim and AOT safe.</summary>
internal static class HttpJson
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>
    /// How the endpoints write JSON: compact (one line, as Server-Sent Events need) with relaxed escaping, as ASP.NET
    /// Core writes JSON responses (quotes, backslashes and control characters are still escaped; the documents are
    /// served as JSON, never inlined into HTML).
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="write"/>'s JSON as the response with <paramref name="statusCode"/>.</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write, string contentType = JsonContentType)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.ContentLength = buffer.WrittenCount;
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a problem details response: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, <c>instance</c> (the
    /// request path), <c>traceId</c> and the extensions <paramref name="extensions"/> writes.
    /// </summary>
    public static Task WriteProblemAsync(HttpContext context, int statusCode, string detail, Action<Utf8JsonWriter>? extensions = null) =>
        WriteAsync(
            context,
            statusCode,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", TypeOf(statusCode));
                writer.WriteString("title", TitleOf(statusCode));
                writer.WriteNumber("status", statusCode);
                writer.WriteString("detail", detail);
                writer.WriteString("instance", context.Request.PathBase.Add(context.Request.Path).Value);
                extensions?.Invoke(writer);
                writer.WriteString("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
                writer.WriteEndObject();
            },
            ProblemContentType);

    private static string TypeOf(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status415UnsupportedMediaType => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        StatusCodes.Status503ServiceUnavailable => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };

    private static string TitleOf(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "Bad Request",
        StatusCodes.Status404NotFound => "Not Found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "Content Too Large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported Media Type",
        StatusCodes.Status503ServiceUnavailable => "Service Unavailable",
        _ => "Internal Server Error",
    };
}
