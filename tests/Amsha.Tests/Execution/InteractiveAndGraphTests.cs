using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Execution;

public sealed class InteractiveAndGraphTests
{
    private static readonly TopicInput Input = new("Rust");

    [Fact]
    public async Task Cancel_ends_a_streaming_run_without_waiting_for_the_next_token_and_leaves_no_call_running()
    {
        // The model waits 200 ms between tokens on a clock that never moves: the next token never comes,
        // so the run can end only by honouring the cancellation at once.
        var client = new RecordingChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(200), TimeProvider = new FakeTimeProvider() });
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        var handle = session.Start(TestCrews.Chain("ChainCrew", 2), Input);

        var deltas = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestCrews.Timeout);
        await foreach (var e in handle.StreamAsync(timeout.Token))
        {
            if (e is TokenDeltaEvent)
            {
                deltas++;
                handle.Cancel();
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, deltas);
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        Assert.Equal(0, client.InFlight);
    }

    [Fact]
    public async Task Caller_token_cancels_the_run()
    {
        var client = new RecordingChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(200), TimeProvider = new FakeTimeProvider() });
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        using var cts = new CancellationTokenSource();
        var handle = session.Start(TestCrews.Chain("ChainCrew", 2), Input, cancellationToken: cts.Token);

        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
            if (e is TokenDeltaEvent)
            {
                await cts.CancelAsync();
            }
        }

        Assert.IsType<ExecutionCanceledEvent>(events[^1]);
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        Assert.Equal(0, client.InFlight);
    }

    [Fact]
    public async Task Every_reader_of_a_stream_sees_the_same_events_in_the_same_order()
    {
        var session = TestSessions.Create(new InMemoryExecutionStore(), new RecordingChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(1) }));
        var handle = session.Start(TestCrews.Chain("ChainCrew", 2), Input);

        async Task<List<long>> Read()
        {
            var sequences = new List<long>();
            await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
            {
                sequences.Add(e.Sequence);
            }

            return sequences;
        }

        var early = Read();
        await handle.ResultAsync(TestContext.Current.CancellationToken);
        var late = await Read();
        Assert.Equal(await early, late);
        Assert.Equal(Enumerable.Range(1, late.Count).Select(i => (long)i), late);
    }

    [Fact]
    public async Task Graph_runs_independent_tasks_concurrently()
    {
        // B, C and D each wait at a rendezvous until all three are in flight: a scheduler that ran them one
        // after another would never get past B, and the bounded wait below would fail.
        var client = new RecordingChatClient();
        var rendezvous = new RendezvousChatClient(client, "B", "C", "D");
        var session = TestSessions.Create(new InMemoryExecutionStore(), rendezvous);

        var result = await session.RunAsync(TestCrews.Diamond(), Input, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        Assert.True(rendezvous.AllArrived.IsCompletedSuccessfully);
        Assert.Equal("A", client.Calls.First());
        Assert.Equal("E", client.Calls.Last());

        Assert.Equal(["A", "B", "C", "D", "E"], result.TaskOutputs.Select(o => o.TaskName));
    }

    [Fact]
    public async Task Graph_with_tasks_that_complete_synchronously_runs_every_task_once()
    {
        // No latency and an in-memory store: task runs complete synchronously and may share a cached Task instance.
        var client = new RecordingChatClient();
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        var handle = session.StartBackground(TestCrews.Diamond(), Input);
        var result = await handle.ResultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["A", "B", "C", "D", "E"], client.Calls.Order());
        Assert.Equal(5, result.TaskOutputs.Count);
    }

    [Fact]
    public async Task Graph_failure_cancels_and_awaits_running_siblings()
    {
        var client = new RecordingChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromMilliseconds(100), TokenDelay = TimeSpan.FromMilliseconds(100) });
        client.FailOnce["C"] = true;
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => session.RunAsync(TestCrews.Diamond(), Input, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("task C", error.Message);
        Assert.Equal(0, client.InFlight);
        Assert.DoesNotContain("E", client.Calls);
    }

    [Fact]
    public async Task Graph_background_run_resumes_only_the_unfinished_branches()
    {
        var store = new InMemoryExecutionStore();
        var client = new RecordingChatClient();
        client.FailOnce["D"] = true;
        var session = TestSessions.Create(store, client);
        var crew = TestCrews.Diamond();

        var first = session.StartBackground(crew, Input);
        await Assert.ThrowsAnyAsync<ExecutionException>(() => first.ResultAsync(TestContext.Current.CancellationToken));
        var failed = await session.GetExecutionAsync(first.ExecutionId, TestContext.Current.CancellationToken);
        var finished = failed.TaskOutputs.Select(t => t.TaskName).ToHashSet();
        Assert.Contains("A", finished);
        Assert.DoesNotContain("D", finished);

        while (client.Calls.TryDequeue(out _))
        {
        }

        var result = await session.Resume(crew, first.ExecutionId).ResultAsync(TestContext.Current.CancellationToken);
        Assert.All(client.Calls, task => Assert.DoesNotContain(task, finished));
        Assert.Contains("D", client.Calls);
        Assert.Equal("E", client.Calls.Last());
        Assert.Equal(5, result.TaskOutputs.Count);
    }
}
