using Microsoft.Extensions.Logging;

namespace Amsha;

/// <summary>Logs execution and task events (category <c>Amsha.Execution</c>); content only when capture is opted in.</summary>
internal sealed class ExecutionLogger
{
    private readonly ILogger _logger;
    private readonly ILogger _llmLogger;
    private readonly bool _captureContent;

    public ExecutionLogger(ILogger logger, ILogger llmLogger, bool captureContent)
    {
        _logger = logger;
        _llmLogger = llmLogger;
        _captureContent = captureContent;
    }

    public void Observe(ExecutionEvent e)
    {
        switch (e)
        {
            case ExecutionStartedEvent started:
                AmshaLog.ExecutionStarted(_logger, e.ExecutionId, started.CrewName, started.Mode, started.TotalTasks);
                break;
            case ExecutionCompletedEvent completed:
                AmshaLog.ExecutionCompleted(_logger, e.ExecutionId, completed.Duration.TotalMilliseconds);
                break;
            case ExecutionFailedEvent failed:
                AmshaLog.ExecutionFailed(_logger, e.ExecutionId, failed.ErrorType, failed.Recoverable);

                // An error message may quote the model's answer (e.g. a parse failure), so it is content.
                if (_captureContent)
                {
                    AmshaLog.ExecutionFailureDetail(_logger, e.ExecutionId, failed.Message);
                }

                break;
            case ExecutionCanceledEvent:
                AmshaLog.ExecutionCanceled(_logger, e.ExecutionId);
                break;
            case InputRequestedEvent requested:
                AmshaLog.InputRequested(_logger, e.ExecutionId, requested.Request.Kind, requested.Request.RequestId, requested.Request.TaskName);
                break;
            case InputAnsweredEvent answered:
                AmshaLog.InputAnswered(_logger, e.ExecutionId, answered.Decision, answered.RequestId, answered.TaskName, answered.Waited.TotalMilliseconds);
                break;
            case InputExpiredEvent expired:
                AmshaLog.InputExpired(_logger, e.ExecutionId, expired.RequestId, expired.TaskName, expired.Deadline);
                break;
            case ExecutionSuspendedEvent suspended:
                AmshaLog.ExecutionSuspended(_logger, e.ExecutionId, suspended.Status, suspended.RequestIds.Count);
                break;
            case TaskStartedEvent task:
                AmshaLog.TaskStarted(_logger, e.ExecutionId, task.TaskName, task.AgentName);
                break;
            case TaskCompletedEvent task:
                AmshaLog.TaskCompleted(_logger, e.ExecutionId, task.TaskName, task.Output.Length);
                if (_captureContent)
                {
                    AmshaLog.TaskOutputContent(_logger, e.ExecutionId, task.TaskName, task.Output);
                }

                break;

            // The call path's events: the retry reason is a status or fault kind, never message text.
            case LlmCallStartedEvent call:
                AmshaLog.LlmCallStarted(_llmLogger, call.CallId, e.ExecutionId, call.UseCase, call.Provider, call.Model, call.TaskName);
                break;
            case LlmCallRetryingEvent retrying:
                AmshaLog.LlmCallRetrying(_llmLogger, retrying.CallId, e.ExecutionId, retrying.Attempt, retrying.Reason, retrying.Delay.TotalMilliseconds);
                break;
            case LlmCallCompletedEvent completed:
                AmshaLog.LlmCallCompleted(_llmLogger, completed.CallId, e.ExecutionId, completed.Attempts, completed.Duration.TotalMilliseconds, completed.Usage.InputTokens, completed.Usage.OutputTokens);
                break;
            case LlmCallFailedEvent failed:
                AmshaLog.LlmCallFailed(_llmLogger, failed.CallId, e.ExecutionId, failed.Attempts, failed.ErrorType, failed.Recoverable);

                // A provider's error message may quote the prompt or the answer, so it is content.
                if (_captureContent)
                {
                    AmshaLog.LlmCallFailureDetail(_llmLogger, failed.CallId, failed.Message);
                }

                break;
        }
    }
}
