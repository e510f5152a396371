using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>
/// The background execution stopped to wait for a person: its requests are stored (<see cref="ExecutionRecord.PendingInput"/>)
/// and nothing of it stays in memory. Answer with <c>SubmitInputAsync</c>, which resumes it. Not a failure: the record's
/// status is <see cref="ExecutionStatus.WaitingForInput"/>.
/// </summary>
public sealed class ExecutionWaitingForInputException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionWaitingForInputException(string executionId, IReadOnlyList<InputRequest> requests)
        : base($"Execution '{executionId}' is waiting for input ({Describe(requests)}); answer with SubmitInputAsync, which resumes it.", executionId, ExecutionMode.Background, recoverable: true)
    {
        Requests = requests;
    }

    /// <summary>The requests the execution waits on.</summary>
    public IReadOnlyList<InputRequest> Requests { get; }

    internal static string Describe(IReadOnlyList<InputRequest> requests) =>
        string.Join("; ", System.Linq.Enumerable.Select(requests, r => r.Question));
}

/// <summary>A person rejected a task's output: the task, and so the execution, failed with their reason.</summary>
public sealed class InputRejectedException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public InputRejectedException(string executionId, ExecutionMode mode, string taskName, string requestId, string reason)
        : base($"Task '{taskName}' of execution '{executionId}' was rejected by its reviewer: {reason}", executionId, mode, recoverable: false)
    {
        TaskName = taskName;
        RequestId = requestId;
        Reason = reason;
    }

    /// <summary>The rejected task.</summary>
    public string TaskName { get; }

    /// <summary>The review request that was rejected.</summary>
    public string RequestId { get; }

    /// <summary>The reviewer's reason.</summary>
    public string Reason { get; }
}

/// <summary>An interactive execution's input request passed its deadline unanswered; the execution ended with <see cref="ExecutionStatus.InputExpired"/>.</summary>
public sealed class InputExpiredException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public InputExpiredException(string executionId, ExecutionMode mode, InputRequest request)
        : base($"Execution '{executionId}' stopped: nobody answered request '{request.RequestId}' ({request.Question}) before its deadline {request.Deadline:O}.", executionId, mode, recoverable: mode == ExecutionMode.Background)
    {
        Request = request;
    }

    /// <summary>The request that expired.</summary>
    public InputRequest Request { get; }
}

/// <summary>Why an answer given to <c>SubmitInputAsync</c> was not accepted.</summary>
public enum InputResponseProblem
{
    /// <summary>The execution is not waiting for input.</summary>
    NotWaiting,

    /// <summary>The execution does not wait on a request with that id.</summary>
    UnknownRequest,

    /// <summary>The request was answered already (the first answer stands).</summary>
    AlreadyAnswered,

    /// <summary>The request passed its deadline; resume the execution to open it again.</summary>
    Expired,

    /// <summary>The request does not allow that decision (an edit of a task reviewed without <see cref="ReviewKind.Edit"/>, an edit of a tool call, a rejection without a reason).</summary>
    NotAllowed,

    /// <summary>The edited output does not parse as the task's output; <see cref="InputResponseException.MemberPath"/> says where.</summary>
    InvalidEdit,
}

/// <summary>
/// An answer was not accepted; nothing changed and the execution keeps waiting (or goes on as it was). The message
/// says why; for an invalid edit, <see cref="MemberPath"/> names the member that does not fit.
/// </summary>
public sealed class InputResponseException : ExecutionException
{
    /// <summary>Creates the exception.</summary>
    public InputResponseException(string executionId, ExecutionMode mode, string requestId, InputResponseProblem problem, string message, string? memberPath = null, Exception? innerException = null)
        : base(message, executionId, mode, recoverable: false, innerException)
    {
        RequestId = requestId;
        Problem = problem;
        MemberPath = memberPath;
    }

    /// <summary>The request the answer named.</summary>
    public string RequestId { get; }

    /// <summary>Why it was not accepted.</summary>
    public InputResponseProblem Problem { get; }

    /// <summary>For <see cref="InputResponseProblem.InvalidEdit"/>: the JSON path of the member that does not fit (e.g. <c>$.Score</c>).</summary>
    public string? MemberPath { get; }
}

/// <summary>Unwinds a background run that registered input requests: it is stored waiting, not failed.</summary>
internal sealed class ExecutionSuspension : Exception
{
    public ExecutionSuspension()
        : base("The execution stopped to wait for input.")
    {
    }
}
