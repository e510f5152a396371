using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.Json;

namespace Amsha.AspNetCore.Endpoints;

/// <summary>What a summary or detail shows beyond the stored record: whether content may be shown, and live figures.</summary>
/// <param name="IncludeContent">Whether message content (outputs, input, error messages, tool arguments and results) is written.</param>
/// <param name="CurrentTask">The task running now, when the execution runs in this process.</param>
/// <param name="RunningTasks">The tasks running now (from the event hub), when the execution runs in this process.</param>
internal readonly record struct ExecutionView(bool IncludeContent, string? CurrentTask = null, IReadOnlyList<StreamedTask>? RunningTasks = null);

/// <summary>
/// The JSON of the endpoints, written by hand with <see cref="Utf8JsonWriter"/> (camelCase, no reflection, trim and
/// AOT safe). The shapes are documented in docs/http-endpoints.md; the dashboard reads the same shapes.
/// </summary>
internal static class ExecutionJson
{
    private static readonly ConcurrentDictionary<Type, string> s_kinds = new();

    /// <summary>Writes an execution summary object.</summary>
    public static void WriteSummary(Utf8JsonWriter writer, ExecutionRecord record, ExecutionView view)
    {
        writer.WriteStartObject();
        WriteSummaryMembers(writer, record, view);
        writer.WriteEndObject();
    }

    /// <summary>Writes an execution detail object: the summary's members and tasks, status history, tool calls, pending input and input.</summary>
    public static void WriteDetail(Utf8JsonWriter writer, ExecutionRecord record, ExecutionView view)
    {
        writer.WriteStartObject();
        WriteSummaryMembers(writer, record, view);
        WriteTasks(writer, record, view);

        writer.WriteStartArray("statusHistory");
        foreach (var change in record.StatusHistory)
        {
            writer.WriteStartObject();
            writer.WriteString("status", StatusName(change.Status));
            writer.WriteString("at", change.At);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("toolCalls");
        foreach (var call in record.ToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("task", call.TaskName);
            writer.WriteString("tool", call.ToolName);
            writer.WriteString("callId", call.CallId);
            if (view.IncludeContent)
            {
                writer.WriteString("arguments", call.Arguments);
                writer.WriteString("result", call.Result);
            }

            writer.WriteString("completedAt", call.CompletedAt);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("pendingInput");
        foreach (var request in record.PendingInput)
        {
            WriteInputRequest(writer, request, view.IncludeContent);
        }

        writer.WriteEndArray();

        if (view.IncludeContent)
        {
            writer.WritePropertyName("input");
            WriteRawJsonOrString(writer, record.InputJson);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes one event as the data of a Server-Sent Event: <c>{"sequence","type","timestamp", …members}</c>.</summary>
    public static void WriteEvent(Utf8JsonWriter writer, long sequence, ExecutionEvent e, bool includeContent)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", sequence);
        writer.WriteString("type", KindOf(e));
        writer.WriteString("executionId", e.ExecutionId);
        writer.WriteString("timestamp", e.Timestamp);
        switch (e)
        {
            case ExecutionStartedEvent started:
                writer.WriteString("crew", started.CrewName);
                writer.WriteString("mode", ModeName(started.Mode));
                writer.WriteNumber("totalTasks", started.TotalTasks);
                break;
            case CheckpointWrittenEvent checkpoint:
                writer.WriteNumber("revision", checkpoint.Revision);
                writer.WriteNumber("completedTasks", checkpoint.CompletedTasks);
                writer.WriteString("status", StatusName(checkpoint.Status));
                break;
            case TaskStartedEvent task:
                writer.WriteString("task", task.TaskName);
                writer.WriteString("agent", task.AgentName);
                writer.WriteNumber("taskIndex", task.TaskIndex);
                break;
            case TaskCompletedEvent task:
                writer.WriteString("task", task.TaskName);
                WriteContent(writer, "output", task.Output, includeContent);
                break;
            case TokenDeltaEvent delta:
                writer.WriteString("task", delta.TaskName);
                WriteContent(writer, "text", delta.Text, includeContent);
                break;
            case LlmCallStartedEvent call:
                writer.WriteString("callId", call.CallId);
                writer.WriteString("useCase", call.UseCase);
                writer.WriteString("provider", call.Provider);
                WriteOptional(writer, "model", call.Model);
                WriteOptional(writer, "task", call.TaskName);
                break;
            case LlmCallRetryingEvent call:
                writer.WriteString("callId", call.CallId);
                writer.WriteString("useCase", call.UseCase);
                writer.WriteNumber("attempt", call.Attempt);
                writer.WriteNumber("delayMs", Milliseconds(call.Delay));
                writer.WriteString("reason", call.Reason);
                WriteTokens(writer, call.Usage);
                WriteOptional(writer, "task", call.TaskName);
                break;
            case LlmCallCompletedEvent call:
                writer.WriteString("callId", call.CallId);
                writer.WriteString("useCase", call.UseCase);
                WriteOptional(writer, "model", call.Model);
                writer.WriteNumber("attempts", call.Attempts);
                WriteTokens(writer, call.Usage);
                writer.WriteNumber("durationMs", Milliseconds(call.Duration));
                WriteOptional(writer, "task", call.TaskName);
                break;
            case LlmCallFailedEvent call:
                writer.WriteString("callId", call.CallId);
                writer.WriteString("useCase", call.UseCase);
                writer.WriteNumber("attempts", call.Attempts);
                WriteTokens(writer, call.Usage);
                writer.WriteString("errorType", call.ErrorType);
                WriteContent(writer, "message", call.Message, includeContent);
                writer.WriteBoolean("recoverable", call.Recoverable);
                WriteOptional(writer, "task", call.TaskName);
                break;
            case ToolCallStartedEvent tool:
                writer.WriteString("task", tool.TaskName);
                writer.WriteString("tool", tool.ToolName);
                writer.WriteString("callId", tool.CallId);
                writer.WriteNumber("round", tool.Round);
                WriteContent(writer, "arguments", tool.Arguments, includeContent);
                break;
            case ToolCallCompletedEvent tool:
                writer.WriteString("task", tool.TaskName);
                writer.WriteString("tool", tool.ToolName);
                writer.WriteString("callId", tool.CallId);
                writer.WriteNumber("durationMs", Milliseconds(tool.Duration));
                WriteContent(writer, "result", tool.Result, includeContent);
                writer.WriteBoolean("replayed", tool.Replayed);
                break;
            case ToolCallFailedEvent tool:
                writer.WriteString("task", tool.TaskName);
                writer.WriteString("tool", tool.ToolName);
                writer.WriteString("callId", tool.CallId);
                writer.WriteNumber("durationMs", Milliseconds(tool.Duration));
                writer.WriteString("errorType", tool.ErrorType);
                WriteContent(writer, "message", tool.Message, includeContent);
                writer.WriteBoolean("failsTask", tool.FailsTask);
                break;
            case InputRequestedEvent input:
                writer.WritePropertyName("request");
                WriteInputRequest(writer, input.Request, includeContent);
                break;
            case InputAnsweredEvent answered:
                writer.WriteString("requestId", answered.RequestId);
                writer.WriteString("task", answered.TaskName);
                writer.WriteString("decision", DecisionName(answered.Decision));
                WriteContent(writer, "reason", answered.Reason, includeContent);
                writer.WriteNumber("waitedMs", Milliseconds(answered.Waited));
                break;
            case InputExpiredEvent expired:
                writer.WriteString("requestId", expired.RequestId);
                writer.WriteString("task", expired.TaskName);
                writer.WriteString("deadline", expired.Deadline);
                break;
            case ExecutionSuspendedEvent suspended:
                writer.WriteString("status", StatusName(suspended.Status));
                writer.WriteStartArray("requestIds");
                foreach (var id in suspended.RequestIds)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
                break;
            case ExecutionCompletedEvent completed:
                writer.WriteNumber("durationMs", Milliseconds(completed.Duration));
                break;
            case ExecutionFailedEvent failed:
                writer.WriteString("errorType", failed.ErrorType);
                WriteContent(writer, "message", failed.Message, includeContent);
                writer.WriteBoolean("recoverable", failed.Recoverable);
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>The SSE event name of <paramref name="e"/>: its type name in camelCase without the <c>Event</c> suffix (<c>taskStarted</c>).</summary>
    public static string KindOf(ExecutionEvent e) => s_kinds.GetOrAdd(e.GetType(), static type =>
    {
        var name = type.Name;
        if (name.EndsWith("Event", StringComparison.Ordinal) && name.Length > "Event".Length)
        {
            name = name.Substring(0, name.Length - "Event".Length);
        }

        return CamelCase(name);
    });

    /// <summary>A status as the endpoints write it: <c>pending</c>, <c>running</c>, <c>waitingForInput</c>, …</summary>
    public static string StatusName(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Pending => "pending",
        ExecutionStatus.Running => "running",
        ExecutionStatus.WaitingForInput => "waitingForInput",
        ExecutionStatus.InputExpired => "inputExpired",
        ExecutionStatus.Succeeded => "succeeded",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Canceled => "canceled",
        ExecutionStatus.Interrupted => "interrupted",
        _ => CamelCase(status.ToString()),
    };

    /// <summary>Whether a stored execution with <paramref name="status"/> has stopped (nothing runs for it).</summary>
    public static bool IsStopped(ExecutionStatus status) => status is not (ExecutionStatus.Pending or ExecutionStatus.Running);

    private static void WriteSummaryMembers(Utf8JsonWriter writer, ExecutionRecord record, ExecutionView view)
    {
        writer.WriteString("id", record.ExecutionId);
        writer.WriteString("crew", record.CrewName);
        writer.WriteString("status", StatusName(record.Status));
        writer.WriteString("mode", ModeName(record.Mode));

        writer.WriteStartObject("progress");
        writer.WriteNumber("completedTasks", record.TaskOutputs.Count);
        writer.WriteNumber("totalTasks", record.TotalTasks);
        if (!IsStopped(record.Status) && view.CurrentTask is { } current)
        {
            writer.WriteString("currentTask", current);
        }

        writer.WriteEndObject();

        WriteTokens(writer, record.Metrics?.Tokens ?? default);
        writer.WriteString("createdAt", record.CreatedAt);
        writer.WriteString("updatedAt", record.UpdatedAt);
        if (StartedAt(record) is { } startedAt)
        {
            writer.WriteString("startedAt", startedAt);
        }

        if (IsStopped(record.Status) && record.StatusHistory.Count > 0)
        {
            writer.WriteString("endedAt", record.StatusHistory[^1].At);
        }

        writer.WriteNumber("durationMs", Milliseconds(record.Metrics?.Duration ?? record.RunTime));
        WriteOptional(writer, "definitionVersion", record.DefinitionVersion);
        if (record.Error is { } error)
        {
            writer.WriteStartObject("error");
            writer.WriteString("type", error.Type);
            if (view.IncludeContent)
            {
                writer.WriteString("message", error.Message);
            }

            writer.WriteBoolean("recoverable", error.Recoverable);
            writer.WriteEndObject();
        }
    }

    // Every task the execution has reached: finished ones (stored outputs), ones with figures (started in a run
    // that checkpointed) and ones running now. Tasks not started yet are not known by name: progress.totalTasks counts them.
    private static void WriteTasks(Utf8JsonWriter writer, ExecutionRecord record, ExecutionView view)
    {
        var tasks = new List<(string Name, string Agent, int Index, StoredTaskOutput? Output)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in record.TaskOutputs)
        {
            if (seen.Add(output.TaskName))
            {
                tasks.Add((output.TaskName, output.AgentName, output.TaskIndex, output));
            }
        }

        var running = new HashSet<string>(StringComparer.Ordinal);
        if (!IsStopped(record.Status) && view.RunningTasks is { } live)
        {
            foreach (var task in live)
            {
                running.Add(task.Name);
                if (seen.Add(task.Name))
                {
                    tasks.Add((task.Name, task.Agent, task.Index, null));
                }
            }
        }

        if (record.Metrics is { } metrics)
        {
            foreach (var task in metrics.Tasks)
            {
                if (seen.Add(task.TaskName))
                {
                    tasks.Add((task.TaskName, task.AgentName, int.MaxValue, null));
                }
            }
        }

        // Declaration order where known; tasks known only from figures after them, in the order they started.
        var ordered = new List<(string Name, string Agent, int Index, StoredTaskOutput? Output)>(tasks);
        ordered.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : tasks.IndexOf(a).CompareTo(tasks.IndexOf(b)));

        writer.WriteStartArray("tasks");
        foreach (var task in ordered)
        {
            var figures = record.Metrics?.GetTask(task.Name);
            writer.WriteStartObject();
            writer.WriteString("name", task.Name);
            writer.WriteString("agent", task.Agent);
            if (task.Index != int.MaxValue)
            {
                writer.WriteNumber("index", task.Index);
            }

            writer.WriteString("status", task.Output is not null ? "succeeded" : running.Contains(task.Name) ? "running" : "pending");
            if (task.Output is { } output)
            {
                WriteContent(writer, "output", output.Text, view.IncludeContent);
            }

            WriteTokens(writer, figures?.Tokens ?? default);
            writer.WriteNumber("durationMs", Milliseconds(task.Output?.Duration ?? figures?.Duration ?? TimeSpan.Zero));
            writer.WriteNumber("llmCalls", figures?.LlmCalls ?? 0);
            writer.WriteNumber("retries", figures?.Retries ?? 0);
            writer.WriteNumber("toolCalls", figures?.ToolCalls ?? 0);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteInputRequest(Utf8JsonWriter writer, InputRequest request, bool includeContent)
    {
        writer.WriteStartObject();
        writer.WriteString("requestId", request.RequestId);
        writer.WriteString("kind", request.Kind == InputRequestKind.ToolApproval ? "toolApproval" : "taskReview");
        writer.WriteString("task", request.TaskName);
        writer.WriteString("agent", request.AgentName);
        writer.WriteString("question", request.Question);
        writer.WriteStartArray("allowed");
        writer.WriteStringValue("approve");
        writer.WriteStringValue("reject");
        if ((request.Allowed & ReviewKind.Edit) != 0)
        {
            writer.WriteStringValue("edit");
        }

        writer.WriteEndArray();
        if (request.ProposedOutput is not null)
        {
            WriteContent(writer, "proposedOutput", request.ProposedOutput, includeContent);
        }

        WriteOptional(writer, "tool", request.ToolName);
        WriteOptional(writer, "toolCallId", request.ToolCallId);
        if (request.ToolArguments is not null)
        {
            WriteContent(writer, "toolArguments", request.ToolArguments, includeContent);
        }

        writer.WriteString("requestedAt", request.RequestedAt);
        if (request.Deadline is { } deadline)
        {
            writer.WriteString("deadline", deadline);
        }

        writer.WriteEndObject();
    }

    private static void WriteTokens(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("tokens");
        writer.WriteNumber("input", usage.InputTokens);
        writer.WriteNumber("output", usage.OutputTokens);
        writer.WriteNumber("total", usage.TotalTokens);
        writer.WriteEndObject();
    }

    // Content is written only with content capture on; its length is always given (when there is content).
    private static void WriteContent(Utf8JsonWriter writer, string name, string? value, bool includeContent)
    {
        if (value is null)
        {
            return;
        }

        if (includeContent)
        {
            writer.WriteString(name, value);
        }

        writer.WriteNumber(name + "Length", value.Length);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteRawJsonOrString(Utf8JsonWriter writer, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    private static DateTimeOffset? StartedAt(ExecutionRecord record)
    {
        foreach (var change in record.StatusHistory)
        {
            if (change.Status == ExecutionStatus.Running)
            {
                return change.At;
            }
        }

        return null;
    }

    private static string ModeName(ExecutionMode mode) => mode == ExecutionMode.Interactive ? "interactive" : "background";

    private static string DecisionName(InputDecision decision) => decision switch
    {
        InputDecision.Approve => "approve",
        InputDecision.Reject => "reject",
        InputDecision.Edit => "edit",
        _ => CamelCase(decision.ToString()),
    };

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    private static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
}
