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

/// <summary>
/// A background execution stopped because its session stopped (<see cref="ExecutionSession.StopAsync"/>, e.g. on host
/// shutdown). Nothing failed: the record is stored <see cref="ExecutionStatus.Interrupted"/> with every finished task,
/// and <c>ResumeAsync</c> runs the rest.
/// </summary>
public sealed class ExecutionInterruptedException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionInterruptedException(string executionId)
        : base($"Execution '{executionId}' was interrupted because its session stopped; its finished tasks are stored, resume it to run the rest.", executionId, ExecutionMode.Background, recoverable: true)
    {
    }
}
