using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// Where one run asks a person. An interactive run waits in memory for the answer (cancelable, with the request's
/// deadline on the session's clock). A background run never waits: it answers from the answers recorded with the
/// execution, and otherwise registers the request and unwinds (<see cref="ThrowIfSuspending"/>), to be stored and
/// resumed by <c>SubmitInputAsync</c>.
/// </summary>
internal sealed class InputGate
{
    private readonly object _gate = new();
    private readonly string _executionId;
    private readonly ExecutionMode _mode;
    private readonly ExecutionEventLog _events;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _timeout;
    private readonly Action<bool> _setWaiting;
    private readonly List<Waiting> _waiting = new();
    private readonly List<AnsweredInput> _answered = new();
    private readonly List<InputRequest> _expired = new();
    private readonly List<AnsweredInput> _recordedAnswers;
    private readonly List<InputRequest> _recordedPending;
    private readonly List<InputRequest> _suspending = new();
    private readonly List<string> _applied = new();

    /// <param name="executionId">The execution.</param>
    /// <param name="mode">Interactive runs wait in memory; background runs suspend.</param>
    /// <param name="events">The run's event log.</param>
    /// <param name="time">The clock of request times and deadlines.</param>
    /// <param name="timeout">How long a request stays open; null for no deadline.</param>
    /// <param name="setWaiting">Moves the run's status between Running (false) and WaitingForInput (true).</param>
    /// <param name="record">A resumed execution's record: its answers not yet acted on, and its open requests.</param>
    public InputGate(string executionId, ExecutionMode mode, ExecutionEventLog events, TimeProvider time, TimeSpan? timeout, Action<bool> setWaiting, ExecutionRecord? record = null)
    {
        _executionId = executionId;
        _mode = mode;
        _events = events;
        _time = time;
        _timeout = timeout;
        _setWaiting = setWaiting;
        _recordedAnswers = record is null ? new() : record.InputHistory.Where(a => !a.Applied).ToList();
        _recordedPending = record is null ? new() : new List<InputRequest>(record.PendingInput);
    }

    /// <summary>The requests open now: waited on in memory (interactive), or registered for the suspension (background).</summary>
    public IReadOnlyList<InputRequest> Pending
    {
        get
        {
            lock (_gate)
            {
                if (_mode == ExecutionMode.Background)
                {
                    return _suspending.ToArray();
                }

                var open = new InputRequest[_waiting.Count];
                for (var i = 0; i < open.Length; i++)
                {
                    open[i] = _waiting[i].Request;
                }

                return open;
            }
        }
    }

    /// <summary>Ids of recorded answers this run acted on since the last call; the next checkpoint marks them applied.</summary>
    public IReadOnlyList<string> TakeApplied()
    {
        lock (_gate)
        {
            if (_applied.Count == 0)
            {
                return Array.Empty<string>();
            }

            var applied = _applied.ToArray();
            _applied.Clear();
            return applied;
        }
    }

    /// <summary>A stored review of <paramref name="taskName"/> (answered, or still open): the task's output is in it, so the task does not run again.</summary>
    public InputRequest? RecordedReview(string taskName)
    {
        lock (_gate)
        {
            foreach (var answer in _recordedAnswers)
            {
                if (answer.Request.Kind == InputRequestKind.TaskReview && answer.Request.TaskName == taskName)
                {
                    return answer.Request;
                }
            }

            foreach (var request in _recordedPending)
            {
                if (request.Kind == InputRequestKind.TaskReview && request.TaskName == taskName)
                {
                    return request;
                }
            }
        }

        return null;
    }

    // A timeout past the calendar's end (TimeSpan.MaxValue, "practically never") is a deadline at its last instant.
    private static DateTimeOffset DeadlineAfter(DateTimeOffset now, TimeSpan timeout) =>
        timeout < DateTimeOffset.MaxValue - now ? now + timeout : DateTimeOffset.MaxValue;

    /// <summary>A new request with a fresh id, the time now and the deadline.</summary>
    public InputRequest NewRequest(InputRequest shape)
    {
        var now = _time.GetUtcNow();
        return shape with { RequestId = ExecutionIds.Next(), RequestedAt = now, Deadline = _timeout is { } timeout ? DeadlineAfter(now, timeout) : null };
    }

    /// <summary>
    /// Asks <paramref name="request"/>. Interactive: waits for the answer. Background: returns the recorded answer to
    /// the same question, or registers the request (the one already stored, if it is still open) and returns null;
    /// call <see cref="ThrowIfSuspending"/> once every question of the step is asked.
    /// </summary>
    /// <param name="request">The question (from <see cref="NewRequest"/>).</param>
    /// <param name="parseEdit">Parses an edited output; throws <see cref="OutputParseException"/> when it does not fit. Null for tool approvals.</param>
    /// <param name="cancellationToken">The run's token: canceling stops the wait.</param>
    /// <exception cref="InputExpiredException">Interactive: the deadline passed unanswered.</exception>
    public async ValueTask<InputResponse?> AskAsync(InputRequest request, Func<string, object?>? parseEdit, CancellationToken cancellationToken)
    {
        if (_mode == ExecutionMode.Background)
        {
            return AskRecorded(request);
        }

        var waiting = new Waiting(request, parseEdit);
        lock (_gate)
        {
            _waiting.Add(waiting);
            _setWaiting(true);
        }

        // The deadline's timer is armed before the request is announced: whoever sees the request (and answers it, or
        // moves a test's clock past its deadline) finds the wait already counting.
        var answered = request.Deadline is { } deadline
            ? WaitUntilAsync(waiting.Answer.Task, deadline, cancellationToken)
            : waiting.Answer.Task.WaitAsync(cancellationToken);
        _events.Append(new InputRequestedEvent(request));
        AmshaTelemetry.RecordInputEvent("amsha.input.requested", request, null);
        InputResponse response;
        try
        {
            response = await answered.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                // An answer that won the race with the deadline or the cancellation stands.
                if (!waiting.Answer.Task.IsCompletedSuccessfully)
                {
                    _waiting.Remove(waiting);
                    if (ex is TimeoutException)
                    {
                        _expired.Add(request);
                    }

                    if (_waiting.Count == 0)
                    {
                        _setWaiting(false);
                    }
                }
            }

            if (!waiting.Answer.Task.IsCompletedSuccessfully)
            {
                if (ex is TimeoutException)
                {
                    _events.Append(new InputExpiredEvent(request.RequestId, request.TaskName, request.Deadline!.Value));
                    AmshaTelemetry.RecordInputEvent("amsha.input.expired", request, null);
                    throw new InputExpiredException(_executionId, _mode, request);
                }

                throw;
            }

            response = waiting.Answer.Task.Result;
        }

        Answered(request, response);
        return response;
    }

    /// <summary>Background: holds <paramref name="requests"/> open (stored already) for the run that stops at once to wait on them.</summary>
    public void HoldOpen(IEnumerable<InputRequest> requests)
    {
        lock (_gate)
        {
            _suspending.AddRange(requests);
        }
    }

    /// <summary>Background: unwinds the run when requests were registered, so it is stored waiting for them.</summary>
    public void ThrowIfSuspending()
    {
        lock (_gate)
        {
            if (_suspending.Count > 0)
            {
                throw new ExecutionSuspension();
            }
        }
    }

    /// <summary>Delivers an answer to a request an interactive run waits on.</summary>
    /// <exception cref="InputResponseException">The run does not wait on that request, or the answer does not fit it; nothing changed.</exception>
    public void Submit(InputResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_gate)
        {
            var index = _waiting.FindIndex(w => w.Request.RequestId == response.RequestId);
            if (index < 0)
            {
                throw NotWaitingOn(_executionId, _mode, response.RequestId, _answered.Find(a => a.Request.RequestId == response.RequestId), _expired.Exists(r => r.RequestId == response.RequestId));
            }

            var waiting = _waiting[index];
            Check(_executionId, _mode, waiting.Request, response, waiting.ParseEdit);
            _waiting.RemoveAt(index);
            _answered.Add(new AnsweredInput(waiting.Request, response, _time.GetUtcNow()) { Applied = true });
            if (_waiting.Count == 0)
            {
                _setWaiting(false);
            }

            waiting.Answer.TrySetResult(response);
        }
    }

    /// <summary>Checks that <paramref name="response"/> is a decision <paramref name="request"/> allows, and that an edit parses.</summary>
    /// <exception cref="InputResponseException">It is not; the message says why (for an edit, where it does not fit).</exception>
    public static void Check(string executionId, ExecutionMode mode, InputRequest request, InputResponse response, Func<string, object?>? parseEdit)
    {
        switch (response.Decision)
        {
            case InputDecision.Approve:
                return;
            case InputDecision.Reject when string.IsNullOrWhiteSpace(response.Reason):
                throw new InputResponseException(executionId, mode, request.RequestId, InputResponseProblem.NotAllowed, $"A rejection of request '{request.RequestId}' needs a reason: the execution records it{(request.Kind == InputRequestKind.ToolApproval ? " and the model is told it" : "")}.");
            case InputDecision.Reject:
                return;
            case InputDecision.Edit when request.Kind != InputRequestKind.TaskReview || (request.Allowed & ReviewKind.Edit) == 0:
                throw new InputResponseException(executionId, mode, request.RequestId, InputResponseProblem.NotAllowed, request.Kind == InputRequestKind.ToolApproval
                    ? $"Request '{request.RequestId}' asks to approve a call of tool '{request.ToolName}'; it can be approved or rejected, not edited."
                    : $"Task '{request.TaskName}' is reviewed without ReviewKind.Edit: its output can be approved or rejected, not edited.");
            case InputDecision.Edit when response.EditedOutput is null:
                throw new InputResponseException(executionId, mode, request.RequestId, InputResponseProblem.NotAllowed, $"An edit of request '{request.RequestId}' needs the edited output.");
            case InputDecision.Edit:
                try
                {
                    parseEdit?.Invoke(response.EditedOutput);
                    return;
                }
                catch (OutputParseException ex)
                {
                    throw new InputResponseException(executionId, mode, request.RequestId, InputResponseProblem.InvalidEdit, $"The edited output of task '{request.TaskName}' does not fit its output type at {ex.JsonPath}: {ex.Problem} The request stays open.", ex.JsonPath, ex);
                }

            default:
                throw new InputResponseException(executionId, mode, request.RequestId, InputResponseProblem.NotAllowed, $"'{response.Decision}' is not a decision.");
        }
    }

    /// <summary>Why an answer to <paramref name="requestId"/> finds nothing to answer.</summary>
    public static InputResponseException NotWaitingOn(string executionId, ExecutionMode mode, string requestId, AnsweredInput? answered, bool expired)
    {
        if (answered is not null)
        {
            return new InputResponseException(executionId, mode, requestId, InputResponseProblem.AlreadyAnswered, $"Request '{requestId}' of execution '{executionId}' was already answered ({answered.Response.Decision} at {answered.AnsweredAt.ToString("O", CultureInfo.InvariantCulture)}); the first answer stands and nothing changed.");
        }

        return expired
            ? new InputResponseException(executionId, mode, requestId, InputResponseProblem.Expired, $"Request '{requestId}' of execution '{executionId}' expired before it was answered; resume the execution to ask again.")
            : new InputResponseException(executionId, mode, requestId, InputResponseProblem.UnknownRequest, $"Execution '{executionId}' does not wait on request '{requestId}'.");
    }

    private InputResponse? AskRecorded(InputRequest request)
    {
        AnsweredInput? recorded = null;
        lock (_gate)
        {
            var index = _recordedAnswers.FindIndex(a => SameQuestion(a.Request, request));
            if (index >= 0)
            {
                recorded = _recordedAnswers[index];
                _recordedAnswers.RemoveAt(index);
                _applied.Add(recorded.Request.RequestId);
            }
            else
            {
                // The question stored before, still open: the same request (same id) goes on waiting.
                var stored = _recordedPending.FindIndex(r => SameQuestion(r, request));
                var open = stored >= 0 && !_recordedPending[stored].IsExpiredAt(_time.GetUtcNow()) ? _recordedPending[stored] : request;
                if (stored >= 0)
                {
                    _recordedPending.RemoveAt(stored);
                }

                _suspending.Add(open);
                AmshaTelemetry.RecordInputEvent("amsha.input.requested", open, null);
                return null;
            }
        }

        Answered(recorded.Request, recorded.Response, recorded.AnsweredAt);
        return recorded.Response;
    }

    private void Answered(InputRequest request, InputResponse response, DateTimeOffset? answeredAt = null)
    {
        var waited = (answeredAt ?? _time.GetUtcNow()) - request.RequestedAt;
        _events.Append(new InputAnsweredEvent(request.RequestId, request.TaskName, response.Decision, response.Reason, waited < TimeSpan.Zero ? TimeSpan.Zero : waited));
        AmshaTelemetry.RecordInputEvent("amsha.input.answered", request, response.Decision);
    }

    // The same review of the same task, or an approval of the same tool with the same arguments in the same task.
    private static bool SameQuestion(InputRequest a, InputRequest b) =>
        a.Kind == b.Kind
        && a.TaskName == b.TaskName
        && (a.Kind == InputRequestKind.TaskReview || (a.ToolName == b.ToolName && a.ToolArguments == b.ToolArguments));

    /// <summary>
    /// The answer, or a <see cref="TimeoutException"/> once <paramref name="deadline"/> passes on the session's clock.
    /// The deadline's timer is armed before this returns.
    /// </summary>
    private async Task<InputResponse> WaitUntilAsync(Task<InputResponse> answer, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        using var passed = new DeadlineTimer(_time, deadline);
        var first = await Task.WhenAny(answer.WaitAsync(cancellationToken), passed.Passed).ConfigureAwait(false);
        return first is Task<InputResponse> answered ? await answered.ConfigureAwait(false) : throw new TimeoutException();
    }

    /// <summary>
    /// A task that completes when a point in time passes on a <see cref="TimeProvider"/>. One timer reaches at most about
    /// 49.7 days ahead, and a request may stay open longer: the timer's callback arms it again for what is left, so
    /// each step is measured from the clock's time at that step.
    /// </summary>
    private sealed class DeadlineTimer : IDisposable
    {
        private readonly TimeProvider _time;
        private readonly DateTimeOffset _deadline;
        private readonly ITimer _timer;
        private readonly TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object _arming = new();
        private bool _disposed;

        public DeadlineTimer(TimeProvider time, DateTimeOffset deadline)
        {
            _time = time;
            _deadline = deadline;
            _timer = time.CreateTimer(static state => ((DeadlineTimer)state!).Arm(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Arm();
        }

        public Task Passed => _passed.Task;

        private void Arm()
        {
            var remaining = _deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                _passed.TrySetResult();
                return;
            }

            // A callback may still run after the wait ended; a disposed timer is not armed again.
            lock (_arming)
            {
                if (!_disposed)
                {
                    _timer.Change(remaining < TimerLimits.LongestWait ? remaining : TimerLimits.LongestWait, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Dispose()
        {
            lock (_arming)
            {
                _disposed = true;
                _timer.Dispose();
            }
        }
    }

    private sealed class Waiting(InputRequest request, Func<string, object?>? parseEdit)
    {
        public InputRequest Request { get; } = request;

        public Func<string, object?>? ParseEdit { get; } = parseEdit;

        public TaskCompletionSource<InputResponse> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
