using System;
using System.Collections.Generic;

namespace Amsha.TestKit.Loopback;

/// <summary>One scripted answer of the <see cref="LoopbackChatServer"/>.</summary>
public sealed record LoopbackReply
{
    public int Status { get; init; } = 200;

    /// <summary>The answer text (success replies).</summary>
    public string Text { get; init; } = "";

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Raw body of error replies (a JSON error object by default).</summary>
    public string? Body { get; init; }

    /// <summary>Waits this long before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Streams this many words (content chunks; tool-call chunks count too), then drops the connection mid-stream.</summary>
    public int? CutAfterTokens { get; init; }

    /// <summary>
    /// Streams this many words (content chunks; tool-call chunks count too), then ends the response cleanly (a well-formed end of the chunked body) without
    /// a finish reason, a usage chunk or <c>[DONE]</c>: what a proxy that gives up mid-answer can look like.
    /// </summary>
    public int? EndCleanlyAfterTokens { get; init; }

    /// <summary>Answers 200 with a body that is not JSON.</summary>
    public bool Malformed { get; init; }

    /// <summary>Streams the usage chunk before the text (so a cut stream still reported its tokens).</summary>
    public bool UsageFirst { get; init; }

    /// <summary>
    /// Tool calls the answer asks for (finish reason <c>tool_calls</c>, no text); streamed as OpenAI does,
    /// each call's arguments split over at least two chunks.
    /// </summary>
    public IReadOnlyList<LoopbackToolCall>? ToolCalls { get; init; }

    /// <summary>A successful answer; token counts default to word counts.</summary>
    public static LoopbackReply Success(string text, int? promptTokens = null, int? completionTokens = null) => new()
    {
        Text = text,
        PromptTokens = promptTokens ?? 7,
        CompletionTokens = completionTokens ?? text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length,
    };

    /// <summary>An answer that asks for <paramref name="calls"/>; 7 prompt tokens, one completion token per call.</summary>
    public static LoopbackReply CallTools(params LoopbackToolCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return new()
        {
            ToolCalls = calls,
            PromptTokens = 7,
            CompletionTokens = calls.Length,
        };
    }

    /// <summary>An HTTP error, optionally with <c>Retry-After</c> (whole seconds).</summary>
    public static LoopbackReply Error(int status, TimeSpan? retryAfter = null, string? body = null) => new() { Status = status, RetryAfter = retryAfter, Body = body };

    /// <summary>A successful answer after <paramref name="delay"/>.</summary>
    public static LoopbackReply Slow(TimeSpan delay, string text = "slow answer") => Success(text) with { Delay = delay };

    /// <summary>A stream that sends <paramref name="tokens"/> words of <paramref name="text"/>, then the connection drops.</summary>
    public static LoopbackReply Truncated(string text, int tokens) => Success(text) with { CutAfterTokens = tokens };

    /// <summary>A stream that sends <paramref name="tokens"/> words of <paramref name="text"/>, then closes normally without finishing the answer.</summary>
    public static LoopbackReply EndsEarly(string text, int tokens) => Success(text) with { EndCleanlyAfterTokens = tokens };

    /// <summary>A 200 answer whose body is not JSON.</summary>
    public static LoopbackReply MalformedJson() => new() { Malformed = true };
}

/// <summary>One tool call of a scripted answer: <paramref name="ArgumentsJson"/> is the arguments object as JSON text.</summary>
public sealed record LoopbackToolCall(string Id, string Name, string ArgumentsJson);
