using System;

namespace Amsha;

/// <summary>What an execution waits for a person to decide.</summary>
public enum InputRequestKind
{
    /// <summary>A task's output, to approve, reject or (when the task allows it) edit before the crew goes on.</summary>
    TaskReview = 0,

    /// <summary>A tool call the model asked for, to approve or refuse before it runs.</summary>
    ToolApproval = 1,
}

/// <summary>How a person answered an <see cref="InputRequest"/>.</summary>
public enum InputDecision
{
    /// <summary>Go on: the task's output is kept, or the tool runs.</summary>
    Approve = 0,

    /// <summary>Stop: the task fails with the reason, or the model is told the tool call was refused.</summary>
    Reject = 1,

    /// <summary>Go on with another output, which replaces the task's (parsed and validated like the model's answer).</summary>
    Edit = 2,
}

/// <summary>
/// A question an execution waits on: the review of a task's output or the approval of a tool call. It is
/// recorded with the execution (<see cref="ExecutionRecord.PendingInput"/>), so any process can answer it.
/// </summary>
public sealed record InputRequest
{
    /// <summary>Identifies the request; an answer names it, so a stale or repeated answer is recognised.</summary>
    public required string RequestId { get; init; }

    /// <summary>A review or an approval.</summary>
    public InputRequestKind Kind { get; init; }

    /// <summary>The task the request belongs to.</summary>
    public required string TaskName { get; init; }

    /// <summary>The agent performing the task.</summary>
    public string AgentName { get; init; } = "";

    /// <summary>What the person is asked, in a sentence.</summary>
    public string Question { get; init; } = "";

    /// <summary>The answers allowed: approve and reject always; edit when this includes <see cref="ReviewKind.Edit"/>.</summary>
    public ReviewKind Allowed { get; init; } = ReviewKind.Approve;

    /// <summary>The task's output as the model gave it (JSON for structured outputs); null for tool approvals.</summary>
    public string? ProposedOutput { get; init; }

    /// <summary>The tool the model asked for; null for reviews.</summary>
    public string? ToolName { get; init; }

    /// <summary>The model's id for the tool call; null for reviews.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The tool call's arguments as canonical JSON (properties sorted); null for reviews.</summary>
    public string? ToolArguments { get; init; }

    /// <summary>When the request was made.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the request expires unanswered; null for never.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Whether the deadline has passed at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Deadline is { } deadline && now >= deadline;

    /// <summary>An answer that approves: the output is kept, or the tool runs.</summary>
    public InputResponse Approve() => InputResponse.Approve(RequestId);

    /// <summary>An answer that rejects with <paramref name="reason"/>: the task fails, or the tool call is refused.</summary>
    public InputResponse Reject(string reason) => InputResponse.Reject(RequestId, reason);

    /// <summary>An answer that replaces the task's output with <paramref name="output"/> (text, or JSON for structured outputs).</summary>
    public InputResponse Edit(string output) => InputResponse.Edit(RequestId, output);
}

/// <summary>A person's answer to an <see cref="InputRequest"/>, given to <c>SubmitInputAsync</c>.</summary>
/// <param name="RequestId">The request answered.</param>
/// <param name="Decision">Approve, reject or edit.</param>
/// <param name="Reason">Why (required to reject; recorded with the execution).</param>
/// <param name="EditedOutput">The output replacing the task's (for <see cref="InputDecision.Edit"/>): text, or JSON for structured outputs.</param>
public sealed record InputResponse(string RequestId, InputDecision Decision, string? Reason = null, string? EditedOutput = null)
{
    /// <summary>Who answered (a user name, for the record); optional.</summary>
    public string? AnsweredBy { get; init; }

    /// <summary>Approves request <paramref name="requestId"/>.</summary>
    public static InputResponse Approve(string requestId) => new(requestId, InputDecision.Approve);

    /// <summary>Rejects request <paramref name="requestId"/> with <paramref name="reason"/>.</summary>
    public static InputResponse Reject(string requestId, string reason) => new(requestId, InputDecision.Reject, reason);

    /// <summary>Answers review <paramref name="requestId"/> with <paramref name="output"/> in place of the task's output.</summary>
    public static InputResponse Edit(string requestId, string output) => new(requestId, InputDecision.Edit, null, output);
}

/// <summary>An answered input request, as recorded with its execution.</summary>
/// <param name="Request">The request.</param>
/// <param name="Response">The answer.</param>
/// <param name="AnsweredAt">When the answer was accepted.</param>
public sealed record AnsweredInput(InputRequest Request, InputResponse Response, DateTimeOffset AnsweredAt)
{
    /// <summary>Whether the execution has acted on the answer (kept the output, ran or refused the tool, failed the task).</summary>
    public bool Applied { get; init; }
}
