using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// The ActivitySource and the Meter named <c>Amsha</c>, and every instrument on it: the OpenTelemetry GenAI
/// semantic conventions' spans and client metrics, and Amsha's own <c>amsha.*</c> metrics (names and units
/// are public contract, see docs/monitoring.md). Nothing here may ever record an API key.
/// </summary>
internal static class AmshaTelemetry
{
    public const string Name = AmshaTelemetryNames.SourceName;

    private static readonly string s_version = typeof(AmshaTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public static readonly ActivitySource Source = new(Name, s_version);
    /// <summary>The one <c>Meter</c> named "Amsha": the GenAI client metrics and Amsha's own.</summary>
    public static readonly Meter Meter = new(AmshaTelemetryNames.MeterName, s_version);

    /// <summary>Second-based histogram boundaries (the GenAI conventions' advice); the SDK's defaults suit milliseconds.</summary>
    public static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68, 655.36],
    };

    public static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", unit: "{token}", description: "Number of input and output tokens used.");

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "gen_ai.client.operation.duration", unit: "s", description: "GenAI operation duration.", tags: null, advice: SecondsAdvice);

    /// <summary>Span <c>invoke_workflow {crew}</c> around a crew execution.</summary>
    public static Activity? StartWorkflow(string crewName, string executionId)
    {
        var activity = Source.StartActivity("invoke_workflow " + crewName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "invoke_workflow");
            activity.SetTag("gen_ai.workflow.name", crewName);
            activity.SetTag("amsha.execution.id", executionId);
        }

        return activity;
    }

    /// <summary>Span <c>invoke_agent {agent}</c> around one task.</summary>
    public static Activity? StartAgent(string agentName, string taskName)
    {
        var activity = Source.StartActivity("invoke_agent " + agentName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "invoke_agent");
            activity.SetTag("gen_ai.agent.name", agentName);
            activity.SetTag("amsha.task.name", taskName);
        }

        return activity;
    }

    /// <summary>
    /// Adds a span event (<c>amsha.input.requested</c>, <c>.answered</c>, <c>.expired</c>) to the current span (the workflow's
    /// for a review, the task's agent span for a tool approval): the trace shows where the execution waited for a person.
    /// Only ids and kinds, never the proposed output.
    /// </summary>
    public static void RecordInputEvent(string name, InputRequest request, InputDecision? decision)
    {
        if (Activity.Current is not { } activity || activity.Source != Source)
        {
            return;
        }

        var tags = new ActivityTagsCollection
        {
            ["amsha.input.request_id"] = request.RequestId,
            ["amsha.input.kind"] = request.Kind == InputRequestKind.TaskReview ? "task_review" : "tool_approval",
            ["amsha.task.name"] = request.TaskName,
        };
        if (request.ToolName is { } tool)
        {
            tags["gen_ai.tool.name"] = tool;
        }

        if (decision is { } answered)
        {
            tags["amsha.input.decision"] = answered switch { InputDecision.Approve => "approve", InputDecision.Reject => "reject", _ => "edit" };
        }

        activity.AddEvent(new ActivityEvent(name, tags: tags));
    }

    /// <summary>Marks <paramref name="activity"/> (and, for a failed task, its workflow) failed; always false, for use in exception filters.</summary>
    public static bool RecordFailure(Activity? activity, Exception exception, bool alsoParent = false)
    {
        if (activity is null || exception is OperationCanceledException or ExecutionSuspension)
        {
            return false;
        }

        var errorType = exception is LlmCallException call ? call.ErrorType : exception.GetType().FullName ?? "Exception";
        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", errorType);
        if (alsoParent && activity.Parent is { } parent && parent.Source == Source)
        {
            parent.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            parent.SetTag("error.type", errorType);
        }

        return false;
    }

    /// <summary>Span <c>chat {model}</c> for one LLM call (all its attempts).</summary>
    public static Activity? StartChat(LlmUseCase useCase, ChatOptions options)
    {
        var model = options.ModelId ?? useCase.Model;
        var activity = Source.StartActivity(model is null ? "chat" : "chat " + model, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("gen_ai.operation.name", "chat");
        activity.SetTag("gen_ai.provider.name", ProviderName(useCase.Provider));
        activity.SetTag("gen_ai.request.model", model);
        activity.SetTag("amsha.llm.use_case", useCase.Name);
        if (options.Temperature is { } temperature)
        {
            activity.SetTag("gen_ai.request.temperature", ConfiguredValue(temperature));
        }

        if (options.TopP is { } topP)
        {
            activity.SetTag("gen_ai.request.top_p", ConfiguredValue(topP));
        }

        if (options.MaxOutputTokens is { } maxTokens)
        {
            activity.SetTag("gen_ai.request.max_tokens", maxTokens);
        }

        if (options.PresencePenalty is { } presence)
        {
            activity.SetTag("gen_ai.request.presence_penalty", ConfiguredValue(presence));
        }

        if (options.FrequencyPenalty is { } frequency)
        {
            activity.SetTag("gen_ai.request.frequency_penalty", ConfiguredValue(frequency));
        }

        if (options.StopSequences is { Count: > 0 } stop)
        {
            activity.SetTag("gen_ai.request.stop_sequences", ToArray(stop));
        }

        return activity;
    }

    /// <summary>Span <c>execute_tool {tool}</c> for one tool call, a child of the <c>chat</c> span whose answer asked for it.</summary>
    public static Activity? StartTool(string toolName, string callId, ActivityContext chatSpan)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var tags = new ActivityTagsCollection
        {
            { "gen_ai.operation.name", "execute_tool" },
            { "gen_ai.tool.name", toolName },
            { "gen_ai.tool.call.id", callId },
            { "gen_ai.tool.type", "function" },
        };
        return chatSpan == default
            ? Source.StartActivity(ActivityKind.Internal, tags: tags, name: "execute_tool " + toolName)
            : Source.StartActivity("execute_tool " + toolName, ActivityKind.Internal, chatSpan, tags);
    }

    /// <summary>Marks a tool span failed with a low-cardinality <paramref name="errorType"/>.</summary>
    public static void RecordToolFailure(Activity? activity, string errorType)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, errorType);
        activity.SetTag("error.type", errorType);
    }

    public static void RecordRetry(Activity? activity, int attempt, TimeSpan delay, string reason)
    {
        activity?.AddEvent(new ActivityEvent("gen_ai.client.retry", tags: new ActivityTagsCollection
        {
            ["amsha.retry.attempt"] = attempt,
            ["amsha.retry.delay_ms"] = (long)delay.TotalMilliseconds,
            ["error.type"] = reason,
        }));
    }

    public static void RecordInput(Activity? activity, IList<ChatMessage> messages) =>
        activity?.SetTag("gen_ai.input.messages", MessagesJson(messages));

    public static void RecordOutput(Activity? activity, string text) =>
        activity?.SetTag("gen_ai.output.messages", MessagesJson(new[] { new ChatMessage(ChatRole.Assistant, text) }));

    public static void RecordResponse(Activity? activity, ChatResponse response, TokenUsage usage, int attempts)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("gen_ai.response.model", response.ModelId);
        activity.SetTag("gen_ai.response.id", response.ResponseId);
        if (response.FinishReason is { } finish)
        {
            activity.SetTag("gen_ai.response.finish_reasons", new[] { finish.Value });
        }

        RecordUsage(activity, usage, attempts);
    }

    public static void RecordUsage(Activity? activity, TokenUsage usage, int attempts)
    {
        activity?.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
        activity?.SetTag("amsha.llm.attempts", attempts);
    }

    public static void RecordCallMetrics(LlmUseCase useCase, string? model, TokenUsage usage, TimeSpan duration, string? errorType)
    {
        var provider = ProviderName(useCase.Provider);
        var common = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", provider },
            { "gen_ai.request.model", model },
        };
        if (errorType is not null)
        {
            common.Add("error.type", errorType);
        }

        OperationDuration.Record(duration.TotalSeconds, common);
        if (errorType is null || usage.TotalTokens > 0)
        {
            var input = common;
            input.Add("gen_ai.token.type", "input");
            TokenUsage.Record(usage.InputTokens, input);
            var output = common;
            output.Add("gen_ai.token.type", "output");
            TokenUsage.Record(usage.OutputTokens, output);
        }
    }

    // A float parameter as the decimal the user configured: 0.2f widened to double is 0.20000000298023224,
    // while its shortest round-trip text is "0.2".
    internal static double ConfiguredValue(float value) =>
        double.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    // The GenAI conventions use lower-case well-known provider names.
    private static string ProviderName(string provider) => provider.ToLowerInvariant() switch
    {
        "openai" => "openai",
        "azureopenai" => "azure.ai.openai",
        var other => other,
    };

    private static string[] ToArray(IList<string> items)
    {
        var array = new string[items.Count];
        items.CopyTo(array, 0);
        return array;
    }

    // {"role":"user","parts":[{"type":"text","content":"..."}]} per the GenAI conventions; written by hand (no reflection).
    private static string MessagesJson(IEnumerable<ChatMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role.Value);
                writer.WriteStartArray("parts");
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("content", message.Text);
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // Amsha's own metrics.

    public const string ActiveExecutionsName = "amsha.executions.active";
    public const string ExecutionDurationName = "amsha.execution.duration";
    public const string TaskDurationName = "amsha.task.duration";
    public const string LlmRetriesName = "amsha.llm.retries";

    public const string CrewTag = "amsha.crew.name";
    public const string ModeTag = "amsha.execution.mode";
    public const string StatusTag = "amsha.execution.status";
    public const string TaskTag = "amsha.task.name";

    public static readonly UpDownCounter<long> ActiveExecutions = Meter.CreateUpDownCounter<long>(
        ActiveExecutionsName, unit: "{execution}", description: "Executions running now.");

    public static readonly Histogram<double> ExecutionDuration = Meter.CreateHistogram(
        ExecutionDurationName, unit: "s", description: "Duration of finished executions (one process run of them).", tags: null, advice: SecondsAdvice);

    public static readonly Histogram<double> TaskDuration = Meter.CreateHistogram(
        TaskDurationName, unit: "s", description: "Duration of finished tasks.", tags: null, advice: SecondsAdvice);

    public static readonly Counter<long> LlmRetries = Meter.CreateCounter<long>(
        LlmRetriesName, unit: "{retry}", description: "LLM call attempts retried after a transient failure.");

    public static void RecordExecutionStarted(string crewName, ExecutionMode mode) =>
        ActiveExecutions.Add(1, new KeyValuePair<string, object?>(CrewTag, crewName), new KeyValuePair<string, object?>(ModeTag, ModeName(mode)));

    public static void RecordExecutionEnded(string crewName, ExecutionMode mode, ExecutionStatus status, double seconds)
    {
        var crew = new KeyValuePair<string, object?>(CrewTag, crewName);
        var modeTag = new KeyValuePair<string, object?>(ModeTag, ModeName(mode));
        ActiveExecutions.Add(-1, crew, modeTag);
        ExecutionDuration.Record(seconds, crew, modeTag, new KeyValuePair<string, object?>(StatusTag, StatusName(status)));
    }

    public static void RecordTaskEnded(string crewName, string taskName, double seconds) =>
        TaskDuration.Record(seconds, new KeyValuePair<string, object?>(CrewTag, crewName), new KeyValuePair<string, object?>(TaskTag, taskName));

    public static void RecordRetryCount(string? crewName, string taskName)
    {
        if (crewName is null)
        {
            LlmRetries.Add(1, new KeyValuePair<string, object?>(TaskTag, taskName));
        }
        else
        {
            LlmRetries.Add(1, new KeyValuePair<string, object?>(CrewTag, crewName), new KeyValuePair<string, object?>(TaskTag, taskName));
        }
    }

    // Fixed lower-case strings keep tag values stable whatever the enum names become.
    private static string ModeName(ExecutionMode mode) => mode == ExecutionMode.Background ? "background" : "interactive";

    private static string StatusName(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Succeeded => "succeeded",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Canceled => "canceled",
        ExecutionStatus.WaitingForInput => "waiting_for_input",
        ExecutionStatus.InputExpired => "input_expired",
        _ => "running",
    };
}
