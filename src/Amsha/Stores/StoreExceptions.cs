using System;

namespace Amsha;

/// <summary>No execution with the requested id exists in the store.</summary>
public sealed class ExecutionNotFoundException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionNotFoundException(string executionId)
        : base($"Execution '{executionId}' was not found in the execution store. Check the id, and that this session uses the store the execution was started with (only background executions are stored).", executionId, ExecutionMode.Background, recoverable: false)
    {
    }
}

/// <summary>Another writer changed an execution's record since it was read (optimistic concurrency).</summary>
public sealed class ExecutionConflictException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionConflictException(string executionId, long expectedRevision, long actualRevision)
        : base(actualRevision == 0 && expectedRevision > 0
                ? $"Execution '{executionId}' was expected at revision {expectedRevision} but is no longer in the store."
                : $"Execution '{executionId}' was changed by another writer: expected revision {expectedRevision}, found {actualRevision}. Another process may be running or resuming it; read it again before writing.",
            executionId, ExecutionMode.Background, recoverable: false)
    {
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    /// <summary>The revision the writer had read.</summary>
    public long ExpectedRevision { get; }

    /// <summary>The revision in the store (0 when absent).</summary>
    public long ActualRevision { get; }
}

/// <summary>A stored execution belongs to another crew than the one asked to resume it.</summary>
public sealed class ExecutionCrewMismatchException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionCrewMismatchException(string executionId, string storedCrew, string requestedCrew)
        : base($"Execution '{executionId}' was written by crew '{storedCrew}' and cannot be resumed by crew '{requestedCrew}'. Resume it with {storedCrew}.Resume(id).", executionId, ExecutionMode.Background, recoverable: false)
    {
        StoredCrew = storedCrew;
        RequestedCrew = requestedCrew;
    }

    /// <summary>The crew that wrote the record.</summary>
    public string StoredCrew { get; }

    /// <summary>The crew that was asked to resume it.</summary>
    public string RequestedCrew { get; }
}

/// <summary>A stored execution record is damaged (checksum mismatch, truncation, unreadable content).</summary>
public sealed class ExecutionStoreCorruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="executionId">The execution whose record is damaged.</param>
    /// <param name="location">Where the record lives: a file path or a database and row.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="lastGoodRecord">The previous revision, when it is still intact.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ExecutionStoreCorruptedException(string executionId, string location, string reason, ExecutionRecord? lastGoodRecord = null, Exception? innerException = null)
        : base($"The record of execution '{executionId}' in '{location}' is damaged: {reason}. {(lastGoodRecord is null ? "No intact earlier revision exists." : $"Revision {lastGoodRecord.Revision} is intact and available as LastGoodRecord.")}", innerException)
    {
        ExecutionId = executionId;
        Location = location;
        Reason = reason;
        LastGoodRecord = lastGoodRecord;
    }

    /// <summary>The execution whose record is damaged.</summary>
    public string ExecutionId { get; }

    /// <summary>The damaged file, or database and row.</summary>
    public string Location { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }

    /// <summary>The last intact revision, if one exists.</summary>
    public ExecutionRecord? LastGoodRecord { get; }
}

/// <summary>
/// A background execution cannot be resumed with the definitions it started with: they changed (a new build, an
/// edited definition file or row) and the recorded version cannot be rebuilt. Resume with
/// <see cref="ExecutionOptions.DefinitionVersion"/> = <see cref="DefinitionVersionPolicy.Current"/> to accept the current ones.
/// </summary>
public sealed class ExecutionDefinitionChangedException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionDefinitionChangedException(string executionId, string crewName, string recordedFingerprint, string currentFingerprint, string? reason = null, Exception? innerException = null)
        : base(
            $"Execution '{executionId}' of crew '{crewName}' ran with definitions {recordedFingerprint}, and the crew's definitions are now {currentFingerprint}{(reason is null ? "" : " (" + reason + ")")}. " +
            "Resume it with ExecutionOptions.DefinitionVersion = DefinitionVersionPolicy.Current to continue with the current definitions.",
            executionId,
            ExecutionMode.Background,
            recoverable: false,
            innerException)
    {
        RecordedFingerprint = recordedFingerprint;
        CurrentFingerprint = currentFingerprint;
    }

    /// <summary>The fingerprint of the definitions the execution started with.</summary>
    public string RecordedFingerprint { get; }

    /// <summary>The fingerprint of the crew's definitions now.</summary>
    public string CurrentFingerprint { get; }
}
