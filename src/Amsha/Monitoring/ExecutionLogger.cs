using Microsoft.Extensions.Logging;

namespace Amsha;

/// <summary>Logs execution and task events (category <c>Amsha.Execution</c>); content only when capture is opted in.</summary>
internal sealed class ExecutionLogger
{
    private readonly ILogger _logger;
    private readonly bool _captureContent;

    public ExecutionLogger(ILogger logger, bool captureContent)
    {
        _logger = logger;
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
        }
    }
}
