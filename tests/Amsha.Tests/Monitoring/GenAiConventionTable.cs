using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using OpenTelemetry.Metrics;

namespace Amsha.Tests.Monitoring;

/// <summary>
/// The OpenTelemetry GenAI semantic conventions as Amsha pins them (open-telemetry/semantic-conventions v1.41.0,
/// model/gen-ai/*.yaml), and the newer layout's metrics (open-telemetry/semantic-conventions-genai,
/// model/gen-ai/token-metrics.yaml), written down as a table: names, kinds, types, requirement levels, bucket advice.
/// <see cref="Check(IReadOnlyList{Activity}, IReadOnlyList{Metric}, bool)"/> lists every way exported telemetry departs from it.
/// </summary>
internal static class GenAiConventionTable
{
    public const string Version = "1.41.0";

    public static readonly double[] SecondsBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    public static readonly double[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private enum Kind { String, Int, Double, Bool, StringArray, Any }

    // registry.gen_ai (v1.41.0) and the server/error attributes the GenAI groups reference, with their types.
    private static readonly Dictionary<string, Kind> s_types = new()
    {
        ["gen_ai.provider.name"] = Kind.String,
        ["gen_ai.request.model"] = Kind.String,
        ["gen_ai.request.max_tokens"] = Kind.Int,
        ["gen_ai.request.choice.count"] = Kind.Int,
        ["gen_ai.request.temperature"] = Kind.Double,
        ["gen_ai.request.top_p"] = Kind.Double,
        ["gen_ai.request.top_k"] = Kind.Double,
        ["gen_ai.request.stop_sequences"] = Kind.StringArray,
        ["gen_ai.request.frequency_penalty"] = Kind.Double,
        ["gen_ai.request.presence_penalty"] = Kind.Double,
        ["gen_ai.request.encoding_formats"] = Kind.StringArray,
        ["gen_ai.request.seed"] = Kind.Int,
        ["gen_ai.request.stream"] = Kind.Bool,
        ["gen_ai.response.id"] = Kind.String,
        ["gen_ai.response.model"] = Kind.String,
        ["gen_ai.response.finish_reasons"] = Kind.StringArray,
        ["gen_ai.response.time_to_first_chunk"] = Kind.Double,
        ["gen_ai.usage.input_tokens"] = Kind.Int,
        ["gen_ai.usage.cache_read.input_tokens"] = Kind.Int,
        ["gen_ai.usage.cache_creation.input_tokens"] = Kind.Int,
        ["gen_ai.usage.output_tokens"] = Kind.Int,
        ["gen_ai.usage.reasoning.output_tokens"] = Kind.Int,
        ["gen_ai.token.type"] = Kind.String,
        ["gen_ai.conversation.id"] = Kind.String,
        ["gen_ai.agent.id"] = Kind.String,
        ["gen_ai.agent.name"] = Kind.String,
        ["gen_ai.agent.description"] = Kind.String,
        ["gen_ai.agent.version"] = Kind.String,
        ["gen_ai.tool.name"] = Kind.String,
        ["gen_ai.tool.call.id"] = Kind.String,
        ["gen_ai.tool.description"] = Kind.String,
        ["gen_ai.tool.type"] = Kind.String,
        ["gen_ai.tool.call.arguments"] = Kind.Any,
        ["gen_ai.tool.call.result"] = Kind.Any,
        ["gen_ai.tool.definitions"] = Kind.Any,
        ["gen_ai.data_source.id"] = Kind.String,
        ["gen_ai.operation.name"] = Kind.String,
        ["gen_ai.output.type"] = Kind.String,
        ["gen_ai.system_instructions"] = Kind.Any,
        ["gen_ai.input.messages"] = Kind.Any,
        ["gen_ai.output.messages"] = Kind.Any,
        ["gen_ai.workflow.name"] = Kind.String,
        ["server.address"] = Kind.String,
        ["server.port"] = Kind.Int,
        ["error.type"] = Kind.String,

        // The newer layout's (semantic-conventions-genai) token metrics attribute.
        ["gen_ai.token.modality"] = Kind.String,
    };

    private static readonly HashSet<string> s_operations = ["chat", "create_agent", "embeddings", "execute_tool", "generate_content", "invoke_agent", "invoke_workflow", "retrieval", "text_completion"];

    private static readonly HashSet<string> s_outputTypes = ["text", "json", "image", "speech"];

    // What Amsha documents as error.type (docs/llm-calls.md): HTTP status codes, its own kinds, exception type names.
    private static readonly Regex s_errorType = new(@"^(\d{3}|timeout|circuit_open|connection|malformed_response|incomplete_response|canceled|schema|unknown|invalid_arguments|unknown_tool|_OTHER|[A-Za-z_][\w`]*(\.[A-Za-z_][\w`+]*)*)$", RegexOptions.CultureInvariant);

    private sealed record SpanRule(ActivityKind Kind, string NameAttribute, string[] Required, string[] Allowed);

    private static readonly string[] s_inference =
    [
        "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "error.type", "server.address", "server.port",
        "gen_ai.request.max_tokens", "gen_ai.request.choice.count", "gen_ai.request.temperature", "gen_ai.request.top_p", "gen_ai.request.top_k",
        "gen_ai.request.stop_sequences", "gen_ai.request.frequency_penalty", "gen_ai.request.presence_penalty", "gen_ai.request.seed",
        "gen_ai.request.stream", "gen_ai.output.type", "gen_ai.response.id", "gen_ai.response.model", "gen_ai.response.finish_reasons",
        "gen_ai.response.time_to_first_chunk", "gen_ai.usage.input_tokens", "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.reasoning.output_tokens",
        "gen_ai.conversation.id", "gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions",

        // span.openai.inference.client: the OpenAI client library below the call path adds these to the current (chat) span.
        "openai.request.service_tier", "openai.response.service_tier", "openai.response.system_fingerprint", "openai.api.type",
    ];

    private static readonly string[] s_invokeAgent =
    [
        "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "error.type",
        "gen_ai.request.max_tokens", "gen_ai.request.choice.count", "gen_ai.request.temperature", "gen_ai.request.top_p",
        "gen_ai.request.stop_sequences", "gen_ai.request.frequency_penalty", "gen_ai.request.presence_penalty", "gen_ai.request.seed",
        "gen_ai.output.type", "gen_ai.response.finish_reasons", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
        "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens", "gen_ai.conversation.id",
        "gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions",
        "gen_ai.agent.id", "gen_ai.agent.name", "gen_ai.agent.description", "gen_ai.agent.version", "gen_ai.data_source.id",
    ];

    // span.gen_ai.inference.client, span.gen_ai.invoke_agent.internal, span.gen_ai.invoke_workflow.internal, span.gen_ai.execute_tool.internal.
    private static readonly Dictionary<string, SpanRule> s_spans = new()
    {
        ["chat"] = new(ActivityKind.Client, "gen_ai.request.model", ["gen_ai.operation.name", "gen_ai.provider.name"], s_inference),
        ["invoke_agent"] = new(ActivityKind.Internal, "gen_ai.agent.name", ["gen_ai.operation.name", "gen_ai.provider.name"], s_invokeAgent),
        ["invoke_workflow"] = new(ActivityKind.Internal, "gen_ai.workflow.name", ["gen_ai.operation.name"],
            ["gen_ai.operation.name", "error.type", "gen_ai.workflow.name", "gen_ai.input.messages", "gen_ai.output.messages"]),
        ["execute_tool"] = new(ActivityKind.Internal, "gen_ai.tool.name", ["gen_ai.operation.name", "gen_ai.tool.name"],
            ["gen_ai.operation.name", "error.type", "gen_ai.tool.name", "gen_ai.tool.call.id", "gen_ai.tool.description", "gen_ai.tool.type", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result"]),
    };

    private sealed record MetricRule(MetricType Type, string Unit, double[]? Buckets, string[] Required, string[] Allowed);

    private static readonly string[] s_metricCommon = ["server.address", "server.port", "gen_ai.response.model", "gen_ai.request.model", "gen_ai.provider.name", "gen_ai.operation.name"];

    private static string[] With(params string[] more) => [.. s_metricCommon, .. more];

    private static readonly string[] s_required = ["gen_ai.operation.name", "gen_ai.provider.name"];

    // model/gen-ai/metrics.yaml (v1.41.0).
    private static readonly Dictionary<string, MetricRule> s_pinnedMetrics = new()
    {
        ["gen_ai.client.token.usage"] = new(MetricType.Histogram, "{token}", TokenBuckets, [.. s_required, "gen_ai.token.type"], With("gen_ai.token.type")),
        ["gen_ai.client.operation.duration"] = new(MetricType.Histogram, "s", SecondsBuckets, s_required, With("error.type")),
        ["gen_ai.client.operation.time_to_first_chunk"] = new(MetricType.Histogram, "s", SecondsBuckets, s_required, With()),
        ["gen_ai.client.operation.time_per_output_chunk"] = new(MetricType.Histogram, "s", SecondsBuckets, s_required, With()),
    };

    // The newer layout: the client metrics of metrics.yaml except gen_ai.client.token.usage, plus token-metrics.yaml.
    private static readonly Dictionary<string, MetricRule> s_latestMetrics = new()
    {
        ["gen_ai.client.operation.duration"] = s_pinnedMetrics["gen_ai.client.operation.duration"],
        ["gen_ai.client.operation.time_to_first_chunk"] = s_pinnedMetrics["gen_ai.client.operation.time_to_first_chunk"],
        ["gen_ai.client.operation.time_per_output_chunk"] = s_pinnedMetrics["gen_ai.client.operation.time_per_output_chunk"],
        ["gen_ai.client.inference.operation.input_tokens"] = new(MetricType.Histogram, "{token}", TokenBuckets, s_required, With("error.type")),
        ["gen_ai.client.inference.operation.output_tokens"] = new(MetricType.Histogram, "{token}", TokenBuckets, s_required, With("error.type")),
        ["gen_ai.client.inference.usage.input_tokens"] = new(MetricType.LongSum, "{token}", null, [.. s_required, "gen_ai.token.modality"], With("gen_ai.token.modality")),
        ["gen_ai.client.inference.usage.output_tokens"] = new(MetricType.LongSum, "{token}", null, [.. s_required, "gen_ai.token.modality"], With("gen_ai.token.modality")),
        ["gen_ai.client.inference.usage.cache_read.input_tokens"] = new(MetricType.LongSum, "{token}", null, [.. s_required, "gen_ai.token.modality"], With("gen_ai.token.modality")),
        ["gen_ai.client.inference.usage.reasoning.output_tokens"] = new(MetricType.LongSum, "{token}", null, [.. s_required, "gen_ai.token.modality"], With("gen_ai.token.modality")),
    };

    /// <summary>Every departure from the conventions; empty when the telemetry conforms.</summary>
    public static List<string> Check(IReadOnlyList<Activity> spans, IReadOnlyList<Metric> metrics, bool latest)
    {
        var problems = new List<string>();
        foreach (var span in spans)
        {
            CheckSpan(span, problems);
        }

        var rules = latest ? s_latestMetrics : s_pinnedMetrics;
        foreach (var metric in metrics)
        {
            if (!metric.Name.StartsWith("gen_ai.", StringComparison.Ordinal))
            {
                continue;
            }

            if (!rules.TryGetValue(metric.Name, out var rule))
            {
                problems.Add($"metric {metric.Name}: not a GenAI client metric of the {(latest ? "newer" : "pinned")} layout");
                continue;
            }

            CheckMetric(metric, rule, problems);
        }

        return problems;
    }

    private static void CheckSpan(Activity span, List<string> problems)
    {
        var where = $"span '{span.DisplayName}'";
        var operation = span.GetTagItem("gen_ai.operation.name") as string;
        if (operation is null || !s_spans.TryGetValue(operation, out var rule))
        {
            problems.Add($"{where}: gen_ai.operation.name '{operation}' is not an operation Amsha's spans follow");
            return;
        }

        if (span.Kind != rule.Kind)
        {
            problems.Add($"{where}: kind {span.Kind}, the conventions say {rule.Kind}");
        }

        var nameValue = span.GetTagItem(rule.NameAttribute) as string;
        var expectedName = nameValue is null ? operation : operation + " " + nameValue;
        if (span.DisplayName != expectedName)
        {
            problems.Add($"{where}: the name should be '{expectedName}'");
        }

        foreach (var required in rule.Required)
        {
            if (span.GetTagItem(required) is null)
            {
                problems.Add($"{where}: required attribute {required} is missing");
            }
        }

        foreach (var tag in span.TagObjects)
        {
            CheckAttribute(where, tag.Key, tag.Value, problems);
            if (!tag.Key.StartsWith("amsha.", StringComparison.Ordinal) && !rule.Allowed.Contains(tag.Key))
            {
                problems.Add($"{where}: attribute {tag.Key} is not defined for {operation} spans");
            }
        }

        if (span.GetTagItem("server.address") is not null && span.GetTagItem("server.port") is null)
        {
            problems.Add($"{where}: server.port is required when server.address is set");
        }

        if (span.GetTagItem("gen_ai.output.type") is string outputType && !s_outputTypes.Contains(outputType))
        {
            problems.Add($"{where}: gen_ai.output.type '{outputType}' is not a well-known value");
        }

        // Recording errors: status Error with error.type, and no description that repeats it.
        var errorType = span.GetTagItem("error.type") as string;
        if ((span.Status == ActivityStatusCode.Error) != (errorType is not null))
        {
            problems.Add($"{where}: status {span.Status} with error.type '{errorType}': both or neither");
        }

        if (!string.IsNullOrEmpty(span.StatusDescription) && span.StatusDescription == errorType)
        {
            problems.Add($"{where}: the status description duplicates error.type");
        }

        foreach (var e in span.Events)
        {
            if (!e.Name.StartsWith("amsha.", StringComparison.Ordinal))
            {
                problems.Add($"{where}: span event {e.Name} is not in Amsha's namespace (the conventions define no such span event)");
            }

            foreach (var tag in e.Tags)
            {
                CheckAttribute($"{where} event {e.Name}", tag.Key, tag.Value, problems);
            }
        }
    }

    private static void CheckAttribute(string where, string key, object? value, List<string> problems)
    {
        if (!s_types.TryGetValue(key, out var kind))
        {
            if (key.StartsWith("gen_ai.", StringComparison.Ordinal))
            {
                problems.Add($"{where}: {key} is not a gen_ai attribute of the conventions");
            }

            return;
        }

        var fits = kind switch
        {
            Kind.String or Kind.Any when value is string => true,
            Kind.Int => value is int or long,
            Kind.Double => value is double,
            Kind.Bool => value is bool,
            Kind.StringArray => value is string[],
            _ => false,
        };
        if (!fits)
        {
            problems.Add($"{where}: {key} is {value?.GetType().Name ?? "null"}, the conventions say {kind}");
        }

        if (key == "gen_ai.operation.name" && value is string operation && !s_operations.Contains(operation))
        {
            problems.Add($"{where}: gen_ai.operation.name '{operation}' is not a well-known value");
        }

        if (key == "error.type" && value is string error && !s_errorType.IsMatch(error))
        {
            problems.Add($"{where}: error.type '{error}' is not a documented low-cardinality value");
        }
    }

    private static void CheckMetric(Metric metric, MetricRule rule, List<string> problems)
    {
        var where = $"metric {metric.Name}";
        if (metric.MetricType != rule.Type)
        {
            problems.Add($"{where}: {metric.MetricType}, the conventions say {rule.Type}");
        }

        if (metric.Unit != rule.Unit)
        {
            problems.Add($"{where}: unit '{metric.Unit}', the conventions say '{rule.Unit}'");
        }

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
                CheckAttribute(where, tag.Key, tag.Value, problems);
                if (!rule.Allowed.Contains(tag.Key))
                {
                    problems.Add($"{where}: attribute {tag.Key} is not defined for this metric");
                }
            }

            foreach (var required in rule.Required)
            {
                if (!tags.ContainsKey(required))
                {
                    problems.Add($"{where}: required attribute {required} is missing");
                }
            }

            if (tags.ContainsKey("server.address") && !tags.ContainsKey("server.port"))
            {
                problems.Add($"{where}: server.port is required when server.address is set");
            }

            if (rule.Buckets is { } expected)
            {
                var bounds = new List<double>();
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                    {
                        bounds.Add(bucket.ExplicitBound);
                    }
                }

                if (!bounds.SequenceEqual(expected))
                {
                    problems.Add($"{where}: buckets [{string.Join(", ", bounds)}], the conventions advise [{string.Join(", ", expected)}]");
                }
            }
        }
    }
}
