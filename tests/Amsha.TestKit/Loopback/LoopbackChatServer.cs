using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.TestKit.Loopback;

/// <summary>A request the loopback server received.</summary>
public sealed record LoopbackRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public bool Streaming => Body.Contains("\"stream\":true", StringComparison.Ordinal);

    /// <summary>Whether the body offers tools (a non-empty <c>tools</c> array).</summary>
    public bool OffersTools => Read(root => root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0);

    /// <summary>The names of the offered tools (<c>tools[i].function.name</c>), in order.</summary>
    public IReadOnlyList<string> OfferedToolNames => Read(root =>
    {
        var names = new List<string>();
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object
                    && tool.TryGetProperty("function", out var function)
                    && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("name", out var name)
                    && name.ValueKind == JsonValueKind.String)
                {
                    names.Add(name.GetString()!);
                }
            }
        }

        return names;
    }) ?? [];

    /// <summary>The <c>content</c> of every message with role <c>tool</c>, in order (text parts joined).</summary>
    public IReadOnlyList<string> ToolResults => Read(root =>
    {
        var results = new List<string>();
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object
                    && message.TryGetProperty("role", out var role)
                    && role.ValueKind == JsonValueKind.String
                    && role.GetString() == "tool"
                    && message.TryGetProperty("content", out var content))
                {
                    results.Add(ContentText(content));
                }
            }
        }

        return results;
    }) ?? [];

    // Content is a string, or an array of parts ({"type":"text","text":...}).
    private static string ContentText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(PartTexts(content)),
        JsonValueKind.Null => "",
        _ => content.GetRawText(),
    };

    private static IEnumerable<string> PartTexts(JsonElement parts)
    {
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                yield return text.GetString()!;
            }
        }
    }

    // A body that is not a JSON object reads as offering nothing.
    private T? Read<T>(Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

/// <summary>
/// A chat-completions server on 127.0.0.1 (ephemeral port) for tests: speaks POST
/// <c>/v1/chat/completions</c> as JSON and as SSE streams, answering from a script of
/// <see cref="LoopbackReply"/>s (then with <see cref="DefaultReply"/>). Raw sockets, so it can cut a
/// stream mid-way. One request per connection (<c>Connection: close</c>).
/// </summary>
public sealed class LoopbackChatServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoopbackReply> _script = new();
    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly Task _accepting;
    private readonly string _prefix = "/server-" + Guid.NewGuid().ToString("N")[..12];
    private int _responseCounter;

    private LoopbackChatServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public static LoopbackChatServer Start() => new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// <c>http://127.0.0.1:{port}/{this server's own path segment}</c>. Every URL of this server starts with it: a
    /// request for another path is from a client of a server that had this ephemeral port before (a test that ended
    /// with a call still retrying), and gets a 404 without taking a scripted reply or being counted.
    /// </summary>
    public string Root => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}{_prefix}";

    /// <summary>The OpenAI-style base URL, ending in <c>/v1</c>.</summary>
    public string BaseUrl => Root + "/v1";

    public string ModelId { get; set; } = "loopback-model";

    public LoopbackReply DefaultReply { get; set; } = LoopbackReply.Success("Hello from the loopback server.");

    /// <summary>
    /// When set, answers every request the script does not (instead of <see cref="DefaultReply"/>), from the request
    /// itself: a model whose answer depends on the prompt. Called concurrently.
    /// </summary>
    public Func<LoopbackRequest, LoopbackReply>? Responder { get; set; }

    /// <summary>Raised after a reply was written in full (not for requests whose client went away), concurrently.</summary>
    public event Action<LoopbackRequest, LoopbackReply>? Replied;

    public IReadOnlyCollection<LoopbackRequest> Requests => _requests.ToArray();

    public int RequestCount => _requests.Count;

    public LoopbackChatServer Enqueue(params LoopbackReply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stopping the listener ends the accept loop with an exception.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                if (!request.Path.StartsWith(_prefix + "/", StringComparison.Ordinal))
                {
                    await WriteWholeAsync(stream, 404, null, """{"error":{"message":"Not this server","type":"invalid_request_error"}}""").ConfigureAwait(false);
                    return;
                }

                // Tests see the path as the client wrote it after the base URL's root (/v1/chat/completions).
                request = request with { Path = request.Path[_prefix.Length..] };
                _requests.Enqueue(request);
                var reply = _script.TryDequeue(out var scripted) ? scripted : Responder?.Invoke(request) ?? DefaultReply;
                if (reply.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.Delay, _stop.Token).ConfigureAwait(false);
                }

                await WriteReplyAsync(stream, request, reply).ConfigureAwait(false);
                Replied?.Invoke(request, reply);
            }
            catch (Exception)
            {
                // The client went away (canceled, timed out): nothing to answer.
            }
        }
    }

    private static async Task<LoopbackRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one).ConfigureAwait(false) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
            var n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n')
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = head[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < head.Length; i++)
        {
            var colon = head[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[head[i][..colon].Trim()] = head[i][(colon + 1)..].Trim();
            }
        }

        var body = "";
        if (headers.TryGetValue("Content-Length", out var lengthText) && int.TryParse(lengthText, out var length) && length > 0)
        {
            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(bytes);
        }

        return new LoopbackRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/", headers, body);
    }

    private async Task WriteReplyAsync(NetworkStream stream, LoopbackRequest request, LoopbackReply reply)
    {
        var id = "chatcmpl-" + Interlocked.Increment(ref _responseCounter).ToString(CultureInfo.InvariantCulture);
        // The route is matched without the query string (e.g. Azure-style ?api-version=...).
        var route = request.Path.Split('?')[0];
        if (!route.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            await WriteWholeAsync(stream, 404, null, """{"error":{"message":"Unknown path","type":"invalid_request_error"}}""").ConfigureAwait(false);
            return;
        }

        if (reply.Status != 200)
        {
            var body = reply.Body ?? "{\"error\":{\"message\":\"Scripted failure " + reply.Status.ToString(CultureInfo.InvariantCulture) + "\",\"type\":\"loopback_error\"}}";
            await WriteWholeAsync(stream, reply.Status, reply.RetryAfter, body).ConfigureAwait(false);
            return;
        }

        if (reply.Malformed)
        {
            await WriteWholeAsync(stream, 200, null, request.Streaming ? "data: {not json\n\n" : "{not json", request.Streaming ? "text/event-stream" : "application/json").ConfigureAwait(false);
            return;
        }

        if (!request.Streaming)
        {
            await WriteCompletionAsync(stream, id, reply).ConfigureAwait(false);
            return;
        }

        await WriteAsciiAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
        if (reply.UsageFirst)
        {
            await WriteChunkAsync(stream, "data: " + UsageChunk(id, reply) + "\n\n").ConfigureAwait(false);
        }

        // The answer's chunks: its words, then (a tool-call answer) each call's first chunk and its argument parts.
        var chunks = new List<string>();
        foreach (var word in Words(reply.Text))
        {
            chunks.Add(Chunk(id, word, null));
        }

        var toolCalls = reply.ToolCalls is { Count: > 0 } calls ? calls : null;
        if (toolCalls is not null)
        {
            for (var call = 0; call < toolCalls.Count; call++)
            {
                // Like OpenAI, only the very first chunk of the answer names the role.
                chunks.Add(ToolCallStartChunk(id, call, toolCalls[call], withRole: call == 0 && chunks.Count == 0));
                foreach (var part in ArgumentParts(toolCalls[call].ArgumentsJson))
                {
                    chunks.Add(ToolCallArgumentsChunk(id, call, part));
                }
            }
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            if (reply.EndCleanlyAfterTokens is { } end && i >= end)
            {
                // The body ends well-formed, but the answer never finished: no finish reason, no usage, no [DONE].
                await WriteAsciiAsync(stream, "0\r\n\r\n").ConfigureAwait(false);
                return;
            }

            if (reply.CutAfterTokens is { } cut && i >= cut)
            {
                // End the connection without the terminating chunk: the client sees a truncated body. Closed in order
                // (not reset), so that the chunks sent before reach the client whatever the timing: a reset may discard them.
                CloseCut(stream);
                return;
            }

            await WriteChunkAsync(stream, "data: " + chunks[i] + "\n\n").ConfigureAwait(false);
        }

        await WriteChunkAsync(stream, "data: " + Chunk(id, null, toolCalls is null ? "stop" : "tool_calls") + "\n\n").ConfigureAwait(false);
        if (!reply.UsageFirst)
        {
            await WriteChunkAsync(stream, "data: " + UsageChunk(id, reply) + "\n\n").ConfigureAwait(false);
        }

        await WriteChunkAsync(stream, "data: [DONE]\n\n").ConfigureAwait(false);
        await WriteAsciiAsync(stream, "0\r\n\r\n").ConfigureAwait(false);
    }

    // The whole-answer forms of the stream faults: a connection cut part-way through the body, and a body that ends
    // cleanly part-way through its JSON (what a proxy that closes a stream early does to a whole answer).
    private async Task WriteCompletionAsync(NetworkStream stream, string id, LoopbackReply reply)
    {
        var body = Completion(id, reply);
        var words = Math.Max(1, Words(reply.Text).Count);
        if (reply.EndCleanlyAfterTokens is { } end)
        {
            await WriteWholeAsync(stream, 200, null, body[..Math.Min(body.Length - 1, body.Length * end / words)]).ConfigureAwait(false);
            return;
        }

        if (reply.CutAfterTokens is not { } cut)
        {
            await WriteWholeAsync(stream, 200, null, body).ConfigureAwait(false);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        await WriteAsciiAsync(stream, string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n")).ConfigureAwait(false);
        await stream.WriteAsync(bytes.AsMemory(0, Math.Min(bytes.Length - 1, bytes.Length * cut / words))).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
        CloseCut(stream);
    }

    // A connection cut short after what was sent: the client reads all of it, then an end it did not expect.
    private static void CloseCut(NetworkStream stream)
    {
        stream.Socket.Shutdown(SocketShutdown.Both);
        stream.Socket.Close();
    }

    private string Completion(string id, LoopbackReply reply) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", ModelId);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (reply.ToolCalls is { Count: > 0 } calls)
        {
            if (reply.Text.Length == 0)
            {
                w.WriteNull("content");
            }
            else
            {
                w.WriteString("content", reply.Text);
            }

            w.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                w.WriteStartObject();
                w.WriteString("id", call.Id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                w.WriteString("arguments", call.ArgumentsJson);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString("finish_reason", "tool_calls");
        }
        else
        {
            w.WriteString("content", reply.Text);
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
        }

        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, reply);
        w.WriteEndObject();
    });

    private string Chunk(string id, string? content, string? finishReason) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", ModelId);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        if (content is not null)
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", content);
        }

        w.WriteEndObject();
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>The first chunk of tool call <paramref name="index"/>: its id, name and empty arguments.</summary>
    private string ToolCallStartChunk(string id, int index, LoopbackToolCall call, bool withRole) => ToolCallChunk(id, index, withRole, w =>
    {
        w.WriteString("id", call.Id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", call.Name);
        w.WriteString("arguments", "");
        w.WriteEndObject();
    });

    /// <summary>A part of tool call <paramref name="index"/>'s arguments.</summary>
    private string ToolCallArgumentsChunk(string id, int index, string part) => ToolCallChunk(id, index, withRole: false, w =>
    {
        w.WriteStartObject("function");
        w.WriteString("arguments", part);
        w.WriteEndObject();
    });

    private string ToolCallChunk(string id, int index, bool withRole, Action<Utf8JsonWriter> writeCall) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", ModelId);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        if (withRole)
        {
            w.WriteString("role", "assistant");
            w.WriteNull("content");
        }

        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        writeCall(w);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("finish_reason");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Arguments JSON split in two parts (mid-token, never inside a surrogate pair); both may be short.</summary>
    private static string[] ArgumentParts(string argumentsJson)
    {
        var split = argumentsJson.Length / 2;
        if (split > 0 && split < argumentsJson.Length && char.IsLowSurrogate(argumentsJson[split]))
        {
            split++;
        }

        return [argumentsJson[..split], argumentsJson[split..]];
    }

    private string UsageChunk(string id, LoopbackReply reply) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", ModelId);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, reply);
        w.WriteEndObject();
    });

    private static void WriteUsage(Utf8JsonWriter w, LoopbackReply reply)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", reply.PromptTokens);
        w.WriteNumber("completion_tokens", reply.CompletionTokens);
        w.WriteNumber("total_tokens", reply.PromptTokens + reply.CompletionTokens);
        w.WriteEndObject();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i - 1] == ' ' && text[i] != ' '))
            {
                words.Add(text[start..i]);
                start = i;
            }
        }

        return words;
    }

    private static async Task WriteWholeAsync(NetworkStream stream, int status, TimeSpan? retryAfter, string body, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {bytes.Length}\r\n")
            .Append("Connection: close\r\n");
        if (retryAfter is { } wait)
        {
            head.Append(CultureInfo.InvariantCulture, $"Retry-After: {(int)Math.Ceiling(wait.TotalSeconds)}\r\n");
        }

        await WriteAsciiAsync(stream, head.Append("\r\n").ToString()).ConfigureAwait(false);
        await stream.WriteAsync(bytes).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    private static async Task WriteChunkAsync(NetworkStream stream, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        await WriteAsciiAsync(stream, bytes.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n").ConfigureAwait(false);
        await stream.WriteAsync(bytes).ConfigureAwait(false);
        await WriteAsciiAsync(stream, "\r\n").ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    private static Task WriteAsciiAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
