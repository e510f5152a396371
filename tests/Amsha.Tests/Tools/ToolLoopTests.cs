using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;
using Amsha.Tests.LlmCalls;
using OpenTelemetry.Trace;

namespace Amsha.Tests.Tools;

/// <summary>The tool loop of a task, against the offline model and a real OpenAI-protocol server on loopback.</summary>
public sealed class ToolLoopTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Offline_model_calls_every_offered_tool_once_then_answers_with_the_results()
    {
        await using var session = new ExecutionSession();
        var tools = new ProbeTools();
        session.AddToolbox(tools);

        var handle = new ToolCrew(session).Start(new ToolQuestion("tides"), Token);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(Token))
        {
            events.Add(e);
        }

        var result = await handle.ResultAsync(Token);

        // Each tool ran once, with arguments the model built from its schema; the failing one's message went back.
        Assert.Equal(3, tools.Calls.Count);
        Assert.Contains(tools.Calls, c => c.StartsWith("lookup:", StringComparison.Ordinal));
        Assert.Contains(tools.Calls, c => c.StartsWith("add:", StringComparison.Ordinal));
        Assert.Contains(tools.Calls, c => c == "explode");
        Assert.True(result.Output.Contains("Tool results: fact about", StringComparison.Ordinal), result.Output);
        Assert.Contains("Tool 'Explode' failed: boom", result.Output, StringComparison.Ordinal);

        // Events: three calls of round 1, two completed and one failed, between two LLM calls.
        var started = events.OfType<ToolCallStartedEvent>().ToList();
        Assert.Equal(["Add", "Explode", "Lookup"], started.Select(s => s.ToolName).Order());
        Assert.All(started, s => Assert.Equal(1, s.Round));
        Assert.All(started, s => Assert.Null(s.Arguments)); // content capture is off
        Assert.Equal(2, events.OfType<ToolCallCompletedEvent>().Count());
        var failed = Assert.Single(events.OfType<ToolCallFailedEvent>());
        Assert.Equal(("Explode", "InvalidOperationException", false), (failed.ToolName, failed.ErrorType, failed.FailsTask));
        Assert.Equal(2, events.OfType<LlmCallCompletedEvent>().Count());
        var firstCall = events.FindIndex(e => e is LlmCallCompletedEvent);
        var lastCall = events.FindLastIndex(e => e is LlmCallCompletedEvent);
        Assert.All(started, s => Assert.InRange(events.IndexOf(s), firstCall, lastCall));

        // Metrics: per task and per execution; tokens of both rounds counted once.
        Assert.Equal((3, 1), (result.Metrics.ToolCallCount, result.Metrics.FailedToolCallCount));
        Assert.Equal(3, result.Metrics.GetTask("ResearchWithTools")!.ToolCalls);
        Assert.Equal(2, result.Metrics.LlmCallCount);
        var perCall = events.OfType<LlmCallCompletedEvent>().Select(e => e.Usage).Aggregate(TokenUsage.Zero, (a, b) => a + b);
        Assert.Equal(perCall, result.Usage);
    }

    [Fact]
    public async Task Parallel_calls_of_one_round_run_concurrently_and_their_results_reach_the_model()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(
            LoopbackReply.CallTools(new LoopbackToolCall("call_a", "Meet", """{"who":"ada"}"""), new LoopbackToolCall("call_b", "Meet", """{"who":"grace"}""")),
            LoopbackReply.Success("Both met."));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var tools = new WaitingTools();
        session.AddToolbox(tools);

        // Each Meet returns only once the other has started: run one after the other, they would wait forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var result = await new WaitingCrew(session).RunAsync(new ToolQuestion("friends"), timeout.Token);

        Assert.Equal("Both met.", result.Output);
        var requests = server.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].OffersTools);
        Assert.Equal(["Meet", "Hold", "Hang"], requests[0].OfferedToolNames);
        Assert.Equal(["met ada", "met grace"], requests[1].ToolResults);
        Assert.Equal(2, result.Metrics.ToolCallCount);
    }

    [Fact]
    public async Task No_more_calls_of_a_round_run_at_once_than_MaxConcurrentCalls()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(
            LoopbackReply.CallTools(
                new LoopbackToolCall("h1", "Hold", """{"id":"1"}"""),
                new LoopbackToolCall("h2", "Hold", """{"id":"2"}"""),
                new LoopbackToolCall("h3", "Hold", """{"id":"3"}""")),
            LoopbackReply.Success("All held."));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel(), new Dictionary<string, string?> { ["Amsha:Llm:Tools:MaxConcurrentCalls"] = "2" });
        var tools = new WaitingTools();
        session.AddToolbox(tools);

        // Every Hold waits for the release, so calls that may run at once are all in flight together: without the
        // bound the third would start beside the first two, before any of them could finish.
        var handle = new WaitingCrew(session).Start(new ToolQuestion("x"), Token);
        await tools.TwoEntered.WaitAsync(Token);
        tools.Release.TrySetResult();
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(Token))
        {
            events.Add(e);
        }

        Assert.Equal("All held.", (await handle.ResultAsync(Token)).Output);
        Assert.Equal(2, tools.MaxInFlight);
        var firstDone = events.FindIndex(e => e is ToolCallCompletedEvent);
        Assert.Equal(2, events.Take(firstDone).OfType<ToolCallStartedEvent>().Count());
        Assert.Equal(["held 1", "held 2", "held 3"], server.Requests.Last().ToolResults);
    }

    [Fact]
    public async Task Malformed_or_missing_arguments_and_unknown_tools_go_back_to_the_model_without_calling_the_method()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(
            LoopbackReply.CallTools(
                new LoopbackToolCall("c1", "Lookup", "this is not json"),
                new LoopbackToolCall("c2", "Lookup", """{"depth":2}"""),
                new LoopbackToolCall("c3", "Lookup", """{"topic":"moon","depth":"deep"}"""),
                new LoopbackToolCall("c4", "Teleport", "{}")),
            LoopbackReply.Success("I will ask properly next time."));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var tools = new ProbeTools();
        session.AddToolbox(tools);
        var handle = new ToolCrew(session).Start(new ToolQuestion("moon"), Token);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(Token))
        {
            events.Add(e);
        }

        Assert.Equal("I will ask properly next time.", (await handle.ResultAsync(Token)).Output);
        Assert.Empty(tools.Calls);
        var results = server.Requests.Last().ToolResults;
        Assert.Equal(4, results.Count);
        Assert.Contains("not a JSON object", results[0], StringComparison.Ordinal);
        Assert.Contains("'topic'", results[1], StringComparison.Ordinal);
        Assert.Contains("Invalid argument 'depth' for tool 'Lookup'", results[2], StringComparison.Ordinal);
        Assert.Contains("no tool named 'Teleport'", results[3], StringComparison.Ordinal);
        Assert.Contains("Lookup, Add, Explode", results[3], StringComparison.Ordinal);
        Assert.Equal(["invalid_arguments", "invalid_arguments", "invalid_arguments", "unknown_tool"], events.OfType<ToolCallFailedEvent>().Select(f => f.ErrorType));
    }

    [Fact]
    public async Task A_throwing_tool_fails_the_task_when_configured_so()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.CallTools(new LoopbackToolCall("c1", "Explode", """{"reason":"test"}""")));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel(), new Dictionary<string, string?> { ["Amsha:Llm:Tools:OnToolError"] = "FailTask" });
        session.AddToolbox(new ProbeTools());

        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => new ToolCrew(session).RunAsync(new ToolQuestion("x"), Token));

        var cause = Assert.IsType<ToolCallException>(failure.InnerException);
        Assert.Equal(("Explode", "c1"), (cause.ToolName, cause.CallId));
        Assert.Contains("boom: test", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_model_that_keeps_calling_tools_fails_after_the_task_limit_of_rounds()
    {
        await using var server = LoopbackChatServer.Start();
        server.DefaultReply = LoopbackReply.CallTools(new LoopbackToolCall("again", "Add", """{"a":1,"b":2}"""));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var tools = new ProbeTools();
        session.AddToolbox(tools);

        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => new ToolCrew(session).RunAsync(new ToolQuestion("x"), Token));

        // MaxToolRounds = 2 on the task: two rounds ran, the third request's answer asked again and failed the task.
        Assert.IsType<ToolCallException>(failure.InnerException);
        Assert.Contains("at most 2 round(s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RequestCount);
        Assert.Equal(2, tools.Calls.Count);
    }

    [Fact]
    public async Task Canceling_the_execution_reaches_a_running_tool()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.CallTools(new LoopbackToolCall("h", "Hang", "{}")));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var tools = new WaitingTools();
        session.AddToolbox(tools);

        var handle = new WaitingCrew(session).Start(new ToolQuestion("x"), Token);
        await tools.HangStarted.Task.WaitAsync(Token);
        handle.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(Token));
        Assert.True(tools.SawCancellation);
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
    }

    [Fact]
    public async Task Tool_calls_are_execute_tool_spans_under_the_chat_span_that_asked_for_them()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(
            LoopbackReply.CallTools(new LoopbackToolCall("c1", "Add", """{"a":2,"b":3}""")),
            LoopbackReply.Success("Five."));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        session.AddToolbox(new ProbeTools());
        using var spans = new SpanRecorder();

        await new ToolCrew(session).RunAsync(new ToolQuestion("sums"), Token);

        var tool = spans.Single("execute_tool Add");
        var chats = spans.Spans.Where(s => s.DisplayName == "chat " + model).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, chats.Count);
        Assert.Equal(chats[0].SpanId, tool.ParentSpanId);
        Assert.Equal("execute_tool", tool.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("Add", tool.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("c1", tool.GetTagItem("gen_ai.tool.call.id"));
        Assert.Equal("function", tool.GetTagItem("gen_ai.tool.type"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, tool.Status);
        Assert.Equal(["5"], server.Requests.Last().ToolResults);
    }

    [Fact]
    public async Task In_memory_exporter_receives_the_tool_spans_with_their_attributes()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(
            LoopbackReply.CallTools(new LoopbackToolCall("c1", "Lookup", """{"topic":"otel"}"""), new LoopbackToolCall("c2", "Explode", """{"reason":"x"}""")),
            LoopbackReply.Success("Exported."));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        session.AddToolbox(new ProbeTools());
        var spans = new Support.ConcurrentExport<System.Diagnostics.Activity>();
        using (var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource("Amsha").AddInMemoryExporter(spans).Build())
        {
            await new ToolCrew(session).RunAsync(new ToolQuestion("otel"), Token);
            tracing!.ForceFlush();
        }

        var firstChat = spans.Where(s => s.DisplayName == "chat " + model).OrderBy(s => s.StartTimeUtc).First();
        var tools = spans.Where(s => s.ParentSpanId == firstChat.SpanId).OrderBy(s => s.DisplayName, StringComparer.Ordinal).ToList();
        Assert.Equal(["execute_tool Explode", "execute_tool Lookup"], tools.Select(s => s.DisplayName));
        Assert.All(tools, s => Assert.Equal("execute_tool", s.GetTagItem("gen_ai.operation.name")));
        Assert.Equal("c2", tools[0].GetTagItem("gen_ai.tool.call.id"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, tools[0].Status);
        Assert.Equal("InvalidOperationException", tools[0].GetTagItem("error.type"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, tools[1].Status);
    }
}
