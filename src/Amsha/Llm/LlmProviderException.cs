using System;

namespace Amsha;

/// <summary>
/// A chat provider's failure in a form the call path understands: the HTTP status (if any) and the
/// server's <c>Retry-After</c>. Provider packages (e.g. <c>Amsha.OpenAI</c>) and the
/// <see cref="OfflineChatClient"/>'s fault injection throw it; custom <c>IChatClient</c>s may too.
/// </summary>
public class LlmProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed. Never put credentials in it.</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when no response arrived (a connection failure).</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if it sent one.</param>
    /// <param name="innerException">The provider's own exception.</param>
    public LlmProviderException(string message, int? statusCode, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status, or <see langword="null"/> when no response arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>The server's <c>Retry-After</c>, if it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether the fault is transient: no response, 408, 429 or 5xx.</summary>
    public bool IsTransient => StatusCode is null or 408 or 429 or >= 500;
}
