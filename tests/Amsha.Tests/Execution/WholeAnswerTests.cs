using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Execution;

/// <summary>
/// A crew's tasks stream their answers only when someone may read the tokens: the caller of <c>Start</c>, or the
/// session's subscribers and observers. <c>RunAsync</c> and background runs nobody watches ask for whole answers.
/// </summary>
public sealed class WholeAnswerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_that_nobody_watches_asks_for_whole_answers()
    {
        var client = new CountingClient();
        var result = await TestCrews.Session(client).RunAsync(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: Token).WaitAsync(TestCrews.Timeout, Token);

        Assert.Equal((2, 0), (client.Whole, client.Streamed));
        Assert.Equal(2, result.TaskOutputs.Count);
        Assert.False(string.IsNullOrEmpty(result.Output));
        Assert.Equal(2, result.Metrics.LlmCallCount);
        Assert.True(result.Metrics.Tokens.OutputTokens > 0);
    }

    [Fact]
    public async Task A_background_run_that_nobody_watches_asks_for_whole_answers()
    {
        var client = new CountingClient();
        var handle = TestCrews.Session(client).StartBackground(TestCrews.ResearchAndWrite(), "Rust", new ExecutionOptions { Store = new InMemoryExecutionStore() });
        await handle.ResultAsync(Token).WaitAsync(TestCrews.Timeout, Token);

        Assert.Equal((2, 0), (client.Whole, client.Streamed));
    }

    [Fact]
    public async Task Start_streams_for_its_handle_and_the_same_answers_come_out()
    {
        var streamedClient = new CountingClient();
        var handle = TestCrews.Session(streamedClient).Start(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: Token);
        var events = await TestCrews.ReadAllEventsAsync(handle);
        var streamed = await handle.ResultAsync(Token);

        var wholeClient = new CountingClient();
        var whole = await TestCrews.Session(wholeClient).RunAsync(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: Token).WaitAsync(TestCrews.Timeout, Token);

        Assert.Equal((0, 2), (streamedClient.Whole, streamedClient.Streamed));
        Assert.Contains(events, e => e is TokenDeltaEvent);
        Assert.Equal(streamed.Output, whole.Output);
        Assert.Equal(streamed.Metrics.Tokens, whole.Metrics.Tokens);
    }

    [Fact]
    public async Task A_subscriber_or_an_observer_of_the_session_gets_the_tokens_of_RunAsync()
    {
        var subscribed = new CountingClient();
        var session = TestCrews.Session(subscribed);
        var deltas = 0;
        using (session.Subscribe(e => Interlocked.Add(ref deltas, e is TokenDeltaEvent ? 1 : 0)))
        {
            await session.RunAsync(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: Token).WaitAsync(TestCrews.Timeout, Token);
        }

        Assert.Equal((0, 2), (subscribed.Whole, subscribed.Streamed));
        Assert.True(Volatile.Read(ref deltas) > 0);

        var observed = new CountingClient();
        var observedSession = TestCrews.Session(observed);
        observedSession.AddObserver(new Amsha.Tests.Monitoring.RecordingObserver());
        await observedSession.RunAsync(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: Token).WaitAsync(TestCrews.Timeout, Token);
        Assert.Equal((0, 2), (observed.Whole, observed.Streamed));

        // Unsubscribed: the next run nobody watches asks for whole answers again.
        await session.RunAsync(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: Token).WaitAsync(TestCrews.Timeout, Token);
        Assert.Equal((2, 2), (subscribed.Whole, subscribed.Streamed));
    }

    [Fact]
    public async Task An_interactive_run_that_may_wait_for_a_person_streams_for_whoever_answers()
    {
        // RunAsync hands out no handle, but whoever answers the review request gets one: the draft streams.
        var client = new CountingClient();
        var session = TestCrews.Session(client);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
#pragma warning disable AMSHA207 // on purpose: a run answered by its id (session.SubmitInputAsync), whose handle the answer returns
        var run = new Amsha.Tests.HumanInput.HumanReviewCrew(session).RunAsync(new Amsha.Tests.HumanInput.ReviewTopic("tides"), cancellationToken: stop.Token);
#pragma warning restore AMSHA207

        await client.FirstCall.WaitAsync(TestCrews.Timeout, Token);
        stop.Cancel(); // it waits for the review now; the answer is not this test's business
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestCrews.Timeout, Token));

        Assert.Equal((0, 1), (client.Whole, client.Streamed));
    }

    private sealed class CountingClient() : DelegatingChatClient(new OfflineChatClient())
    {
        private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _whole;
        private int _streamed;

        /// <summary>Completes once the first request was made (either way).</summary>
        public Task FirstCall => _firstCall.Task;

        public int Whole => Volatile.Read(ref _whole);

        public int Streamed => Volatile.Read(ref _streamed);

        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _whole);
            _firstCall.TrySetResult();
            return base.GetResponseAsync(messages, options, cancellationToken);
        }

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _streamed);
            _firstCall.TrySetResult();
            return base.GetStreamingResponseAsync(messages, options, cancellationToken);
        }
    }
}
