using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// The telemetry of one LLM call (all its attempts): its <c>chat {model}</c> span and its GenAI client metrics, in
/// the layout in force (<see cref="GenAiConventions"/>). Created only when someone listens (a span listener or an
/// enabled instrument), so an unobserved call does no telemetry work and allocates nothing for it.
/// </summary>
/// <remarks>
/// Attempts of a call run one after another, so the per-attempt fields need no lock.
/// </remarks>
internal sealed class ChatTelemetry
{
    private readonly LlmEndpoint _endpoint;
    private readonly string? _requestModel;
    private readonly TimeProvider _time;
    private readonly bool _metrics;
    private readonly bool _latest;

    private bool _usageReported;
    private long _cachedInput;
    private long _reasoningOutput;
    private bool _cachedReported;
    private bool _reasoningReported;

    private long _attemptStarted;
    private long _lastChunk;
    private bool _chunkSeen;
    private double? _timeToFirstChunk;

    private ChatTelemetry(Activity? span, LlmEndpoint endpoint, string? requestModel, TimeProvider time, bool metrics)
    {
        Span = span;
        _endpoint = endpoint;
        _requestModel = requestModel;
        _time = time;
        _metrics = metrics;
        _latest = GenAiConventions.UseLatest;
    }

    /// <summary>The call's span, null when no listener samples it.</summary>
    public Activity? Span { get; }

    /// <summary>Starts the telemetry of a call, or returns null when nothing listens.</summary>
    /// <param name="useCase">The use case called.</param>
    /// <param name="options">The call's options as sent.</param>
    /// <param name="time">The clock of the call's durations.</param>
    /// <param name="streams">Whether the call streams its answer (someone reads its text as it comes).</param>
    public static ChatTelemetry? Start(LlmUseCase useCase, ChatOptions? options, TimeProvider time, bool streams)
    {
        var tracing = AmshaTelemetry.Source.HasListeners();
        var metrics = AmshaTelemetry.ClientMetricsEnabled;
        if (!tracing && !metrics)
        {
            return null;
        }

        var endpoint = useCase.Endpoint;
        var model = options?.ModelId ?? useCase.Model;
        var span = tracing ? StartSpan(endpoint, model, useCase.Name, options, streams) : null;
        return span is null && !metrics ? null : new ChatTelemetry(span, endpoint, model, time, metrics);
    }

    // The sampling-relevant attributes (operation, provider, model, server) go in at creation, so samplers see them.
    private static Activity? StartSpan(LlmEndpoint endpoint, string? model, string useCaseName, ChatOptions? options, bool streams)
    {
        var tags = new ActivityTagsCollection
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", endpoint.ProviderName },
        };
        if (model is not null)
        {
            tags.Add("gen_ai.request.model", model);
        }

        if (endpoint.ServerAddress is { } address)
        {
            tags.Add("server.address", address);
            tags.Add("server.port", endpoint.ServerPort);
        }

        var activity = AmshaTelemetry.Source.StartActivity(ActivityKind.Client, tags: tags, name: model is null ? "chat" : "chat " + model);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("amsha.llm.use_case", useCaseName);

        activity.SetTag("gen_ai.request.stream", streams);
        if (options is null)
        {
            return activity; // the request sets nothing: the client's own model and parameters
        }

        if (AmshaTelemetry.OutputType(options.ResponseFormat) is { } outputType)
        {
            activity.SetTag("gen_ai.output.type", outputType);
        }

        if (options.Temperature is { } temperature)
        {
            activity.SetTag("gen_ai.request.temperature", AmshaTelemetry.ConfiguredValue(temperature));
        }

        if (options.TopP is { } topP)
        {
            activity.SetTag("gen_ai.request.top_p", AmshaTelemetry.ConfiguredValue(topP));
        }

        if (options.MaxOutputTokens is { } maxTokens)
        {
            activity.SetTag("gen_ai.request.max_tokens", maxTokens);
        }

        if (options.PresencePenalty is { } presence)
        {
            activity.SetTag("gen_ai.request.presence_penalty", AmshaTelemetry.ConfiguredValue(presence));
        }

        if (options.FrequencyPenalty is { } frequency)
        {
            activity.SetTag("gen_ai.request.frequency_penalty", AmshaTelemetry.ConfiguredValue(frequency));
        }

        if (options.StopSequences is { Count: > 0 } stop)
        {
            var array = new string[stop.Count];
            stop.CopyTo(array, 0);
            activity.SetTag("gen_ai.request.stop_sequences", array);
        }

        if (options.Seed is { } seed)
        {
            activity.SetTag("gen_ai.request.seed", seed);
        }

        return activity;
    }

    /// <summary>An attempt is about to send its request.</summary>
    public void AttemptStarting()
    {
        _attemptStarted = _time.GetTimestamp();
        _chunkSeen = false;
    }

    /// <summary>A chunk of the response stream arrived: chunk timings (the streaming metrics and the span's time to first chunk).</summary>
    public void ChunkReceived()
    {
        var now = _time.GetTimestamp();
        if (!_chunkSeen)
        {
            _chunkSeen = true;
            var first = _time.GetElapsedTime(_attemptStarted, now).TotalSeconds;
            _timeToFirstChunk = first;
            if (_metrics && AmshaTelemetry.TimeToFirstChunk.Enabled)
            {
                AmshaTelemetry.TimeToFirstChunk.Record(first, CommonTags(null, null));
            }
        }
        else if (_metrics && AmshaTelemetry.TimePerOutputChunk.Enabled)
        {
            AmshaTelemetry.TimePerOutputChunk.Record(_time.GetElapsedTime(_lastChunk, now).TotalSeconds, CommonTags(null, null));
        }

        _lastChunk = now;
    }

    /// <summary>The provider reported usage (the detailed counts the call path's <see cref="TokenUsage"/> does not keep).</summary>
    public void UsageReported(UsageDetails? details)
    {
        if (details is null)
        {
            return;
        }

        _usageReported = true;
        if (details.CachedInputTokenCount is { } cached)
        {
            _cachedReported = true;
            _cachedInput += cached;
        }

        if (details.ReasoningTokenCount is { } reasoning)
        {
            _reasoningReported = true;
            _reasoningOutput += reasoning;
        }
    }

    /// <summary>A retried attempt: span event <c>amsha.llm.retry</c>, whose <c>error.type</c> is the same low-cardinality kind the span would get.</summary>
    public void Retrying(int attempt, TimeSpan delay, string errorType) =>
        Span?.AddEvent(new ActivityEvent("amsha.llm.retry", tags: new ActivityTagsCollection
        {
            ["amsha.retry.attempt"] = attempt,
            ["amsha.retry.delay_ms"] = (long)delay.TotalMilliseconds,
            ["error.type"] = errorType,
        }));

    /// <summary>The prompt, on the span (content capture only).</summary>
    public void RecordInput(IList<ChatMessage> messages) => Span?.SetTag("gen_ai.input.messages", InputMessagesJson(messages));

    /// <summary>The call answered: response attributes, usage, output (content capture only) and metrics.</summary>
    public void Completed(ChatResponse response, TokenUsage usage, int attempts, TimeSpan duration, bool captureContent, Activity? agentSpan)
    {
        if (Span is { } span)
        {
            span.SetTag("gen_ai.response.model", response.ModelId);
            span.SetTag("gen_ai.response.id", response.ResponseId);
            if (response.FinishReason is { } finish)
            {
                span.SetTag("gen_ai.response.finish_reasons", new[] { finish.Value });
            }

            if (_timeToFirstChunk is { } first)
            {
                span.SetTag("gen_ai.response.time_to_first_chunk", first);
            }

            RecordUsage(span, usage, attempts);
            if (captureContent)
            {
                span.SetTag("gen_ai.output.messages", OutputMessagesJson(response));
            }
        }

        RecordMetrics(usage, duration, response.ModelId, null, agentSpan);
    }

    /// <summary>The call failed or was canceled: the one error rule, usage so far, metrics with <c>error.type</c>.</summary>
    public void Failed(string errorType, TokenUsage usage, int attempts, TimeSpan duration, Activity? agentSpan)
    {
        if (Span is { } span)
        {
            AmshaTelemetry.RecordError(span, errorType);
            RecordUsage(span, usage, attempts);
        }

        RecordMetrics(usage, duration, null, errorType, agentSpan);
    }

    // Token counts only when the provider reported usage: no usage is not zero usage.
    private void RecordUsage(Activity span, TokenUsage usage, int attempts)
    {
        span.SetTag("amsha.llm.attempts", attempts);
        if (!_usageReported)
        {
            return;
        }

        span.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
        span.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
        if (_cachedReported)
        {
            span.SetTag("gen_ai.usage.cache_read.input_tokens", _cachedInput);
        }

        if (_reasoningReported)
        {
            span.SetTag("gen_ai.usage.reasoning.output_tokens", _reasoningOutput);
        }
    }

    private void RecordMetrics(TokenUsage usage, TimeSpan duration, string? responseModel, string? errorType, Activity? agentSpan)
    {
        if (_usageReported)
        {
            AmshaTelemetry.AddAgentUsage(agentSpan, usage);
        }

        if (!_metrics)
        {
            return;
        }

        if (AmshaTelemetry.OperationDuration.Enabled)
        {
            var tags = CommonTags(responseModel, errorType);
            AmshaTelemetry.OperationDuration.Record(duration.TotalSeconds, tags);
        }

        if (_latest)
        {
            RecordLatestTokenMetrics(usage, responseModel, errorType);
        }
        else if (_usageReported && AmshaTelemetry.TokenUsage.Enabled)
        {
            // The conventions: an instrumentation that cannot obtain the counts MUST NOT report the usage metric.
            var input = CommonTags(responseModel, null);
            input.Add("gen_ai.token.type", "input");
            AmshaTelemetry.TokenUsage.Record(usage.InputTokens, input);
            var output = CommonTags(responseModel, null);
            output.Add("gen_ai.token.type", "output");
            AmshaTelemetry.TokenUsage.Record(usage.OutputTokens, output);
        }
    }

    // The newer layout records every operation, failed ones included, with 0 when no usage arrived; the counters carry
    // gen_ai.token.modality, `unknown` because providers report no per-modality split through the call path.
    private void RecordLatestTokenMetrics(TokenUsage usage, string? responseModel, string? errorType)
    {
        var input = _usageReported ? usage.InputTokens : 0;
        var output = _usageReported ? usage.OutputTokens : 0;
        if (AmshaTelemetry.OperationInputTokens.Enabled || AmshaTelemetry.OperationOutputTokens.Enabled)
        {
            var tags = CommonTags(responseModel, errorType);
            AmshaTelemetry.OperationInputTokens.Record(input, tags);
            AmshaTelemetry.OperationOutputTokens.Record(output, tags);
        }

        var counted = CommonTags(responseModel, null);
        counted.Add("gen_ai.token.modality", "unknown");
        AmshaTelemetry.UsageInputTokens.Add(input, counted);
        AmshaTelemetry.UsageOutputTokens.Add(output, counted);
        AmshaTelemetry.UsageCacheReadInputTokens.Add(_cachedInput, counted);
        AmshaTelemetry.UsageReasoningOutputTokens.Add(_reasoningOutput, counted);
    }

    private TagList CommonTags(string? responseModel, string? errorType)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", _endpoint.ProviderName },
        };
        if (_requestModel is not null)
        {
            tags.Add("gen_ai.request.model", _requestModel);
        }

        if (_endpoint.ServerAddress is { } address)
        {
            tags.Add("server.address", address);
            tags.Add("server.port", _endpoint.ServerPort);
        }

        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        return tags;
    }

    // The conventions' finish reasons: stop, length, content_filter, tool_call, error (providers say tool_calls).
    private static string FinishReason(ChatFinishReason? reason) => reason?.Value switch
    {
        null => "stop",
        "tool_calls" => "tool_call",
        var other => other,
    };

    // [{"role":"user","parts":[{"type":"text","content":"..."}]}] per the conventions' input messages schema; written by hand (no reflection).
    internal static string InputMessagesJson(IEnumerable<ChatMessage> messages) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role.Value);
            WriteParts(writer, message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    // One output message per choice, with the finish_reason the output messages schema requires.
    internal static string OutputMessagesJson(ChatResponse response) => Write(writer =>
    {
        writer.WriteStartArray();
        var finish = FinishReason(response.FinishReason);
        var written = false;
        foreach (var message in response.Messages)
        {
            if (message.Role != ChatRole.Assistant)
            {
                continue;
            }

            WriteOutput(writer, message, finish);
            written = true;
        }

        if (!written)
        {
            WriteOutput(writer, new ChatMessage(ChatRole.Assistant, response.Text), finish);
        }

        writer.WriteEndArray();
    });

    private static void WriteOutput(Utf8JsonWriter writer, ChatMessage message, string finish)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        WriteParts(writer, message);
        writer.WriteString("finish_reason", finish);
        writer.WriteEndObject();
    }

    private static void WriteParts(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartArray("parts");
        var text = message.Text;
        if (text.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("content", text);
            writer.WriteEndObject();
        }

        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_call");
                    writer.WriteString("id", call.CallId);
                    writer.WriteString("name", call.Name);
                    writer.WriteStartObject("arguments");
                    if (call.Arguments is { } arguments)
                    {
                        foreach (var (name, value) in arguments)
                        {
                            writer.WritePropertyName(name);
                            WriteValue(writer, value);
                        }
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                case FunctionResultContent result:
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_call_response");
                    writer.WriteString("id", result.CallId);
                    writer.WritePropertyName("response");
                    WriteValue(writer, result.Result);
                    writer.WriteEndObject();
                    break;
            }
        }

        writer.WriteEndArray();
    }

    // Tool arguments and results as JSON where they are JSON, else as text (no reflection-based serialization).
    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long or short or byte:
                writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            // Each at its own precision: a float widened to double would read 0.20000000298023224.
            case double number:
                writer.WriteNumberValue(number);
                break;
            case float number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
