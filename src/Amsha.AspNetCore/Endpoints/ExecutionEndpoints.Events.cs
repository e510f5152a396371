using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Amsha.AspNetCore.Endpoints;

// GET /executions/{id}/events: Server-Sent Events.
internal sealed partial class ExecutionEndpoints
{
    private const int BatchSize = 256;

    /// <summary>
    /// <c>GET /executions/{id}/events</c>: the execution's events as Server-Sent Events, from the hub (replayed, then
    /// followed; resumable with <c>Last-Event-ID</c>), or its stored status polled when the hub has no events for it.
    /// </summary>
    public async Task StreamEventsAsync(HttpContext context)
    {
        var id = RouteValue(context, "id");
        if (!TryLastEventId(context, out var lastEventId))
        {
            await HttpJson.WriteProblemAsync(context, StatusCodes.Status400BadRequest,
                "The Last-Event-ID header (or lastEventId query parameter) must be the id of an event: a whole number of 0 or more.",
                writer => writer.WriteString("parameter", "Last-Event-ID")).ConfigureAwait(false);
            return;
        }

        ExecutionRecord? record = null;
        if (!_hub.TryGet(id, out var stream))
        {
            record = await ReadRecordAsync(context, id).ConfigureAwait(false);
            if (record is null)
            {
                return;
            }

            // Running here but no event appended yet: follow the hub, which will have them.
            stream = Session.FindRunning(id) is not null ? _hub.GetOrAdd(id) : null;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var events = new EventStreamWriter(response.BodyWriter, _time, _options.KeepAliveInterval, stop);
        try
        {
            // The keep-alive clock starts before the headers go out.
            if (!await events.FlushAsync().ConfigureAwait(false))
            {
                return;
            }

            if (stream is null)
            {
                stream = await FollowRecordAsync(events, id, record!, stop.Token).ConfigureAwait(false);
                if (stream is null)
                {
                    return;
                }
            }

            await FollowEventsAsync(events, stream, lastEventId).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            stop.Cancel();
        }
    }

    // Replays the kept events after lastEventId, then follows new ones until the latest run's terminal event.
    private async Task FollowEventsAsync(EventStreamWriter events, ExecutionEventStream stream, long lastEventId)
    {
        var includeContent = Session.Options.CaptureMessageContent;
        var batch = new List<StreamedEvent>(BatchSize);
        while (true)
        {
            batch.Clear();
            var read = stream.Read(lastEventId, batch, BatchSize);
            if (batch.Count > 0)
            {
                if (read.Dropped > 0)
                {
                    events.WriteComment($"{read.Dropped.ToString(CultureInfo.InvariantCulture)} earlier events of this execution are no longer kept");
                }

                foreach (var item in batch)
                {
                    events.WriteEvent(item.Id, item.Event, includeContent);
                    lastEventId = item.Id;
                }

                if (!await events.FlushAsync().ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            // The latest run ended; the stream ends too, unless a resumed run is live here and about to append.
            if (read.Ended && Session.FindRunning(stream.ExecutionId) is null)
            {
                return;
            }

            await events.WaitAsync(read.Changed!).ConfigureAwait(false);
        }
    }

    // Sends the stored summary as "status" events while it changes, until it stops; switches to the hub's events when
    // the execution starts running in this process. Returns that stream, or null once the execution has stopped.
    private async Task<ExecutionEventStream?> FollowRecordAsync(EventStreamWriter events, string id, ExecutionRecord record, CancellationToken cancellationToken)
    {
        var includeContent = Session.Options.CaptureMessageContent;
        long revision = -1;
        var status = (ExecutionStatus)(-1);
        while (true)
        {
            // The next poll is due from now; its timer exists before the client sees this status.
            var poll = Task.Delay(_options.StatusPollInterval, _time, cancellationToken);
            if (record.Revision != revision || record.Status != status)
            {
                revision = record.Revision;
                status = record.Status;
                var view = new ExecutionView(includeContent);
                events.WriteStatus(writer => ExecutionJson.WriteSummary(writer, record, view));
                if (!await events.FlushAsync().ConfigureAwait(false))
                {
                    return null;
                }
            }

            if (ExecutionJson.IsStopped(record.Status))
            {
                return null;
            }

            await events.WaitAsync(poll).ConfigureAwait(false);
            if ((_hub.TryGet(id, out var stream) && stream.HasEvents) || Session.FindRunning(id) is not null)
            {
                return stream ?? _hub.GetOrAdd(id);
            }

            try
            {
                record = await Session.GetExecutionAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (ExecutionNotFoundException)
            {
                return null;
            }
        }
    }

    private static bool TryLastEventId(HttpContext context, out long lastEventId)
    {
        lastEventId = 0;
        var text = context.Request.Headers["Last-Event-ID"].ToString();
        if (text.Length == 0)
        {
            text = context.Request.Query["lastEventId"].ToString();
        }

        return text.Length == 0 || (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out lastEventId) && lastEventId >= 0);
    }

    /// <summary>Writes the <c>text/event-stream</c> format and its keep-alive comments.</summary>
    private sealed class EventStreamWriter
    {
        private static ReadOnlySpan<byte> IdField => "id: "u8;
        private static ReadOnlySpan<byte> EventField => "event: "u8;
        private static ReadOnlySpan<byte> DataField => "data: "u8;

        private readonly PipeWriter _output;
        private readonly TimeProvider _time;
        private readonly TimeSpan _keepAliveInterval;
        private readonly CancellationTokenSource _stop;
        private readonly CancellationToken _cancellationToken;
        private readonly Utf8JsonWriter _json;
        private Task _keepAlive;

        public EventStreamWriter(PipeWriter output, TimeProvider time, TimeSpan keepAliveInterval, CancellationTokenSource stop)
        {
            _output = output;
            _time = time;
            _keepAliveInterval = keepAliveInterval;
            _stop = stop;
            _cancellationToken = stop.Token;
            _json = new Utf8JsonWriter(output, HttpJson.WriterOptions);
            _keepAlive = Task.Delay(keepAliveInterval, time, _cancellationToken);
        }

        public void WriteEvent(long id, ExecutionEvent e, bool includeContent)
        {
            Write(IdField);
            WriteAscii(id.ToString(CultureInfo.InvariantCulture));
            Write("\n"u8);
            Write(EventField);
            WriteAscii(ExecutionJson.KindOf(e));
            Write("\n"u8);
            Write(DataField);
            _json.Reset(_output);
            ExecutionJson.WriteEvent(_json, id, e, includeContent);
            _json.Flush();
            Write("\n\n"u8);
        }

        public void WriteStatus(Action<Utf8JsonWriter> write)
        {
            Write("event: status\ndata: "u8);
            _json.Reset(_output);
            write(_json);
            _json.Flush();
            Write("\n\n"u8);
        }

        public void WriteComment(string text)
        {
            Write(": "u8);
            WriteAscii(text);
            Write("\n\n"u8);
        }

        /// <returns>False when the client is gone (the stream's timers are stopped then).</returns>
        public async ValueTask<bool> FlushAsync()
        {
            var result = await _output.FlushAsync(_cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                _stop.Cancel();
                return false;
            }

            return true;
        }

        /// <summary>Waits for <paramref name="signal"/>, sending a keep-alive comment whenever the interval passes meanwhile.</summary>
        public async Task WaitAsync(Task signal)
        {
            while (true)
            {
                var done = await Task.WhenAny(signal, _keepAlive).ConfigureAwait(false);
                _cancellationToken.ThrowIfCancellationRequested();
                if (ReferenceEquals(done, signal))
                {
                    return;
                }

                // The next keep-alive is due from now; its timer exists before the client sees this one.
                _keepAlive = Task.Delay(_keepAliveInterval, _time, _cancellationToken);
                WriteComment("keep-alive");
                if (!await FlushAsync().ConfigureAwait(false))
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            var span = _output.GetSpan(bytes.Length);
            bytes.CopyTo(span);
            _output.Advance(bytes.Length);
        }

        // Ids, event names and comments are ASCII.
        private void WriteAscii(string text)
        {
            var span = _output.GetSpan(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = text[i] < 128 ? (byte)text[i] : (byte)'?';
            }

            _output.Advance(text.Length);
        }
    }
}
