using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Amsha;

/// <summary>What the call path makes of an exception: retry or not, and how to report it.</summary>
/// <param name="Transient">Whether another attempt may succeed.</param>
/// <param name="ErrorType">Low-cardinality kind for <c>error.type</c>: HTTP status, <c>timeout</c>, <c>connection</c>, …</param>
/// <param name="StatusCode">The HTTP status, if a response arrived.</param>
/// <param name="RetryAfter">The server's <c>Retry-After</c>, if any.</param>
internal readonly record struct LlmFault(bool Transient, string ErrorType, int? StatusCode, TimeSpan? RetryAfter)
{
    public string Reason => StatusCode is { } status ? "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture) : ErrorType;

    public static LlmFault Classify(Exception? exception) => exception switch
    {
        null => new(false, "unknown", null, null),
        LlmProviderException provider => FromStatus(provider.StatusCode, provider.RetryAfter),
        TimeoutRejectedException => new(true, "timeout", null, null),
        BrokenCircuitException or IsolatedCircuitException => new(false, "circuit_open", null, null),
        HttpRequestException { StatusCode: { } status } => FromStatus((int)status, null),
        HttpRequestException or IOException or SocketException => new(true, "connection", null, null),
        TimeoutException => new(true, "timeout", null, null),

        // The stream closed cleanly before the answer's finish reason: another attempt gets a whole answer.
        IncompleteResponseException => new(true, "incomplete_response", null, null),

        // A protocol-level answer that is not JSON is most often a proxy or a cut connection: worth another attempt.
        JsonException => new(true, "malformed_response", null, null),
        _ => new(false, exception.GetType().FullName ?? "Exception", null, null),
    };

    private static LlmFault FromStatus(int? status, TimeSpan? retryAfter) => status switch
    {
        null => new(true, "connection", null, retryAfter),
        408 or 429 or >= 500 => new(true, status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), status, retryAfter),
        _ => new(false, status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), status, retryAfter),
    };
}
