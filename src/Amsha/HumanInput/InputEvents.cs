using System;
using System.Collections.Generic;

namespace Amsha;

// Human input events flow through the execution's event log. A background execution reports its requests once
// they are stored, so an observer that answers at once finds the request in the store.

/// <summary>The execution asks a person: a task's output to review, or a tool call to approve.</summary>
/// <param name="Request">The request; answer it with <c>SubmitInputAsync</c> and its <see cref="InputRequest.RequestId"/>.</param>
public sealed record InputRequestedEvent(InputRequest Request) : ExecutionEvent;

/// <summary>The execution received an answer and goes on.</summary>
/// <param name="RequestId">The request answered.</param>
/// <param name="TaskName">The task it belongs to.</param>
/// <param name="Decision">Approve, reject or edit.</param>
/// <param name="Reason">The reason given, if any.</param>
/// <param name="Waited">From the request to the answer (not counted as run time).</param>
public sealed record InputAnsweredEvent(string RequestId, string TaskName, InputDecision Decision, string? Reason, TimeSpan Waited) : ExecutionEvent;

/// <summary>
/// An input request passed its deadline unanswered; the execution's status is <see cref="ExecutionStatus.InputExpired"/>.
/// Reported by the run that waits (interactive) or by the session that finds a stored request overdue (background:
/// <see cref="ExecutionEvent.Sequence"/> is 0, the event belongs to no run).
/// </summary>
/// <param name="RequestId">The request.</param>
/// <param name="TaskName">The task it belongs to.</param>
/// <param name="Deadline">When it expired.</param>
public sealed record InputExpiredEvent(string RequestId, string TaskName, DateTimeOffset Deadline) : ExecutionEvent;

/// <summary>
/// The run stopped without a result and without failing: a background execution is stored waiting for input
/// (<see cref="ExecutionStatus.WaitingForInput"/>; answering resumes it), an interactive one ended because its
/// request expired (<see cref="ExecutionStatus.InputExpired"/>), or a background one stopped with its session
/// (<see cref="ExecutionStatus.Interrupted"/>; no requests; resuming runs the rest). The last event of the run.
/// </summary>
/// <param name="Status">The status the execution stopped in.</param>
/// <param name="RequestIds">The requests it waits on (or that expired).</param>
public sealed record ExecutionSuspendedEvent(ExecutionStatus Status, IReadOnlyList<string> RequestIds) : ExecutionEvent;
