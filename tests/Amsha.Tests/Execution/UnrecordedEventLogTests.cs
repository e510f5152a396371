using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

/// <summary>
/// A background run's events reach its metrics and the session's watchers as they happen, and are kept nowhere else:
/// nobody can read them from its log (its handle has no stream), and a run that waits for its model must not hold them.
/// </summary>
public sealed class UnrecordedEventLogTests
{
    [Fact]
    public void A_log_without_a_record_numbers_and_passes_on_every_event_and_refuses_readers()
    {
        var sink = new RecordingSink();
        var log = new ExecutionEventLog("exec-1", TimeProvider.System, sink, retains: false);
        for (var i = 0; i < 40; i++)
        {
            log.Append(new TokenDeltaEvent("task", "t"));
        }

        log.Append(new ExecutionCompletedEvent(TimeSpan.FromSeconds(1)), terminal: true);

        Assert.False(log.KeepsRecord);
        Assert.Equal(41, sink.Seen.Count);
        Assert.Equal(41, sink.Seen[^1].Sequence);
        Assert.All(sink.Seen, e => Assert.Equal("exec-1", e.ExecutionId));
        var refused = Assert.Throws<InvalidOperationException>(() => log.ReadAllAsync(default));
        Assert.Contains("subscribe to the session", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => log.Append(new TokenDeltaEvent("task", "late")));
    }

    [Fact]
    public async Task A_background_run_keeps_no_record_of_its_events_and_its_watchers_still_see_every_one()
    {
        var model = new GatedChatClient(new OfflineChatClient());
        var session = new ExecutionSession(OptionsOver(model), new InMemoryExecutionStore());
        var watched = new List<ExecutionEvent>();
        using var subscription = session.Subscribe(e =>
        {
            lock (watched)
            {
                watched.Add(e);
            }
        });

        var background = session.StartBackground(TestCrews.ResearchAndWrite(), "Rust");
        Assert.False(background.Run.Events.KeepsRecord);
        model.Open();
        var result = await background.ResultAsync(TestContext.Current.CancellationToken);

        // Every event, numbered from one without a gap, reached the subscriber; the metrics were built from them.
        lock (watched)
        {
            var mine = watched.FindAll(e => e.ExecutionId == background.ExecutionId);
            Assert.Equal(mine.Count, mine[^1].Sequence);
            Assert.IsType<ExecutionCompletedEvent>(mine[^1]);
        }

        Assert.Equal(2, result.Metrics.LlmCallCount);

        // An interactive run's handle streams, so its log keeps every event.
        var interactive = session.Start(TestCrews.ResearchAndWrite(), "Rust");
        Assert.True(interactive.Run.Events.KeepsRecord);
        await interactive.ResultAsync(TestContext.Current.CancellationToken);
    }

    private static AmshaOptions OptionsOver(Microsoft.Extensions.AI.IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return options;
    }

    private sealed class RecordingSink : IExecutionEventSink
    {
        public List<ExecutionEvent> Seen { get; } = new();

        public void Appended(ExecutionEvent e) => Seen.Add(e);
    }
}
