using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>The Server-Sent Events endpoint: format, replay, reconnection, keep-alives and stored-status streams.</summary>
public sealed class EventStreamTests
{
    [Fact]
    public async Task A_finished_execution_streams_events_1_to_n_and_ends_after_the_terminal_event()
    {
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        await host.WaitForEndAsync(id);

        await using var sse = await SseClient.OpenAsync(host.Operator, Events(id), host.Token);
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", sse.Response.Headers.CacheControl!.ToString());
        Assert.Equal("no", sse.Response.Headers.GetValues("X-Accel-Buffering").Single());

        var events = await sse.ReadToEndAsync(host.Token);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Number));
        Assert.Equal("executionStarted", events[0].Event);
        Assert.Equal("executionCompleted", events[^1].Event);
        foreach (var e in events)
        {
            var data = e.Json();
            Assert.Equal(e.Number, data.GetProperty("sequence").GetInt64());
            Assert.Equal(e.Event, data.GetProperty("type").GetString());
            Assert.Equal(id, data.GetProperty("executionId").GetString());
            Assert.True(data.TryGetProperty("timestamp", out _));
        }

        var kinds = events.Select(e => e.Event).ToHashSet();
        Assert.Superset(new HashSet<string?> { "executionStarted", "checkpointWritten", "taskStarted", "llmCallStarted", "tokenDelta", "llmCallCompleted", "taskCompleted", "executionCompleted" }, kinds);

        var started = events.First(e => e.Event == "taskStarted").Json();
        Assert.Equal("ApiResearch", started.GetProperty("task").GetString());
        Assert.Equal("ApiAnalyst", started.GetProperty("agent").GetString());
        Assert.Equal(0, started.GetProperty("taskIndex").GetInt32());
        var call = events.First(e => e.Event == "llmCallCompleted").Json();
        Assert.Equal(101, call.GetProperty("tokens").GetProperty("input").GetInt64());
        Assert.Equal(1, call.GetProperty("attempts").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconnecting_with_a_last_event_id_continues_after_it(bool inQuery)
    {
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        await host.WaitForEndAsync(id);
        List<SseItem> all;
        await using (var full = await SseClient.OpenAsync(host.Operator, Events(id), host.Token))
        {
            all = await full.ReadToEndAsync(host.Token);
        }

        const int k = 4;
        await using (var first = await SseClient.OpenAsync(host.Operator, Events(id), host.Token))
        {
            for (var i = 1; i <= k; i++)
            {
                Assert.Equal(i, (await first.ReadEventAsync(host.Token))!.Number);
            }
        }

        await using var again = inQuery
            ? await SseClient.OpenAsync(host.Operator, Events(id) + "?lastEventId=" + k, host.Token)
            : await SseClient.OpenAsync(host.Operator, Events(id), host.Token, lastEventId: k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rest = await again.ReadToEndAsync(host.Token);
        Assert.Equal(all.Skip(k).Select(e => e.Raw), rest.Select(e => e.Raw));

        // After the last event there is nothing more: the stream ends at once.
        await using var past = await SseClient.OpenAsync(host.Operator, Events(id), host.Token, lastEventId: all[^1].Id);
        Assert.Empty(await past.ReadToEndAsync(host.Token));
    }

    [Fact]
    public async Task A_client_that_reconnects_while_the_execution_runs_sees_every_event_exactly_once()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { OpenModel = false });
        var id = await host.StartAsync();

        // Read until the first task's model call starts (the model holds it), then disconnect.
        string lastSeen;
        var seen = new List<SseItem>();
        await using (var first = await SseClient.OpenAsync(host.Operator, Events(id), host.Token))
        {
            seen.AddRange(await first.ReadUntilAsync(e => e.Event == "llmCallStarted", host.Token));
            lastSeen = seen[^1].Id!;
        }

        // While nobody listens: the first task finishes and the second starts its call.
        host.Model.Release();
        Assert.Equal(1, await host.Model.WaitForCallAsync(host.Token));
        Assert.Equal(2, await host.Model.WaitForCallAsync(host.Token));

        await using (var second = await SseClient.OpenAsync(host.Operator, Events(id), host.Token, lastEventId: lastSeen))
        {
            var missed = await second.ReadUntilAsync(e => e.Event == "llmCallStarted", host.Token);
            Assert.Contains(missed, e => e.Event == "taskCompleted");
            seen.AddRange(missed);
            lastSeen = seen[^1].Id!;
        }

        // Reconnect once more and follow it live to the end.
        await using (var third = await SseClient.OpenAsync(host.Operator, Events(id), host.Token, lastEventId: lastSeen))
        {
            host.Model.Release();
            seen.AddRange(await third.ReadToEndAsync(host.Token));
        }

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen.Select(e => e.Number));
        Assert.Equal("executionCompleted", seen[^1].Event);

        // The same events, byte for byte, as one uninterrupted read after the fact.
        await using var replay = await SseClient.OpenAsync(host.Operator, Events(id), host.Token);
        Assert.Equal((await replay.ReadToEndAsync(host.Token)).Select(e => e.Raw), seen.Select(e => e.Raw));
    }

    [Fact]
    public async Task A_resumed_execution_continues_the_ids_after_the_previous_run()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { OpenModel = false });
        var id = await host.StartAsync();
        await host.Model.WaitForCallAsync(host.Token);

        await using var live = await SseClient.OpenAsync(host.Operator, Events(id), host.Token);
        var handle = host.Session.FindRunning(id)!;
        handle.Cancel();
        var firstRun = await live.ReadToEndAsync(host.Token);
        Assert.Equal("executionCanceled", firstRun[^1].Event);

        host.Model.Open();
        using (var resume = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{id}/resume", null, host.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        }

        // The client continues after the canceled run's last event: the resumed run's events follow, numbered on.
        await using var next = await SseClient.OpenAsync(host.Operator, Events(id), host.Token, lastEventId: firstRun[^1].Id);
        var secondRun = await next.ReadToEndAsync(host.Token);
        Assert.Equal("executionStarted", secondRun[0].Event);
        Assert.Equal(1, secondRun[0].Json().GetProperty("sequence").GetInt64() - firstRun[^1].Number);
        Assert.Equal("executionCompleted", secondRun[^1].Event);

        var all = firstRun.Concat(secondRun).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Number));
    }

    [Fact]
    public async Task An_idle_stream_sends_keep_alive_comments()
    {
        var time = new FakeTimeProvider();
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { OpenModel = false, EndpointTime = time });
        var id = await host.StartAsync();

        await using var sse = await SseClient.OpenAsync(host.Operator, Events(id), host.Token);
        var before = await sse.ReadUntilAsync(e => e.Event == "llmCallStarted", host.Token);

        // The model holds the call: nothing happens until the keep-alive interval passes.
        time.Advance(TimeSpan.FromSeconds(15));
        var item = await sse.ReadItemAsync(host.Token);
        Assert.Equal("keep-alive", item!.Comment);

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("keep-alive", (await sse.ReadItemAsync(host.Token))!.Comment);

        host.Model.Open();
        var after = await sse.ReadToEndAsync(host.Token);
        var all = before.Concat(after).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Number));
    }

    [Fact]
    public async Task An_execution_without_live_events_streams_its_stored_status_until_it_stops()
    {
        var time = new FakeTimeProvider();
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { EndpointTime = time });
        var stored = await host.Store.SaveAsync(OtherProcess.Record("far", ExecutionStatus.Running), host.Token);

        await using var sse = await SseClient.OpenAsync(host.Operator, Events("far"), host.Token);
        var first = await sse.ReadItemAsync(host.Token);
        Assert.Equal("status", first!.Event);
        Assert.Null(first.Id);
        Assert.Equal("running", first.Json().GetProperty("status").GetString());
        Assert.Equal("far", first.Json().GetProperty("id").GetString());

        // The other process finishes; the next poll sees it and the stream ends.
        var at = stored.UpdatedAt.AddSeconds(5);
        await host.Store.SaveAsync(stored with
        {
            Status = ExecutionStatus.Succeeded,
            StatusHistory = [.. stored.StatusHistory, new ExecutionStatusChange(ExecutionStatus.Succeeded, at)],
            TaskOutputs = [new StoredTaskOutput(0, "ApiResearch", "ApiAnalyst", "done", TimeSpan.FromSeconds(4))],
            UpdatedAt = at,
        }, host.Token);
        time.Advance(TimeSpan.FromSeconds(2));

        var second = await sse.ReadItemAsync(host.Token);
        Assert.Equal("status", second!.Event);
        var summary = second.Json();
        Assert.Equal("succeeded", summary.GetProperty("status").GetString());
        Assert.Equal(1, summary.GetProperty("progress").GetProperty("completedTasks").GetInt32());
        Assert.Null(await sse.ReadItemAsync(host.Token));
    }

    [Fact]
    public async Task A_stopped_execution_without_live_events_sends_one_status()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.Store.SaveAsync(OtherProcess.Record("old", ExecutionStatus.Failed), host.Token);

        await using var sse = await SseClient.OpenAsync(host.Operator, Events("old"), host.Token);
        var items = await sse.ReadToEndAsync(host.Token);
        var status = Assert.Single(items);
        Assert.Equal("status", status.Event);
        Assert.Equal("failed", status.Json().GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task An_invalid_last_event_id_answers_400(string lastEventId)
    {
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, Events(id));
        request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await host.Operator.SendAsync(request, host.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
    }

    private static string Events(string id) => $"{ApiTestHost.Prefix}/executions/{id}/events";
}
