using System;

namespace Amsha;

/// <summary>
/// Something that happened in an execution. One event model serves handle streams and
/// session observers alike. <see cref="Sequence"/> numbers an execution's events from 1
/// without gaps, so every reader sees the same order.
/// </summary>
public abstract record ExecutionEvent
{
    private string _executionId = "";
    private long _sequence;
    private DateTimeOffset _timestamp;

    /// <summary>The execution the event belongs to.</summary>
    public string ExecutionId { get => _executionId; init => _executionId = value; }

    /// <summary>Position of the event in its execution, starting at 1.</summary>
    public long Sequence { get => _sequence; init => _sequence = value; }

    /// <summary>When the event happened.</summary>
    public DateTimeOffset Timestamp { get => _timestamp; init => _timestamp = value; }

    /// <summary>
    /// <paramref name="e"/> stamped with its place in an execution: the event itself when nobody has seen it yet (its
    /// sequence is still 0, as every event Amsha creates arrives at its log), otherwise a stamped copy.
    /// </summary>
    internal static ExecutionEvent Stamp(ExecutionEvent e, string executionId, long sequence, DateTimeOffset timestamp)
    {
        if (e._sequence != 0)
        {
            return e with { ExecutionId = executionId, Sequence = sequence, Timestamp = timestamp };
        }

        e._executionId = executionId;
        e._sequence = sequence;
        e._timestamp = timestamp;
        return e;
    }
}

/// <summary>The execution started running.</summary>
/// <param name="CrewName">The crew that runs.</param>
/// <param name="Mode">Interactive or background.</param>
/// <param name="TotalTasks">Tasks in the plan.</param>
public sealed record ExecutionStartedEvent(string CrewName, ExecutionMode Mode, int TotalTasks) : ExecutionEvent;

/// <summary>The execution finished with a result.</summary>
/// <param name="Duration">Time from start to completion.</param>
public sealed record ExecutionCompletedEvent(TimeSpan Duration) : ExecutionEvent;

/// <summary>The execution stopped on an error.</summary>
/// <param name="ErrorType">The exception type's full name.</param>
/// <param name="Message">The error message.</param>
/// <param name="Recoverable">Whether running it again may succeed.</param>
public sealed record ExecutionFailedEvent(string ErrorType, string Message, bool Recoverable) : ExecutionEvent;

/// <summary>The execution was canceled.</summary>
public sealed record ExecutionCanceledEvent : ExecutionEvent;

/// <summary>A task started.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="AgentName">The agent performing it.</param>
/// <param name="TaskIndex">The task's position in the crew's declaration.</param>
public sealed record TaskStartedEvent(string TaskName, string AgentName, int TaskIndex) : ExecutionEvent;

/// <summary>A task finished.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="Output">The task's output as text (JSON for structured outputs).</param>
public sealed record TaskCompletedEvent(string TaskName, string Output) : ExecutionEvent;

/// <summary>The model produced more text for a task.</summary>
/// <param name="TaskName">The task being answered.</param>
/// <param name="Text">The new text.</param>
public sealed record TokenDeltaEvent(string TaskName, string Text) : ExecutionEvent;
