using System;
using Microsoft.Extensions.Logging;

namespace Amsha;

/// <summary>
/// Amsha's log messages. Event ids 1000-1099 belong to Amsha (see docs/monitoring.md):
/// 1000-1019 executions and tasks (category <c>Amsha.Execution</c>), 1020-1049 reserved for
/// the LLM call path (<c>Amsha.Llm</c>), 1050-1069 monitoring (<c>Amsha.Monitoring</c>), 1070-1079 definitions
/// (<c>Amsha.Definitions</c>), 1080-1089 human input (<c>Amsha.Execution</c>).
/// No message carries prompt or completion text unless content capture is opted in
/// (<see cref="AmshaOptions.CaptureMessageContent"/>), and none carries an API key.
/// </summary>
internal static partial class AmshaLog
{
    public const string ExecutionCategory = "Amsha.Execution";
    public const string MonitoringCategory = "Amsha.Monitoring";
    public const string LlmCategory = "Amsha.Llm";

    [LoggerMessage(EventId = 1000, EventName = "ExecutionStarted", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of crew {CrewName} started ({Mode}, {TotalTasks} tasks)")]
    public static partial void ExecutionStarted(ILogger logger, string executionId, string crewName, ExecutionMode mode, int totalTasks);

    [LoggerMessage(EventId = 1001, EventName = "ExecutionCompleted", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} completed in {DurationMs} ms")]
    public static partial void ExecutionCompleted(ILogger logger, string executionId, double durationMs);

    [LoggerMessage(EventId = 1002, EventName = "ExecutionFailed", Level = LogLevel.Error,
        Message = "Execution {ExecutionId} failed with {ErrorType} (recoverable: {Recoverable})")]
    public static partial void ExecutionFailed(ILogger logger, string executionId, string errorType, bool recoverable);

    [LoggerMessage(EventId = 1003, EventName = "ExecutionCanceled", Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} was canceled")]
    public static partial void ExecutionCanceled(ILogger logger, string executionId);

    [LoggerMessage(EventId = 1004, EventName = "ExecutionFailureDetail", Level = LogLevel.Debug,
        Message = "Execution {ExecutionId} failure message: {ErrorMessage}")]
    public static partial void ExecutionFailureDetail(ILogger logger, string executionId, string errorMessage);

    [LoggerMessage(EventId = 1010, EventName = "TaskStarted", Level = LogLevel.Debug,
        Message = "Execution {ExecutionId}: task {TaskName} started (agent {AgentName})")]
    public static partial void TaskStarted(ILogger logger, string executionId, string taskName, string agentName);

    [LoggerMessage(EventId = 1011, EventName = "TaskCompleted", Level = LogLevel.Debug,
        Message = "Execution {ExecutionId}: task {TaskName} completed ({OutputLength} characters of output)")]
    public static partial void TaskCompleted(ILogger logger, string executionId, string taskName, int outputLength);

    [LoggerMessage(EventId = 1012, EventName = "TaskOutputContent", Level = LogLevel.Trace,
        Message = "Execution {ExecutionId}: task {TaskName} output: {Output}")]
    public static partial void TaskOutputContent(ILogger logger, string executionId, string taskName, string output);

    [LoggerMessage(EventId = 1020, EventName = "LlmCallStarted", Level = LogLevel.Debug,
        Message = "LLM call {CallId} of execution {ExecutionId} started: use case {UseCase} ({Provider}/{Model}), task {TaskName}")]
    public static partial void LlmCallStarted(ILogger logger, string callId, string executionId, string useCase, string provider, string? model, string? taskName);

    [LoggerMessage(EventId = 1021, EventName = "LlmCallRetrying", Level = LogLevel.Warning,
        Message = "LLM call {CallId} of execution {ExecutionId}: attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void LlmCallRetrying(ILogger logger, string callId, string executionId, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 1022, EventName = "LlmCallCompleted", Level = LogLevel.Debug,
        Message = "LLM call {CallId} of execution {ExecutionId} completed after {Attempts} attempt(s) in {DurationMs} ms: {InputTokens} input and {OutputTokens} output tokens")]
    public static partial void LlmCallCompleted(ILogger logger, string callId, string executionId, int attempts, double durationMs, long inputTokens, long outputTokens);

    [LoggerMessage(EventId = 1023, EventName = "LlmCallFailed", Level = LogLevel.Error,
        Message = "LLM call {CallId} of execution {ExecutionId} failed after {Attempts} attempt(s) with {ErrorType} (recoverable: {Recoverable})")]
    public static partial void LlmCallFailed(ILogger logger, string callId, string executionId, int attempts, string errorType, bool recoverable);

    [LoggerMessage(EventId = 1024, EventName = "LlmCallFailureDetail", Level = LogLevel.Debug,
        Message = "LLM call {CallId} failure message: {ErrorMessage}")]
    public static partial void LlmCallFailureDetail(ILogger logger, string callId, string errorMessage);

    [LoggerMessage(EventId = 1050, EventName = "ObserverFailed", Level = LogLevel.Error,
        Message = "Observer {ObserverType} threw while handling {EventType} of execution {ExecutionId}; the execution is unaffected and further failures of this observer are not logged")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string observerType, string eventType, string executionId);

    [LoggerMessage(EventId = 1051, EventName = "ObserverOverflow", Level = LogLevel.Warning,
        Message = "Observer {ObserverType} cannot keep up: its buffer of {Capacity} events is full, so events are dropped for it (the execution is unaffected; raise AmshaOptions.ObserverBufferCapacity or make the observer faster). Logged once per observer")]
    public static partial void ObserverOverflow(ILogger logger, string observerType, int capacity);

    public const string DefinitionsCategory = "Amsha.Definitions";

    [LoggerMessage(EventId = 1070, EventName = "DefinitionsLoaded", Level = LogLevel.Information,
        Message = "Definitions version {Version} are in force ({Agents} agents, {Tasks} tasks, {Crews} crews)")]
    public static partial void DefinitionsLoaded(ILogger logger, string version, int agents, int tasks, int crews);

    [LoggerMessage(EventId = 1071, EventName = "DefinitionsRejected", Level = LogLevel.Error,
        Message = "Definitions were not reloaded; version {Version} stays in force: {Reason}")]
    public static partial void DefinitionsRejected(ILogger logger, string version, string reason);

    [LoggerMessage(EventId = 1072, EventName = "DefinitionIgnored", Level = LogLevel.Warning,
        Message = "Definition source {Source}: {Warning}")]
    public static partial void DefinitionIgnored(ILogger logger, string source, string warning);

    [LoggerMessage(EventId = 1080, EventName = "InputRequested", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} waits for input: {Kind} request {RequestId} of task {TaskName}")]
    public static partial void InputRequested(ILogger logger, string executionId, InputRequestKind kind, string requestId, string taskName);

    [LoggerMessage(EventId = 1081, EventName = "InputAnswered", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} received {Decision} for request {RequestId} of task {TaskName} after {WaitedMs} ms")]
    public static partial void InputAnswered(ILogger logger, string executionId, InputDecision decision, string requestId, string taskName, double waitedMs);

    [LoggerMessage(EventId = 1082, EventName = "InputExpired", Level = LogLevel.Warning,
        Message = "Input request {RequestId} of execution {ExecutionId} (task {TaskName}) expired unanswered at {Deadline}; nothing runs until the client resumes it")]
    public static partial void InputExpired(ILogger logger, string executionId, string requestId, string taskName, DateTimeOffset deadline);

    [LoggerMessage(EventId = 1083, EventName = "ExecutionSuspended", Level = LogLevel.Information,
        Message = "Execution {ExecutionId} stopped in status {Status}, waiting on {Requests} input request(s); it holds no resources until answered")]
    public static partial void ExecutionSuspended(ILogger logger, string executionId, ExecutionStatus status, int requests);
}
