using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.LlmCalls;

public partial class PatientAssistant(ExecutionSession session)
{
    [AmshaLlmCall(Prompt = "Wait for {text}.", MaxAttempts = 3, TimeoutSeconds = 4, TotalTimeoutSeconds = 4)]
    public partial Task<string> WholeTimeAttemptsAsync(string text, CancellationToken cancellationToken = default);

    [AmshaLlmCall(Prompt = "Wait for {text}.", MaxAttempts = 3, TimeoutSeconds = 3, TotalTimeoutSeconds = 5)]
    public partial Task<string> ShortAttemptsAsync(string text, CancellationToken cancellationToken = default);
}

/// <summary>
/// The total timeout bounds the whole call, counted from its start: the first attempt runs within its own timeout (no
/// timer of the total beside it), and the retries get only what is left of the total, none when nothing is. A fake
/// clock moves time; the model never answers.
/// </summary>
public sealed class TotalTimeoutTests
{
    // Guards against a hang only: every step below is driven by the fake clock.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_first_attempt_that_used_up_the_total_time_is_not_retried()
    {
        var (assistant, clock, model) = Patient();

        var call = assistant.WholeTimeAttemptsAsync("the total");
        clock.Advance(TimeSpan.FromSeconds(3.9));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));

        var failure = await Assert.ThrowsAsync<LlmCallException>(() => call.WaitAsync(Hang));
        Assert.Equal("timeout", failure.ErrorType);
        Assert.Equal(1, failure.Attempts);
        Assert.Equal(1, model.Requests);
        Assert.Contains("4 s in all", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_gets_only_what_is_left_of_the_total_time()
    {
        var (assistant, clock, model) = Patient();

        var call = assistant.ShortAttemptsAsync("the retry");
        clock.Advance(TimeSpan.FromSeconds(3)); // the first attempt's own timeout: the retry follows at once (no delay)
        Assert.True(await model.SecondRequest.WaitAsync(Hang));
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1)); // 5 s in all; the retry's own timeout would end it at 6 s

        var failure = await Assert.ThrowsAsync<LlmCallException>(() => call.WaitAsync(Hang));
        Assert.Equal("timeout", failure.ErrorType);
        Assert.Equal(2, failure.Attempts);
        Assert.Equal(2, model.Requests);
    }

    private static (PatientAssistant Assistant, FakeTimeProvider Clock, SilentChatClient Model) Patient()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var model = new SilentChatClient();
        var options = new AmshaOptions();
        options.Llm.Resilience.BaseDelay = TimeSpan.Zero;
        options.Llm.UseDefaultChatClient(model);
        return (new PatientAssistant(new ExecutionSession(options, timeProvider: clock)), clock, model);
    }

    /// <summary>A model that never answers: each request waits until it is canceled.</summary>
    private sealed class SilentChatClient : IChatClient
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        /// <summary>Released when the second request arrives.</summary>
        public SemaphoreSlim SecondRequest { get; } = new(0);

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _requests) == 2)
            {
                SecondRequest.Release();
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await GetResponseAsync(messages, options, cancellationToken);
            yield break;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
