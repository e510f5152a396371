using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;

namespace Amsha.Tests.Executions;

public sealed class InteractiveAndGraphTests
{
    private static readonly TopicInput Input = new("Rust");

    [Fact]
    public async Task Cancel_ends_a_slowly_streaming_run_promptly_with_status_canceled_and_no_call_left_running()
    {
        // 200 ms between tokens: the run is always mid-stream when canceled.
        var client = new RecordingChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(200) });
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        var handle = session.Start(TestCrews.Chain("ChainCrew", 2), Input);

        var measured = Stopwatch.StartNew();
        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            if (e is TokenDeltaEvent)
            {
                measured.Restart();
                handle.Cancel();
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));
        measured.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"Cancel() to end of run: {measured.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        Assert.Equal(0, client.InFlight);
        // The model pauses 200 ms between tokens: a run that waited for the next token would take longer than this.
        Assert.True(measured.ElapsedMilliseconds < 150, $"Cancellation took {measured.ElapsedMilliseconds} ms (target 100 ms).");
    }

    [Fact]
    public async Task Caller_token_cancels_the_run()
    {
        var client = new RecordingChatClient(new OfflineChatClientOptions { TokenDelay = TimeSpan.FromMilliseconds(200) });
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        using var cts = new CancellationTokenSource();
        var handle = session.Start(TestCrews.Chain("ChainCrew", 2), Input, ExecutionMode.Interactive, cts.Token);

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
    public async Task Graph_runs_independent_tasks_concurrently_and_finishes_near_the_critical_path()
    {
        var latency = TimeSpan.FromMilliseconds(300);
        var client = new RecordingChatClient(new OfflineChatClientOptions { Latency = latency });
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        var crew = TestCrews.Diamond();

        var clock = Stopwatch.StartNew();
        var result = await session.RunAsync(crew, Input, TestContext.Current.CancellationToken);
        clock.Stop();

        TestContext.Current.TestOutputHelper?.WriteLine($"Graph of 5 tasks, critical path 3 x {latency.TotalMilliseconds} ms: {clock.ElapsedMilliseconds} ms (sequential would be {5 * latency.TotalMilliseconds} ms)");
        Assert.Equal(3, client.MaxInFlight);
        Assert.Equal("A", client.Calls.First());
        Assert.Equal("E", client.Calls.Last());
        Assert.True(clock.Elapsed < 4 * latency, $"Took {clock.ElapsedMilliseconds} ms; the critical path is {3 * latency.TotalMilliseconds} ms.");

        // The last task received the outputs of all three of its Context tasks.
        Assert.Equal(["A", "B", "C", "D", "E"], result.TaskOutputs.Select(o => o.TaskName));
    }

    [Fact]
    public async Task Graph_with_tasks_that_complete_synchronously_runs_every_task_once()
    {
        // No latency and an in-memory store: task runs complete synchronously and may share a cached Task instance.
        var client = new RecordingChatClient();
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);
        var handle = session.Start(TestCrews.Diamond(), Input, ExecutionMode.Background);
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

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => session.RunAsync(TestCrews.Diamond(), Input, TestContext.Current.CancellationToken));
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

        var first = session.Start(crew, Input, ExecutionMode.Background);
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
