using System;

namespace Amsha;

/// <summary>An execution could not produce its result.</summary>
public class ExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExecutionException(string message, string executionId, ExecutionMode mode, bool recoverable, Exception? innerException = null)
        : base(message, innerException)
    {
        ExecutionId = executionId;
        Mode = mode;
        Recoverable = recoverable;
    }

    /// <summary>The failed execution.</summary>
    public string ExecutionId { get; }

    /// <summary>The failed execution's mode.</summary>
    public ExecutionMode Mode { get; }

    /// <summary>Whether the failure is transient, so running or resuming again may succeed.</summary>
    public bool Recoverable { get; }
}
