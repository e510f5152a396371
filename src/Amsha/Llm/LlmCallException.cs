using System;

namespace Amsha;

/// <summary>
/// An LLM call failed: a non-transient fault (400, 401, 404, an unparseable structured answer) at
/// once, or a transient one after its retries or time ran out. <see cref="ExecutionException.Recoverable"/>
/// says whether calling again later may succeed.
/// </summary>
public sealed class LlmCallException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public LlmCallException(string message, string executionId, ExecutionMode mode, bool recoverable, string useCase, string errorType, int? statusCode, int attempts, TokenUsage usage, Exception? innerException = null)
        : base(message, executionId, mode, recoverable, innerException)
    {
        UseCase = useCase;
        ErrorType = errorType;
        StatusCode = statusCode;
        Attempts = attempts;
        Usage = usage;
    }

    /// <summary>The LLM use case called.</summary>
    public string UseCase { get; }

    /// <summary>A low-cardinality error kind: an HTTP status code, <c>timeout</c>, <c>circuit_open</c>, or an exception type.</summary>
    public string ErrorType { get; }

    /// <summary>The last HTTP status, if a response arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; }

    /// <summary>Tokens of all attempts together.</summary>
    public TokenUsage Usage { get; }
}
