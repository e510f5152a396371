using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

public sealed class StreamingTests
{
    [Fact]
    public async Task Events_arrive_in_lifecycle_order()
    {
        var handle = new ExecutionSession().Start(TestCrews.ResearchAndWrite(), "Rust");

        var events = await TestCrews.ReadAllEventsAsync(handle);

        var started = Assert.IsType<ExecutionStartedEvent>(events[0]);
        Assert.Equal(("ResearchAndWrite", ExecutionMode.Interactive, 2), (started.CrewName, started.Mode, started.TotalTasks));
        Assert.IsType<ExecutionCompletedEvent>(events[^1]);

        // Collapse runs of token deltas: the shape is fixed, the number of tokens is the model's business.
        var shape = new List<string>();
        foreach (var e in events)
        {
            var name = e.GetType().Name.Replace("Event", "");
            if (shape.Count == 0 || shape[^1] != name || name != "TokenDelta")
            {
                shape.Add(name);
            }
        }

        Assert.Equal(
            new[]
            {
                "ExecutionStarted",
                "TaskStarted", "LlmCallStarted", "TokenDelta", "LlmCallCompleted", "TaskCompleted",
                "TaskStarted", "LlmCallStarted", "TokenDelta", "LlmCallCompleted", "TaskCompleted",
                "ExecutionCompleted",
            },
            shape);
        var tasks = events.OfType<TaskStartedEvent>().ToList();
        Assert.Equal(new[] { ("Research", "Researcher", 0), ("Write", "Writer", 1) }, tasks.Select(t => (t.TaskName, t.AgentName, t.TaskIndex)));
    }

    [Fact]
    public async Task Sequence_numbers_run_from_one_without_gaps_and_carry_the_execution_id()
    {
        var handle = new ExecutionSession().Start(TestCrews.ResearchAndWrite(), "Rust");

        var events = await TestCrews.ReadAllEventsAsync(handle);

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(handle.ExecutionId, e.ExecutionId));
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.Timestamp <= pair.Second.Timestamp));
    }

    [Fact]
    public async Task Token_deltas_of_a_task_concatenate_to_its_output()
    {
        var handle = new ExecutionSession().Start(TestCrews.ResearchAndWrite(), "Rust");

        var events = await TestCrews.ReadAllEventsAsync(handle);
        var result = await handle.ResultWithinTimeoutAsync();

        foreach (var output in result.TaskOutputs)
        {
            var streamed = string.Concat(events.OfType<TokenDeltaEvent>().Where(d => d.TaskName == output.TaskName).Select(d => d.Text));
            Assert.Equal(output.Text, streamed);
            Assert.Equal(output.Text, events.OfType<TaskCompletedEvent>().Single(c => c.TaskName == output.TaskName).Output);
        }
    }

    [Fact]
    public async Task Concurrent_readers_see_the_identical_sequence()
    {
        var gate = new GatedChatClient(TestCrews.Slow(TimeSpan.FromMilliseconds(2)));
        var handle = TestCrews.Session(gate).Start(TestCrews.ResearchAndWrite(), "Rust");

        // Readers attach before any token exists, then follow the execution live.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => TestCrews.ReadAllEventsAsync(handle))).ToArray();
        gate.Open();
        var sequences = await Task.WhenAll(readers).WaitAsync(TestCrews.Timeout);

        Assert.Contains(sequences[0], e => e is TokenDeltaEvent);
        Assert.IsType<ExecutionCompletedEvent>(sequences[0][^1]);
        foreach (var other in sequences.Skip(1))
        {
            Assert.Equal(sequences[0], other);
        }
    }

    [Fact]
    public async Task Reader_starting_after_completion_replays_everything()
    {
        var handle = new ExecutionSession().Start(TestCrews.ResearchAndWrite(), "Rust");
        var live = await TestCrews.ReadAllEventsAsync(handle);
        await handle.ResultWithinTimeoutAsync();

        var replay = await TestCrews.ReadAllEventsAsync(handle);

        Assert.Equal(live, replay);
        Assert.IsType<ExecutionStartedEvent>(replay[0]);
    }

    [Fact]
    public async Task Session_observers_see_the_same_events_as_the_stream()
    {
        var session = new ExecutionSession();
        var observed = new List<ExecutionEvent>();
        using (session.Subscribe(e => { lock (observed) { observed.Add(e); } }))
        {
            var handle = session.Start(TestCrews.ResearchAndWrite(), "Rust");
            var streamed = await TestCrews.ReadAllEventsAsync(handle);

            // Observers are called right after an event is recorded; a stream reader may get there first.
            await handle.ResultWithinTimeoutAsync();
            lock (observed)
            {
                Assert.Equal(streamed, observed);
            }
        }

        var countAfterUnsubscribe = observed.Count;
        await session.RunAsync(TestCrews.ResearchAndWrite(), "Go").WaitAsync(TestCrews.Timeout);
        Assert.Equal(countAfterUnsubscribe, observed.Count);
    }

    [Fact]
    public async Task Failing_observer_does_not_change_the_execution()
    {
        var session = new ExecutionSession();
        using var subscription = session.Subscribe(_ => throw new InvalidOperationException("observer bug"));

        var result = await session.RunAsync(TestCrews.ResearchAndWrite(), "Rust").WaitAsync(TestCrews.Timeout);

        Assert.Equal(2, result.TaskOutputs.Count);
    }

    [Fact]
    public async Task Background_handles_are_of_a_type_that_cannot_stream()
    {
        var gate = new GatedChatClient(new OfflineChatClient());
        var handle = TestCrews.Session(gate).StartBackground(TestCrews.ResearchAndWrite(), "Rust");

        // Streaming a background run is a compile error now, not a run-time refusal.
        Assert.IsNotType<InteractiveExecutionHandle<string>>(handle);
        Assert.Null(handle.GetType().GetMethod("StreamAsync"));
        Assert.NotNull(typeof(InteractiveExecutionHandle<string>).GetMethod("StreamAsync"));
        Assert.Equal(ExecutionMode.Background, handle.Mode);
        gate.Open();
        await handle.ResultWithinTimeoutAsync();
    }

    [Fact]
    public async Task Stopping_a_reader_does_not_cancel_the_execution()
    {
        var gate = new GatedChatClient(new OfflineChatClient());
        var handle = TestCrews.Session(gate).Start(TestCrews.ResearchAndWrite(), "Rust");

        using var stopReading = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in handle.StreamAsync(stopReading.Token))
            {
                if (e is TaskStartedEvent)
                {
                    stopReading.Cancel();
                }
            }
        });

        gate.Open();
        await handle.ResultWithinTimeoutAsync();
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
    }
}
