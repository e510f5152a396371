using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.LlmCalls;

/// <summary>
/// The call path reads the clock only for what needs it: once for the call's start (its total and first attempt
/// timeouts count from there), once more at the end for whoever sees the duration. A clock read costs about a tenth
/// of a call answered at once, so these keep that win; durations must stay exact.
/// </summary>
// Alone: a test running beside it with a telemetry listener turns the call's telemetry on, which reads the clock too.
[Collection(nameof(Support.AloneCollection))]
public sealed class CallClockTests
{
    [Fact]
    public async Task An_unobserved_call_answered_at_once_reads_the_clock_once()
    {
        var clock = new CountingClock();
        var assistant = new Assistant(new ExecutionSession(Options(new ClockAdvancingClient(clock, TimeSpan.Zero)), timeProvider: clock));
        await assistant.SummarizeAsync("warm"); // the first call builds the use case's pipelines
        clock.ResetCount();

        Assert.Equal(ClockAdvancingClient.Answer, await assistant.SummarizeAsync("clock"));

        Assert.Equal(1, clock.TimestampsRead);
    }

    [Fact]
    public async Task An_observed_call_reports_the_time_the_model_took()
    {
        var clock = new CountingClock();
        var session = new ExecutionSession(Options(new ClockAdvancingClient(clock, TimeSpan.FromSeconds(3))), timeProvider: clock);
        var events = new List<ExecutionEvent>();
        using var _ = session.Subscribe(events.Add);

        Assert.Equal(ClockAdvancingClient.Answer, await new Assistant(session).SummarizeAsync("clock"));

        var completed = Assert.Single(events.FindAll(e => e is LlmCallCompletedEvent));
        Assert.Equal(TimeSpan.FromSeconds(3), ((LlmCallCompletedEvent)completed).Duration);
    }

    private static AmshaOptions Options(IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return options;
    }

    /// <summary>Answers synchronously after moving the fake clock on by <paramref name="takes"/>.</summary>
    private sealed class ClockAdvancingClient(FakeTimeProvider clock, TimeSpan takes) : IChatClient
    {
        public const string Answer = "On time.";

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            clock.Advance(takes);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)) { FinishReason = ChatFinishReason.Stop });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            clock.Advance(takes);
            yield return new ChatResponseUpdate(ChatRole.Assistant, Answer) { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }

    private sealed class CountingClock() : FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero))
    {
        private int _timestampsRead;

        public int TimestampsRead => Volatile.Read(ref _timestampsRead);

        public void ResetCount() => Volatile.Write(ref _timestampsRead, 0);

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _timestampsRead);
            return base.GetTimestamp();
        }
    }
}
