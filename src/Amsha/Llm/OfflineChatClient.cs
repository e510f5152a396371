using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>Options of an <see cref="OfflineChatClient"/>.</summary>
public sealed class OfflineChatClientOptions
{
    /// <summary>The model id the client reports when none is configured.</summary>
    public const string DefaultModelId = "amsha-offline";

    /// <summary>The model id reported in responses.</summary>
    public string ModelId { get; set; } = DefaultModelId;

    /// <summary>Delay before the first token of every call.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Delay between streamed tokens.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>
    /// Produces the answer text for a conversation instead of the built-in deterministic answer;
    /// for tests that script the model.
    /// </summary>
    public Func<IReadOnlyList<ChatMessage>, string>? Responder { get; set; }

    /// <summary>How many calls, counted from the client's first, fail with <see cref="FaultKind"/> before calls succeed.</summary>
    public int FailFirstCalls { get; set; }

    /// <summary>How the first <see cref="FailFirstCalls"/> calls fail. Default: an HTTP status.</summary>
    public OfflineFaultKind FaultKind { get; set; } = OfflineFaultKind.HttpStatus;

    /// <summary>The status of injected <see cref="OfflineFaultKind.HttpStatus"/> faults. Default 429.</summary>
    public int FaultStatusCode { get; set; } = 429;

    /// <summary>The <c>Retry-After</c> injected faults carry, if any.</summary>
    public TimeSpan? FaultRetryAfter { get; set; }

    /// <summary>The clock of <see cref="Latency"/>, <see cref="TokenDelay"/> and injected timeouts; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }
}

/// <summary>The kind of fault an <see cref="OfflineChatClient"/> injects.</summary>
public enum OfflineFaultKind
{
    /// <summary>An HTTP error status (<see cref="OfflineChatClientOptions.FaultStatusCode"/>), thrown as <see cref="LlmProviderException"/>.</summary>
    HttpStatus,

    /// <summary>No answer at all: the call waits until it is canceled (by the caller or a timeout).</summary>
    Timeout,

    /// <summary>A connection failure without a response, thrown as <see cref="LlmProviderException"/> with no status.</summary>
    ConnectionError,
}

/// <summary>
/// A deterministic chat client that never touches the network: the same conversation always
/// gets the same answer, streamed word by word. It is the embedded default of every use case
/// when nothing is configured, and a test double for users' own tests.
/// </summary>
/// <remarks>Token counts are whitespace-separated words: input counts every message's words, output the answer's.</remarks>
public sealed class OfflineChatClient : IChatClient
{
    /// <summary>The provider name of the offline client.</summary>
    public const string ProviderName = "Offline";

    internal static readonly string[] Vocabulary =
    {
        "clear", "steady", "careful", "concise", "measured", "grounded", "practical", "honest",
        "structured", "useful", "thorough", "balanced", "precise", "simple", "robust", "direct",
    };

    private readonly OfflineChatClientOptions _options;
    private readonly ChatClientMetadata _metadata;
    private int _callCount;

    /// <summary>Creates an offline client.</summary>
    public OfflineChatClient(OfflineChatClientOptions? options = null)
    {
        _options = options ?? new OfflineChatClientOptions();
        _metadata = new ChatClientMetadata(ProviderName, defaultModelId: _options.ModelId);
    }

    /// <summary>How many calls (streaming or not) the client has answered or started.</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = Materialize(messages);
        var call = Interlocked.Increment(ref _callCount);
        await DelayAsync(_options.Latency, cancellationToken).ConfigureAwait(false);
        await InjectFaultAsync(call, cancellationToken).ConfigureAwait(false);
        if (ToolCalls(conversation, options) is { } calls)
        {
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, calls))
            {
                ModelId = options?.ModelId ?? _options.ModelId,
                FinishReason = ChatFinishReason.ToolCalls,
                Usage = Usage(conversation, ""),
                ResponseId = ResponseId(conversation),
            };
        }

        var answer = Answer(conversation, options);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = options?.ModelId ?? _options.ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = Usage(conversation, answer),
            ResponseId = ResponseId(conversation),
        };
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = Materialize(messages);
        var call = Interlocked.Increment(ref _callCount);
        await DelayAsync(_options.Latency, cancellationToken).ConfigureAwait(false);
        await InjectFaultAsync(call, cancellationToken).ConfigureAwait(false);
        var modelId = options?.ModelId ?? _options.ModelId;
        var responseId = ResponseId(conversation);
        if (ToolCalls(conversation, options) is { } calls)
        {
            var update = new ChatResponseUpdate(ChatRole.Assistant, calls) { ModelId = modelId, ResponseId = responseId, FinishReason = ChatFinishReason.ToolCalls };
            update.Contents.Add(new UsageContent(Usage(conversation, "")));
            yield return update;
            yield break;
        }

        var answer = Answer(conversation, options);

        var first = true;
        foreach (var token in Tokenize(answer))
        {
            if (!first)
            {
                await DelayAsync(_options.TokenDelay, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            first = false;
            yield return new ChatResponseUpdate(ChatRole.Assistant, token) { ModelId = modelId, ResponseId = responseId };
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = modelId,
            ResponseId = responseId,
            FinishReason = ChatFinishReason.Stop,
            Contents = { new UsageContent(Usage(conversation, answer)) },
        };
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Counts tokens the way this client does: whitespace-separated words.</summary>
    public static int CountTokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }

    private string Answer(IReadOnlyList<ChatMessage> conversation, ChatOptions? options) =>
        _options.Responder is { } responder ? responder(conversation) ?? ""
        : options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema } ? OfflineJsonAnswer.Build(schema, Subject(conversation), Fnv1a(conversation))
        : options?.ResponseFormat is ChatResponseFormatJson ? JsonObjectAnswer(DeterministicAnswer(conversation) + ToolResults(conversation))
        : DeterministicAnswer(conversation) + ToolResults(conversation);

    // JSON mode without a schema: any JSON object will do, so the text answer goes into one.
    private static string JsonObjectAnswer(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("answer", text);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Offered tools are called once each, in one round, with arguments built from their schemas, as long as the
    // conversation has no tool results since the last user message; then the model answers. A Responder answers instead.
    private List<AIContent>? ToolCalls(IReadOnlyList<ChatMessage> conversation, ChatOptions? options)
    {
        if (_options.Responder is not null || options?.Tools is not { Count: > 0 } tools)
        {
            return null;
        }

        for (var i = conversation.Count - 1; i >= 0 && conversation[i].Role != ChatRole.User; i--)
        {
            if (conversation[i].Role == ChatRole.Tool)
            {
                return null;
            }
        }

        var subject = Subject(conversation);
        var seed = Fnv1a(conversation);
        var calls = new List<AIContent>();
        foreach (var tool in tools)
        {
            if (tool is AIFunctionDeclaration function)
            {
                var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
                using var document = JsonDocument.Parse(OfflineJsonAnswer.Build(function.JsonSchema, subject, seed + (uint)calls.Count));
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        arguments[property.Name] = property.Value.Clone();
                    }
                }

                calls.Add(new FunctionCallContent("call_" + (calls.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), function.Name, arguments));
            }
        }

        return calls.Count == 0 ? null : calls;
    }

    // The answer after tools ran names what they returned, so a reader sees the results reached the model.
    private static string ToolResults(IReadOnlyList<ChatMessage> conversation)
    {
        var start = conversation.Count;
        while (start > 0 && conversation[start - 1].Role != ChatRole.User)
        {
            start--;
        }

        var results = new StringBuilder();
        for (var i = start; i < conversation.Count; i++)
        {
            foreach (var content in conversation[i].Contents)
            {
                if (content is FunctionResultContent result)
                {
                    var text = result.Result?.ToString() ?? "";
                    results.Append(results.Length == 0 ? "" : "; ").Append(text.Length > 80 ? text.Substring(0, 80) + "…" : text);
                }
            }
        }

        return results.Length == 0 ? "" : " Tool results: " + results + ".";
    }

    // The task line of the last user message: what the answer is about.
    private static string Subject(IReadOnlyList<ChatMessage> conversation)
    {
        var lastUser = "";
        for (var i = conversation.Count - 1; i >= 0; i--)
        {
            if (conversation[i].Role == ChatRole.User)
            {
                lastUser = conversation[i].Text;
                break;
            }
        }

        var subject = FirstLine(lastUser);
        return subject.StartsWith("Task:", StringComparison.Ordinal) ? subject.Substring("Task:".Length).Trim() : subject;
    }

    // The answer quotes the task line of the last user message and adds words picked by a
    // stable hash of the whole conversation: deterministic across processes and platforms.
    private static string DeterministicAnswer(IReadOnlyList<ChatMessage> conversation)
    {
        var subject = Subject(conversation);
        var hash = Fnv1a(conversation);
        var builder = new StringBuilder("Offline answer: ").Append(subject.Length == 0 ? "(empty prompt)" : subject);
        builder.Append(" The result is ");
        for (var i = 0; i < 3; i++)
        {
            builder.Append(i == 0 ? "" : i == 2 ? " and " : ", ").Append(Vocabulary[(int)((hash >> (i * 8)) % (uint)Vocabulary.Length)]);
        }

        return builder.Append('.').ToString();
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var end = trimmed.IndexOf('\n');
        var line = end < 0 ? trimmed : trimmed.Substring(0, end).Trim();
        return line.Length <= 160 ? line : line.Substring(0, 160) + "…";
    }

    private static uint Fnv1a(IReadOnlyList<ChatMessage> conversation)
    {
        var hash = 2166136261u;
        foreach (var message in conversation)
        {
            foreach (var c in message.Role.Value + "\u0001" + message.Text + "\u0002")
            {
                hash = (hash ^ c) * 16777619u;
            }
        }

        return hash;
    }

    private static string ResponseId(IReadOnlyList<ChatMessage> conversation) => "offline-" + Fnv1a(conversation).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    private static UsageDetails Usage(IReadOnlyList<ChatMessage> conversation, string answer)
    {
        long input = 0;
        foreach (var message in conversation)
        {
            input += CountTokens(message.Text);
        }

        long output = CountTokens(answer);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    // Splits into words that keep their following whitespace, so the tokens concatenate to the answer.
    private static IEnumerable<string> Tokenize(string answer)
    {
        var start = 0;
        for (var i = 1; i <= answer.Length; i++)
        {
            if (i == answer.Length || (char.IsWhiteSpace(answer[i - 1]) && !char.IsWhiteSpace(answer[i])))
            {
                yield return answer.Substring(start, i - start);
                start = i;
            }
        }
    }

    private static IReadOnlyList<ChatMessage> Materialize(IEnumerable<ChatMessage> messages) =>
        messages as IReadOnlyList<ChatMessage> ?? new List<ChatMessage>(messages ?? throw new ArgumentNullException(nameof(messages)));

    private async Task InjectFaultAsync(int call, CancellationToken cancellationToken)
    {
        if (call > _options.FailFirstCalls)
        {
            return;
        }

        switch (_options.FaultKind)
        {
            case OfflineFaultKind.Timeout:
                await Task.Delay(Timeout.InfiniteTimeSpan, _options.TimeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
                break;
            case OfflineFaultKind.ConnectionError:
                throw new LlmProviderException($"Offline fault injection: call {call} of {_options.FailFirstCalls} failed to connect.", statusCode: null, _options.FaultRetryAfter);
            default:
                throw new LlmProviderException($"Offline fault injection: call {call} of {_options.FailFirstCalls} answered HTTP {_options.FaultStatusCode}.", _options.FaultStatusCode, _options.FaultRetryAfter);
        }
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, _options.TimeProvider ?? TimeProvider.System, cancellationToken) : Task.CompletedTask;
}
