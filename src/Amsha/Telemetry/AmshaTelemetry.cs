using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
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

    /// <summary>
    /// The GenAI conventions' bucket advice for second-based client histograms (operation duration, chunk timings):
    /// 14 boundaries, 0.01 s to 81.92 s.
    /// </summary>
    public static readonly InstrumentAdvice<double> GenAiSecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
    };

    /// <summary>The GenAI conventions' bucket advice for token histograms: powers of 4 from 1 to 67108864.</summary>
    public static readonly InstrumentAdvice<long> GenAiTokenAdvice = new()
    {
        HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
    };

    /// <summary>Second-based boundaries of Amsha's own duration histograms: the GenAI ones, extended to 655.36 s (crews run long).</summary>
    public static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68, 655.36],
    };

    // The pinned layout (GenAI conventions v1.41.0).

    public static readonly Histogram<long> TokenUsage = Meter.CreateHistogram(
        "gen_ai.client.token.usage", unit: "{token}", description: "Number of input and output tokens used.", tags: null, advice: GenAiTokenAdvice);

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "gen_ai.client.operation.duration", unit: "s", description: "GenAI operation duration.", tags: null, advice: GenAiSecondsAdvice);

    public static readonly Histogram<double> TimeToFirstChunk = Meter.CreateHistogram(
        "gen_ai.client.operation.time_to_first_chunk", unit: "s",
        description: "Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.",
        tags: null, advice: GenAiSecondsAdvice);

    public static readonly Histogram<double> TimePerOutputChunk = Meter.CreateHistogram(
        "gen_ai.client.operation.time_per_output_chunk", unit: "s",
        description: "Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.",
        tags: null, advice: GenAiSecondsAdvice);

    // The newer layout (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental): token counters per category and
    // per-operation token histograms replace gen_ai.client.token.usage.

    public static readonly Histogram<long> OperationInputTokens = Meter.CreateHistogram(
        "gen_ai.client.inference.operation.input_tokens", unit: "{token}", description: "The number of input (prompt) tokens used per inference operation.", tags: null, advice: GenAiTokenAdvice);

    public static readonly Histogram<long> OperationOutputTokens = Meter.CreateHistogram(
        "gen_ai.client.inference.operation.output_tokens", unit: "{token}", description: "The number of output (completion) tokens used per inference operation.", tags: null, advice: GenAiTokenAdvice);

    public static readonly Counter<long> UsageInputTokens = Meter.CreateCounter<long>(
        "gen_ai.client.inference.usage.input_tokens", unit: "{token}", description: "The number of input (prompt) tokens used, including cached tokens.");

    public static readonly Counter<long> UsageOutputTokens = Meter.CreateCounter<long>(
        "gen_ai.client.inference.usage.output_tokens", unit: "{token}", description: "The number of output (completion) tokens used, including reasoning tokens.");

    public static readonly Counter<long> UsageCacheReadInputTokens = Meter.CreateCounter<long>(
        "gen_ai.client.inference.usage.cache_read.input_tokens", unit: "{token}", description: "The number of input tokens served from a provider-managed cache.");

    public static readonly Counter<long> UsageReasoningOutputTokens = Meter.CreateCounter<long>(
        "gen_ai.client.inference.usage.reasoning.output_tokens", unit: "{token}", description: "The number of output tokens used for reasoning (e.g. chain-of-thought, extended thinking).");

    /// <summary>Whether any GenAI client instrument of the layout in force has a listener: a call observed by nobody records nothing.</summary>
    public static bool ClientMetricsEnabled =>
        OperationDuration.Enabled || TimeToFirstChunk.Enabled || TimePerOutputChunk.Enabled
        || (GenAiConventions.UseLatest
            ? OperationInputTokens.Enabled || OperationOutputTokens.Enabled || UsageInputTokens.Enabled || UsageOutputTokens.Enabled || UsageCacheReadInputTokens.Enabled || UsageReasoningOutputTokens.Enabled
            : TokenUsage.Enabled);

    /// <summary>Span <c>invoke_workflow {crew}</c> around a crew execution.</summary>
    public static Activity? StartWorkflow(string crewName, string executionId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // Sampling-relevant attributes go in at creation, so samplers see them.
        var tags = new ActivityTagsCollection
        {
            { "gen_ai.operation.name", "invoke_workflow" },
            { "gen_ai.workflow.name", crewName },
            { "amsha.execution.id", executionId },
        };
        return Source.StartActivity(ActivityKind.Internal, tags: tags, name: "invoke_workflow " + crewName);
    }

    /// <summary>
    /// Span <c>invoke_agent {agent}</c> around one task. <paramref name="endpoint"/> and <paramref name="model"/> are those
    /// of the agent's use case (null when it could not be resolved: the task's call fails with the reason).
    /// </summary>
    public static Activity? StartAgent(string agentName, string taskName, LlmEndpoint? endpoint, string? model, ChatResponseFormat? responseFormat)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var tags = new ActivityTagsCollection
        {
            { "gen_ai.operation.name", "invoke_agent" },
            { "gen_ai.agent.name", agentName },
        };
        if (endpoint is not null)
        {
            tags.Add("gen_ai.provider.name", endpoint.ProviderName);
        }

        if (model is not null)
        {
            tags.Add("gen_ai.request.model", model);
        }

        var activity = Source.StartActivity(ActivityKind.Internal, tags: tags, name: "invoke_agent " + agentName);
        if (activity is not null)
        {
            activity.SetTag("amsha.task.name", taskName);
            if (OutputType(responseFormat) is { } outputType)
            {
                activity.SetTag("gen_ai.output.type", outputType);
            }
        }

        return activity;
    }

    /// <summary>Adds one LLM call's usage to its task's <c>invoke_agent</c> span: the span carries the sum of its calls.</summary>
    public static void AddAgentUsage(Activity? agent, TokenUsage usage)
    {
        if (agent is null)
        {
            return;
        }

        agent.SetTag("gen_ai.usage.input_tokens", (agent.GetTagItem("gen_ai.usage.input_tokens") as long? ?? 0) + usage.InputTokens);
        agent.SetTag("gen_ai.usage.output_tokens", (agent.GetTagItem("gen_ai.usage.output_tokens") as long? ?? 0) + usage.OutputTokens);
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

    /// <summary>
    /// The one error rule for Amsha's spans: an operation that ended with <paramref name="exception"/> gets status
    /// <c>Error</c> and <c>error.type</c> (see <see cref="ErrorTypeOf"/>), and no status description (it would repeat
    /// <c>error.type</c>, and messages may quote the provider or the model: they go to logs under content capture).
    /// A suspension to wait for a person is not an error. Always false, for use in exception filters.
    /// </summary>
    public static bool RecordFailure(Activity? activity, Exception exception)
    {
        if (activity is not null && ErrorTypeOf(exception) is { } errorType)
        {
            RecordError(activity, errorType);
        }

        return false;
    }

    /// <summary>Marks <paramref name="activity"/> failed with the low-cardinality <paramref name="errorType"/> (the one error rule).</summary>
    public static void RecordError(Activity? activity, string errorType)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag("error.type", errorType);
    }

    /// <summary>
    /// <c>error.type</c> of an exception: <c>canceled</c> for a cancellation, an LLM call's own kind (status code,
    /// <c>timeout</c>, …), the wrapped exception's type for an execution failure that wraps one, else the exception's
    /// full type name. Null for a suspension or an expired input request, which end an execution without failing it.
    /// </summary>
    public static string? ErrorTypeOf(Exception exception) => exception switch
    {
        ExecutionSuspension or InputExpiredException => null,
        OperationCanceledException => "canceled",
        LlmCallException call => call.ErrorType,
        ExecutionException { InnerException: { } inner } => inner.GetType().FullName ?? "_OTHER",
        _ => exception.GetType().FullName ?? "_OTHER",
    };

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

    /// <summary>Marks a tool span failed with a low-cardinality <paramref name="errorType"/> (the one error rule).</summary>
    public static void RecordToolFailure(Activity? activity, string errorType) => RecordError(activity, errorType);

    /// <summary><c>gen_ai.output.type</c> of a requested response format: <c>json</c> for a JSON format (with or without schema), <c>text</c> for text.</summary>
    public static string? OutputType(ChatResponseFormat? format) => format switch
    {
        ChatResponseFormatJson => "json",
        ChatResponseFormatText => "text",
        _ => null,
    };

    // A float parameter as the decimal the user configured: 0.2f widened to double is 0.20000000298023224,
    // while its shortest round-trip text is "0.2".
    internal static double ConfiguredValue(float value) =>
        double.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

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
        ExecutionStatus.Interrupted => "interrupted",
        _ => "running",
    };
}
