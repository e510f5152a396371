using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;

namespace Amsha.Tests.LlmCalls;

/// <summary>
/// A chat-completions stream that closes normally before its finish reason (no finish_reason, no usage chunk,
/// no [DONE]) is an incomplete answer: a transient fault, never an output.
/// </summary>
public sealed class IncompleteStreamTests
{
    private const string Answer = "Gravity pulls every mass toward every other.";

    [Fact]
    public async Task A_stream_that_closes_before_any_text_is_retried_and_answers_in_full()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.EndsEarly(Answer, tokens: 0), LoopbackReply.Success(Answer, promptTokens: 5, completionTokens: 7));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var events = FaultMatrixTests.Record(session, out var subscription);
        using var unsubscribe = subscription;

        var received = new List<string>();
        await foreach (var delta in new Assistant(session).StreamAsync("text", TestContext.Current.CancellationToken))
        {
            received.Add(delta);
        }

        Assert.Equal(Answer, string.Concat(received));
        Assert.Equal(2, server.RequestCount);
        var retry = Assert.Single(FaultMatrixTests.Snapshot(events).OfType<LlmCallRetryingEvent>());
        Assert.Equal("incomplete_response", retry.Reason);
        Assert.Equal(2, Assert.Single(FaultMatrixTests.Snapshot(events).OfType<LlmCallCompletedEvent>()).Attempts);
    }

    [Fact]
    public async Task A_whole_answer_whose_body_ends_early_is_retried_and_answers_in_full()
    {
        // A call nobody streams asks for the whole answer; a body closed part-way through its JSON is no answer.
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.EndsEarly(Answer, tokens: 2), LoopbackReply.Success(Answer, promptTokens: 5, completionTokens: 7));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var events = FaultMatrixTests.Record(session, out var subscription);
        using var unsubscribe = subscription;

        var answer = await new Assistant(session).SummarizeAsync("text", TestContext.Current.CancellationToken);

        Assert.Equal(Answer, answer);
        Assert.Equal(2, server.RequestCount);
        Assert.DoesNotContain(server.Requests, r => r.Streaming);
        Assert.Equal("malformed_response", Assert.Single(FaultMatrixTests.Snapshot(events).OfType<LlmCallRetryingEvent>()).Reason);
    }

    [Fact]
    public async Task In_a_crew_a_cut_answer_fails_the_task_recoverably_and_the_next_task_never_runs_on_it()
    {
        // 2 of 6 words, then a clean close: before the fix the task succeeded with "Gravity pulls " and 0 tokens.
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.EndsEarly(Answer, tokens: 2));
        var store = new InMemoryExecutionStore();
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel(), store: store);
        var crew = new ExplainThenSummarizeCrew(session);

        // A subscriber reads the session's token deltas, so the background run's tasks stream.
        using var watching = session.Subscribe(_ => { });
        var handle = await crew.StartBackgroundAsync(new Question("gravity"), TestContext.Current.CancellationToken);
        var failure = await Assert.ThrowsAsync<LlmCallException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));

        Assert.Equal("incomplete_response", failure.ErrorType);
        Assert.True(failure.Recoverable);
        Assert.Contains("ended without a finish reason", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
        var record = (await store.GetAsync(handle.ExecutionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Failed, record.Status);
        Assert.Empty(record.TaskOutputs);
        Assert.True(record.Error!.Recoverable);

        // The fault was transient: resuming against a server that answers in full completes both tasks.
        server.Enqueue(LoopbackReply.Success(Answer), LoopbackReply.Success("Everything falls."));
        var resumed = await crew.ResumeAsync(handle.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);
        var result = await resumed.ResultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Answer, result.GetTaskOutput("Explain").Text);
        Assert.Equal("Everything falls.", result.Output);
    }

    [Fact]
    public async Task In_a_crew_a_stream_that_ends_before_any_text_is_retried()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.EndsEarly(Answer, tokens: 0), LoopbackReply.Success(Answer), LoopbackReply.Success("Everything falls."));
        var crew = new ExplainThenSummarizeCrew(LlmTestHost.Session(server, LlmTestHost.UniqueModel()));

        var handle = crew.Start(new Question("gravity"));
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var result = await handle.ResultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Answer, result.GetTaskOutput("Explain").Text);
        Assert.Equal(3, server.RequestCount);
        Assert.Equal("incomplete_response", Assert.Single(events.OfType<LlmCallRetryingEvent>()).Reason);
    }

    [Fact]
    public async Task A_streamed_call_that_ends_early_fails_after_the_text_it_delivered()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.EndsEarly(Answer, tokens: 2));
        var session = LlmTestHost.Session(server, LlmTestHost.UniqueModel());
        var received = new List<string>();

        var failure = await Assert.ThrowsAsync<LlmCallException>(async () =>
        {
            await foreach (var delta in new Assistant(session).StreamAsync("gravity", TestContext.Current.CancellationToken))
            {
                received.Add(delta);
            }
        });

        Assert.Equal(["Gravity ", "pulls "], received);
        Assert.Equal("incomplete_response", failure.ErrorType);
        Assert.True(failure.Recoverable);
        Assert.Equal(1, server.RequestCount);
    }
}
