using System;

namespace Amsha;

// Tool call events flow through the execution's event log, between the LLM call that asked for the
// tools and the one that receives their results. Arguments and results are present only with content
// capture on (AmshaOptions.CaptureMessageContent), like message text in telemetry.

/// <summary>A task's model asked for a tool and the tool started.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="ToolName">The tool's name, as the model calls it.</param>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="Round">The tool round of the task, starting at 1.</param>
/// <param name="Arguments">The arguments as JSON; null unless content capture is on.</param>
public sealed record ToolCallStartedEvent(string TaskName, string ToolName, string CallId, int Round, string? Arguments) : ExecutionEvent;

/// <summary>A tool call returned; its result goes back to the model.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="Duration">How long the tool ran.</param>
/// <param name="Result">The result as sent to the model; null unless content capture is on.</param>
/// <param name="Replayed">Whether the result came from the execution's journal (a call completed before a crash) instead of running the tool.</param>
public sealed record ToolCallCompletedEvent(string TaskName, string ToolName, string CallId, TimeSpan Duration, string? Result, bool Replayed = false) : ExecutionEvent;

/// <summary>A tool call failed: bad arguments, an unknown tool, or the tool threw.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="Duration">How long the call took.</param>
/// <param name="ErrorType">A low-cardinality kind: <c>invalid_arguments</c>, <c>unknown_tool</c> or the exception's type name.</param>
/// <param name="Message">What went wrong; also what the model is told, unless the task fails.</param>
/// <param name="FailsTask">Whether the failure ends the task (<see cref="ToolErrorBehavior.FailTask"/>) instead of going back to the model.</param>
public sealed record ToolCallFailedEvent(string TaskName, string ToolName, string CallId, TimeSpan Duration, string ErrorType, string Message, bool FailsTask) : ExecutionEvent;
