using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;

namespace Amsha.Tests.LlmCalls;

/// <summary>The done-when cases: a crew against a real HTTP server speaking the OpenAI protocol.</summary>
public sealed class LoopbackCrewTests
{
    [Fact]
    public async Task Crew_retries_429_with_Retry_After_twice_then_succeeds_with_visible_retries_and_counted_usage()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(
            LoopbackReply.Error(429, retryAfter: TimeSpan.FromSeconds(1)),
            LoopbackReply.Error(429, retryAfter: TimeSpan.FromSeconds(1)),
            LoopbackReply.Success("Gravity pulls things together.", promptTokens: 11, completionTokens: 5));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        var crew = new ExplainCrew(session);
        using var spans = new SpanRecorder();
        using var metrics = new MetricRecorder();

        var handle = crew.Start(new Question("gravity"));
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var result = await handle.ResultAsync(TestContext.Current.CancellationToken);

        // The crew completed with the third answer.
        Assert.Equal("Gravity pulls things together.", result.Output);
        Assert.Equal(3, server.RequestCount);
        Assert.All(server.Requests, r => Assert.True(r.Streaming));

        // Events: started, two retries honouring Retry-After (each with its attempt's usage, none for a 429), completed with the last attempt's.
        var retries = events.OfType<LlmCallRetryingEvent>().ToList();
        Assert.Equal(new[] { 1, 2 }, retries.Select(r => r.Attempt));
        Assert.All(retries, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Delay));
        Assert.All(retries, r => Assert.Equal("HTTP 429", r.Reason));
        Assert.All(retries, r => Assert.Equal("Explain", r.TaskName));
        var completed = Assert.Single(events.OfType<LlmCallCompletedEvent>());
        Assert.Equal(3, completed.Attempts);
        Assert.Equal(new TokenUsage(11, 5, 16), completed.Usage);
        Assert.Single(events.OfType<LlmCallStartedEvent>());
        Assert.True(events.IndexOf(events.OfType<LlmCallStartedEvent>().Single()) < events.IndexOf(retries[0]));
        Assert.All(events, e => Assert.Equal(handle.ExecutionId, e.ExecutionId));

        // Usage per task and per execution.
        Assert.Equal(new TokenUsage(11, 5, 16), result.Metrics.GetTask("Explain")!.Tokens);
        Assert.Equal(new TokenUsage(11, 5, 16), result.Usage);

        // Span tree: invoke_workflow > invoke_agent > chat, with a retry event per retry.
        var workflow = spans.Single("invoke_workflow ExplainCrew");
        var agent = spans.Single("invoke_agent Analyst");
        var chat = spans.Single("chat " + model);
        Assert.Equal(workflow.SpanId, agent.ParentSpanId);
        Assert.Equal(agent.SpanId, chat.ParentSpanId);
        Assert.Equal(System.Diagnostics.ActivityKind.Client, chat.Kind);
        Assert.Equal(2, chat.Events.Count(e => e.Name == "amsha.llm.retry"));
        Assert.All(chat.Events, e => Assert.Equal("429", e.Tags.Single(t => t.Key == "error.type").Value));
        Assert.Equal("chat", chat.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("openai", chat.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(model, chat.GetTagItem("gen_ai.request.model"));
        Assert.Equal(0.2, chat.GetTagItem("gen_ai.request.temperature"));
        Assert.Equal(11L, chat.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(5L, chat.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(3, chat.GetTagItem("amsha.llm.attempts"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, chat.Status);

        // Metrics: token usage by type, and duration.
        var measured = metrics.For(model);
        Assert.Contains(measured, m => m.Instrument == "gen_ai.client.token.usage" && Equals(m.Tags["gen_ai.token.type"], "input") && m.Value == 11);
        Assert.Contains(measured, m => m.Instrument == "gen_ai.client.token.usage" && Equals(m.Tags["gen_ai.token.type"], "output") && m.Value == 5);
        Assert.Contains(measured, m => m.Instrument == "gen_ai.client.operation.duration" && m.Value >= 1.5);

        // No content without opt-in, no API key anywhere.
        var telemetry = spans.AllText();
        Assert.DoesNotContain("gen_ai.input.messages", telemetry, StringComparison.Ordinal);
        Assert.DoesNotContain("gravity", telemetry, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(LlmTestHost.ApiKey, telemetry, StringComparison.Ordinal);
        Assert.DoesNotContain(LlmTestHost.ApiKey, string.Join("\n", events), StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + LlmTestHost.ApiKey, r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Crew_fails_at_once_on_401_without_retry_and_non_recoverable()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Error(401, body: "{\"error\":{\"message\":\"Incorrect API key provided: " + LlmTestHost.ApiKey + "\",\"type\":\"invalid_request_error\"}}"));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        var observed = new List<ExecutionEvent>();
        using var subscription = session.Subscribe(e => { lock (observed) { observed.Add(e); } });
        using var spans = new SpanRecorder();

        var handle = new ExplainCrew(session).Start(new Question("gravity"));
        var failure = await Assert.ThrowsAsync<LlmCallException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));

        Assert.Equal(1, server.RequestCount);
        Assert.False(failure.Recoverable);
        Assert.Equal(401, failure.StatusCode);
        Assert.Equal(1, failure.Attempts);
        Assert.Equal(handle.ExecutionId, failure.ExecutionId);
        Assert.Contains("refused the credentials", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Failed, handle.Status);

        // The key appears in no message, event or span, even though the server echoed it.
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(LlmTestHost.ApiKey, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(LlmTestHost.ApiKey, e.ToString(), StringComparison.Ordinal);
        }

        List<ExecutionEvent> events;
        lock (observed)
        {
            events = observed.Where(e => e.ExecutionId == handle.ExecutionId).ToList();
        }

        Assert.Empty(events.OfType<LlmCallRetryingEvent>());
        var failed = Assert.Single(events.OfType<LlmCallFailedEvent>());
        Assert.Equal("401", failed.ErrorType);
        Assert.False(failed.Recoverable);
        Assert.False(Assert.Single(events.OfType<ExecutionFailedEvent>()).Recoverable);
        Assert.DoesNotContain(LlmTestHost.ApiKey, string.Join("\n", events), StringComparison.Ordinal);

        var chat = spans.Single("chat " + model);
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, chat.Status);
        Assert.Equal("401", chat.GetTagItem("error.type"));
        Assert.Equal("401", spans.Single("invoke_agent Analyst").GetTagItem("error.type"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, spans.Single("invoke_workflow ExplainCrew").Status);
        Assert.DoesNotContain(LlmTestHost.ApiKey, spans.AllText(), StringComparison.Ordinal);
    }
}
