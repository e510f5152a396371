using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.LlmCalls;

/// <summary>Circuit breaker, cancellation and offline fault injection, on the offline client (no network).</summary>
public sealed class ResilienceTests
{
    private static readonly LlmCallOptions s_once = new(1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Circuit_breaker_opens_after_failures_then_half_opens_and_closes()
    {
        var faults = new OfflineChatClientOptions { FailFirstCalls = int.MaxValue, FaultStatusCode = 503 };
        var client = new OfflineChatClient(faults);
        var time = new FakeTimeProvider();
        var session = QuickBreakerSession(client, time);
        var messages = AmshaLlmCalls.Messages(null, "hello");

        // Two transient failures open the circuit.
        for (var i = 0; i < 2; i++)
        {
            var failure = await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken));
            Assert.Equal("503", failure.ErrorType);
        }

        // Open: refused without reaching the client.
        var open = await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken));
        Assert.Equal("circuit_open", open.ErrorType);
        Assert.True(open.Recoverable);
        Assert.Equal(2, client.CallCount);

        // The breaker is per use case: another use case still reaches the client.
        await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "other", s_once, messages, TestContext.Current.CancellationToken));
        Assert.Equal(3, client.CallCount);

        // Just before the break ends it is still open; after it a probe goes through (half-open), succeeds and closes the circuit.
        time.Advance(TimeSpan.FromSeconds(0.49));
        Assert.Equal("circuit_open", (await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken))).ErrorType);
        faults.FailFirstCalls = 0;
        time.Advance(TimeSpan.FromSeconds(0.02));
        Assert.StartsWith("Offline answer", await AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.StartsWith("Offline answer", await AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(5, client.CallCount);
    }

    [Fact]
    public async Task A_failing_half_open_probe_opens_the_circuit_again_for_a_full_break()
    {
        var faults = new OfflineChatClientOptions { FailFirstCalls = int.MaxValue, FaultStatusCode = 503 };
        var client = new OfflineChatClient(faults);
        var time = new FakeTimeProvider();
        var session = QuickBreakerSession(client, time);
        var messages = AmshaLlmCalls.Messages(null, "hello");
        Task<string> Call() => AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken);

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<LlmCallException>(Call);
        }

        // After the break one probe reaches the model; it fails, so the very next call is refused again.
        time.Advance(TimeSpan.FromSeconds(0.51));
        var probe = await Assert.ThrowsAsync<LlmCallException>(Call);
        Assert.Equal("503", probe.ErrorType);
        Assert.Equal(3, client.CallCount);
        var reopened = await Assert.ThrowsAsync<LlmCallException>(Call);
        Assert.Equal("circuit_open", reopened.ErrorType);

        // Still open just before the new break ends: it is a full break, not a shorter one.
        time.Advance(TimeSpan.FromSeconds(0.49));
        Assert.Equal("circuit_open", (await Assert.ThrowsAsync<LlmCallException>(Call)).ErrorType);
        Assert.Equal(3, client.CallCount);

        // Healthy again after the full break: the next probe succeeds and the circuit closes.
        faults.FailFirstCalls = 0;
        time.Advance(TimeSpan.FromSeconds(0.02));
        Assert.StartsWith("Offline answer", await Call(), StringComparison.Ordinal);
        Assert.StartsWith("Offline answer", await Call(), StringComparison.Ordinal);
        Assert.Equal(5, client.CallCount);
    }

    // Opens after two failures in a row and stays open for half a second of the given clock.
    private static ExecutionSession QuickBreakerSession(OfflineChatClient client, TimeProvider time) => OfflineSession(client, r =>
    {
        r.CircuitBreakerMinimumThroughput = 2;
        r.CircuitBreakerFailureRatio = 0.5;
        r.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(0.5);
    }, time);

    [Fact]
    public async Task The_breaker_is_the_use_cases_whatever_the_case_of_its_name()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = int.MaxValue, FaultStatusCode = 503 });
        var session = QuickBreakerSession(client, new FakeTimeProvider());
        var messages = AmshaLlmCalls.Messages(null, "hello");

        // Two faults under one spelling open the breaker every spelling of the name reaches (each resolved use case keeps it).
        await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "Default", s_once, messages, TestContext.Current.CancellationToken));
        var refused = await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "DEFAULT", s_once, messages, TestContext.Current.CancellationToken));
        Assert.Equal("circuit_open", refused.ErrorType);
        Assert.Equal(LlmCircuitState.Open, session.Llm.GetCircuitState("default"));
        Assert.Equal(2, client.CallCount);
    }

    [Fact]
    public async Task Unobserved_calls_name_each_failure_with_an_id_of_its_own()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = int.MaxValue, FaultStatusCode = 400 });
        var session = OfflineSession(client, _ => { });
        var messages = AmshaLlmCalls.Messages(null, "hello");

        // Nobody observes the session: its calls share one context, which must not share an id between failures.
        var first = await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken));
        var second = await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetResponseAsync(session, "default", s_once, messages, TestContext.Current.CancellationToken));
        Assert.False(string.IsNullOrEmpty(first.ExecutionId));
        Assert.False(string.IsNullOrEmpty(second.ExecutionId));
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
    }

    [Fact]
    public void Invalid_arguments_fault_the_returned_task_instead_of_throwing()
    {
        var session = OfflineSession(new OfflineChatClient(), _ => { });
        var messages = AmshaLlmCalls.Messages(null, "hello");

        // As from an awaiting method: the caller sees the exception where it awaits.
        var text = AmshaLlmCalls.GetTextAsync(session, "default", null!, messages, TestContext.Current.CancellationToken);
        var response = AmshaLlmCalls.GetResponseAsync(null!, "default", s_once, messages, TestContext.Current.CancellationToken);
        Assert.IsType<ArgumentNullException>(text.Exception?.InnerException);
        Assert.IsType<ArgumentNullException>(response.Exception?.InnerException);
    }

    [Fact]
    public async Task Non_transient_faults_do_not_open_the_circuit()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 5, FaultStatusCode = 400 });
        var session = OfflineSession(client, r => r.CircuitBreakerMinimumThroughput = 2);
        var messages = AmshaLlmCalls.Messages(null, "hello");

        for (var i = 0; i < 5; i++)
        {
            var failure = await Assert.ThrowsAsync<LlmCallException>(() => AmshaLlmCalls.GetTextAsync(session, "default", LlmCallOptions.Default, messages, TestContext.Current.CancellationToken));
            Assert.Equal("400", failure.ErrorType);
        }

        Assert.Equal(5, client.CallCount);
    }

    [Fact]
    public async Task Cancellation_mid_stream_stops_without_waiting_for_the_next_token_and_without_retry()
    {
        // The model waits 100 ms before each next token on a clock that never moves: the stream can end
        // only if canceling after the first token stops that wait.
        var longAnswer = string.Join(" ", Enumerable.Repeat("word", 200));
        var client = new OfflineChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(100), Responder = _ => longAnswer, TimeProvider = new FakeTimeProvider() });
        var session = OfflineSession(client);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in new Assistant(session).StreamAsync("anything", cancel.Token))
            {
                received++;
                cancel.Cancel();
            }
        }).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(1, received);
        Assert.Equal(1, client.CallCount);
    }

    [Fact]
    public async Task Canceling_a_crew_mid_stream_cancels_the_call()
    {
        var longAnswer = string.Join(" ", Enumerable.Repeat("word", 200));
        var client = new OfflineChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(100), Responder = _ => longAnswer, TimeProvider = new FakeTimeProvider() });
        var session = OfflineSession(client);
        var handle = new ExplainCrew(session).Start(new Question("cancellation"));

        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            if (e is TokenDeltaEvent)
            {
                handle.Cancel();
                break;
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        Assert.Equal(1, client.CallCount);
    }

    [Fact]
    public async Task Offline_fault_injection_fails_first_calls_with_Retry_After_then_answers()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 2, FaultStatusCode = 429, FaultRetryAfter = TimeSpan.FromMilliseconds(50) });
        var session = OfflineSession(client);
        var events = FaultMatrixTests.Record(session, out var subscription);
        using var unsubscribe = subscription;

        var answer = await AmshaLlmCalls.GetTextAsync(session, "default", LlmCallOptions.Default, AmshaLlmCalls.Messages("sys", "hello"), TestContext.Current.CancellationToken);

        Assert.StartsWith("Offline answer", answer, StringComparison.Ordinal);
        Assert.Equal(3, client.CallCount);
        var retries = FaultMatrixTests.Snapshot(events).OfType<LlmCallRetryingEvent>().ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal(TimeSpan.FromMilliseconds(50), r.Delay));
    }

    [Fact]
    public async Task Offline_timeout_fault_is_cut_by_the_attempt_timeout_and_retried()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 1, FaultKind = OfflineFaultKind.Timeout });
        var session = OfflineSession(client);
        var settings = new LlmCallOptions(2, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

        var response = await AmshaLlmCalls.GetResponseAsync(session, "default", settings, AmshaLlmCalls.Messages(null, "hello"), TestContext.Current.CancellationToken);

        Assert.Equal(2, client.CallCount);
        Assert.NotNull(response.Usage);
        Assert.Equal(OfflineChatClientOptions.DefaultModelId, response.ModelId);
    }

    [Fact]
    public async Task Offline_connection_error_and_latency_are_injected()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 1, FaultKind = OfflineFaultKind.ConnectionError });
        var failure = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(new[] { new ChatMessage(ChatRole.User, "hi") }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Null(failure.StatusCode);
        Assert.True(failure.IsTransient);

    }

    [Fact]
    public async Task Offline_latency_waits_on_the_clients_clock()
    {
        var time = new FakeTimeProvider();
        var client = new OfflineChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromMilliseconds(50), TimeProvider = time });

        var answer = client.GetResponseAsync(new[] { new ChatMessage(ChatRole.User, "hi") }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(answer.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(answer.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.StartsWith("Offline answer", (await answer.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken)).Text, StringComparison.Ordinal);
    }

    internal static ExecutionSession OfflineSession(IChatClient client, Action<LlmResilienceOptions>? resilience = null, TimeProvider? time = null)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        options.Llm.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Llm.Resilience.UseJitter = false;
        resilience?.Invoke(options.Llm.Resilience);
        return new ExecutionSession(options, timeProvider: time);
    }
}
