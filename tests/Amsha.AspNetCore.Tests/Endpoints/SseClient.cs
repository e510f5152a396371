using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>One item of a <c>text/event-stream</c>: an event (id, event name, data) or a comment.</summary>
internal sealed record SseItem(string? Id, string? Event, string? Data, string? Comment)
{
    public bool IsComment => Comment is not null;

    public long Number => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The raw lines of the event as sent.</summary>
    public string Raw { get; init; } = "";

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Data!);
        return document.RootElement.Clone();
    }
}

/// <summary>Reads a Server-Sent Events response as a client would, item by item.</summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> OpenAsync(HttpClient client, string url, CancellationToken cancellationToken, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new SseClient(response, new StreamReader(stream, Encoding.UTF8));
    }

    /// <summary>The next event or comment; null when the stream ended.</summary>
    public async Task<SseItem?> ReadItemAsync(CancellationToken cancellationToken)
    {
        string? id = null, name = null, data = null, comment = null;
        var raw = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return raw.Length == 0 ? null : new SseItem(id, name, data, comment) { Raw = raw.ToString() };
            }

            if (line.Length == 0)
            {
                if (raw.Length == 0)
                {
                    continue;
                }

                return new SseItem(id, name, data, comment) { Raw = raw.ToString() };
            }

            raw.Append(line).Append('\n');
            if (line.StartsWith(':'))
            {
                comment = line.Substring(1).TrimStart();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line.Substring(4);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line.Substring(7);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Null(data); // one data line per event
                data = line.Substring(6);
            }
            else
            {
                Assert.Fail($"Unexpected line in the event stream: {line}");
            }
        }
    }

    /// <summary>The next event, skipping comments; null when the stream ended.</summary>
    public async Task<SseItem?> ReadEventAsync(CancellationToken cancellationToken)
    {
        while (await ReadItemAsync(cancellationToken) is { } item)
        {
            if (!item.IsComment)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Events up to and including the first one <paramref name="stop"/> accepts.</summary>
    public async Task<List<SseItem>> ReadUntilAsync(Func<SseItem, bool> stop, CancellationToken cancellationToken)
    {
        var items = new List<SseItem>();
        while (await ReadEventAsync(cancellationToken) is { } item)
        {
            items.Add(item);
            if (stop(item))
            {
                return items;
            }
        }

        Assert.Fail($"The stream ended before the expected event; it sent: {string.Join(", ", items.ConvertAll(i => i.Event))}");
        return items;
    }

    /// <summary>Every remaining event, until the server ends the stream.</summary>
    public async Task<List<SseItem>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var items = new List<SseItem>();
        while (await ReadEventAsync(cancellationToken) is { } item)
        {
            items.Add(item);
        }

        return items;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
