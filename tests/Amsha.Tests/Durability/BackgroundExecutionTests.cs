using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Durability;

public sealed class BackgroundExecutionTests
{
    private static readonly TopicInput Input = new("Rust");

    [Fact]
    public async Task Background_run_is_checkpointed_after_every_task_and_readable_through_the_session()
    {
        var store = new FileExecutionStore(TestSessions.TempDirectory());
        var client = new RecordingChatClient();
        var session = TestSessions.Create(store, client);
        var events = new List<ExecutionEvent>();
        using var _ = session.Subscribe(e => { lock (events) { events.Add(e); } });
        var crew = TestCrews.Chain("ChainCrew", 3);

        var handle = session.StartBackground(crew, Input);
        Assert.Equal(ExecutionMode.Background, handle.Mode);
        var result = await handle.ResultAsync(TestContext.Current.CancellationToken);

        var record = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal(ExecutionStatus.Succeeded, record.Status);
        Assert.Equal([ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Succeeded], record.StatusHistory.Select(h => h.Status));
        Assert.Equal(["T1", "T2", "T3"], record.TaskOutputs.Select(t => t.TaskName));
        Assert.Equal(result.Output, record.TaskOutputs[^1].Text);
        Assert.Equal(new ExecutionProgress(3, 3, null), record.Progress);

        // The first record (already Running), after T1, after T2, final (holding T3 and the outcome): one revision each.
        var checkpoints = events.OfType<CheckpointWrittenEvent>().ToList();
        Assert.Equal([0, 1, 2, 3], checkpoints.Select(c => c.CompletedTasks));
        Assert.Equal([1L, 2L, 3L, 4L], checkpoints.Select(c => c.Revision));
        Assert.Equal(ExecutionStatus.Running, checkpoints[0].Status);
        Assert.True(events.IndexOf(checkpoints[0]) > events.FindIndex(e => e is ExecutionStartedEvent));
        Assert.Equal(ExecutionStatus.Succeeded, checkpoints[^1].Status);
        Assert.Equal(record.Revision, checkpoints[^1].Revision);
        Assert.True(events.IndexOf(checkpoints[1]) > events.FindIndex(e => e is TaskCompletedEvent { TaskName: "T1" }));
        Assert.Single(await session.ListExecutionsAsync("ChainCrew", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Resume_after_a_crash_runs_only_unfinished_tasks_with_the_stored_input()
    {
        var crew = TestCrews.Chain("ChainCrew", 3);
        var expected = await TestSessions.Create(new InMemoryExecutionStore(), new RecordingChatClient()).RunAsync(crew, Input, cancellationToken: TestContext.Current.CancellationToken);

        // A first process finished T1 and died during T2: the record says Running with T1's output.
        var store = new InMemoryExecutionStore();
        var t1 = expected.TaskOutputs[0];
        var crashed = await store.SaveAsync(new ExecutionRecord
        {
            ExecutionId = "crashed1",
            CrewName = crew.Name,
            Status = ExecutionStatus.Running,
            StatusHistory = [new(ExecutionStatus.Pending, DateTimeOffset.UtcNow), new(ExecutionStatus.Running, DateTimeOffset.UtcNow)],
            InputJson = JsonCodecs.Serialize(Input),
            TotalTasks = 3,
            TaskOutputs = [new StoredTaskOutput(0, "T1", t1.AgentName, t1.Text, TimeSpan.Zero)],
        }, TestContext.Current.CancellationToken);

        var client = new RecordingChatClient();
        var resumed = TestSessions.Create(store, client).Resume(crew, crashed.ExecutionId);
        var result = await resumed.ResultAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["T2", "T3"], client.Calls);
        Assert.Equal(expected.Output, result.Output);
        Assert.Equal(expected.TaskOutputs.Select(o => o.Text), result.TaskOutputs.Select(o => o.Text));
        var record = (await store.GetAsync("crashed1", TestContext.Current.CancellationToken))!;
        Assert.Equal([ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Running, ExecutionStatus.Succeeded], record.StatusHistory.Select(h => h.Status));
    }

    [Fact]
    public async Task A_failed_execution_resumes_from_the_failed_task()
    {
        var store = new InMemoryExecutionStore();
        var client = new RecordingChatClient();
        client.FailOnce["T2"] = true;
        var session = TestSessions.Create(store, client);
        var crew = TestCrews.Chain("ChainCrew", 3);

        var first = session.StartBackground(crew, Input);
        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => first.ResultAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Scripted failure", failure.Message);
        var failed = await session.GetExecutionAsync(first.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Contains("Scripted failure", failed.Error?.Message);
        Assert.Single(failed.TaskOutputs);

        var result = await session.Resume(crew, first.ExecutionId).ResultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["T1", "T2", "T2", "T3"], client.Calls);
        Assert.Equal(3, result.TaskOutputs.Count);
        Assert.Null((await session.GetExecutionAsync(first.ExecutionId, TestContext.Current.CancellationToken)).Error);
    }

    [Fact]
    public async Task Resuming_right_after_a_cancellation_continues_from_the_store_not_the_ended_run()
    {
        // The canceled run may still be in the session's live set when its handle completes; resuming it
        // then must not follow the ended run (the quickstart's --background demo once waited forever on it).
        const int Rounds = 100;
        var store = new InMemoryExecutionStore();
        var client = new RecordingChatClient();
        var holding = new HoldingChatClient(client);
        var session = TestSessions.Create(store, holding);
        var crew = TestCrews.Chain("ChainCrew", 2);
        for (var i = 0; i < Rounds; i++)
        {
            var first = await StartAndCancelAfterTheFirstTaskAsync(session, holding, crew);
            Assert.Equal(ExecutionStatus.Canceled, (await session.GetExecutionAsync(first.ExecutionId, TestContext.Current.CancellationToken)).Status);

            // A resume that follows the ended run fails at once or never progresses: bounded either way.
            var result = await session.Resume(crew, first.ExecutionId).ResultAsync(TestContext.Current.CancellationToken).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
            Assert.Equal(2, result.TaskOutputs.Count);
            Assert.Equal(ExecutionStatus.Succeeded, (await session.GetExecutionAsync(first.ExecutionId, TestContext.Current.CancellationToken)).Status);
        }

        // Resumed from the store: the finished first task never ran again.
        Assert.Equal(Rounds, client.Calls.Count(c => c == "T1"));
    }

    [Fact]
    public async Task Resuming_a_finished_execution_returns_its_stored_result_without_calling_the_model()
    {
        var store = new InMemoryExecutionStore();
        var crew = TestCrews.Chain("ChainCrew", 2);
        var done = TestSessions.Create(store, new RecordingChatClient()).StartBackground(crew, Input);
        var original = await done.ResultAsync(TestContext.Current.CancellationToken);

        var client = new RecordingChatClient();
        var again = await TestSessions.Create(store, client).ResumeAsync(crew, done.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExecutionStatus.Succeeded, again.Status);
        Assert.Equal(original.Output, (await again.ResultAsync(TestContext.Current.CancellationToken)).Output);
        Assert.Empty(client.Calls);
    }

    [Fact]
    public async Task Unknown_ids_and_other_crews_records_are_rejected()
    {
        var store = new InMemoryExecutionStore();
        var session = TestSessions.Create(store, new RecordingChatClient());
        var chain = TestCrews.Chain("ChainCrew", 2);

        // ResumeAsync reads the record before it returns: the error is thrown to the caller.
        var notFound = await Assert.ThrowsAsync<ExecutionNotFoundException>(() => session.ResumeAsync(chain, "no-such-id", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("no-such-id", notFound.ExecutionId);

        // Resume returns at once without reading: the same error fails the handle instead.
        var unknown = session.Resume(chain, "no-such-id");
        await Assert.ThrowsAsync<ExecutionNotFoundException>(() => unknown.ResultAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ExecutionStatus.Failed, unknown.Status);

        var handle = await session.StartBackgroundAsync(TestCrews.Chain("OtherCrew", 1), Input, cancellationToken: TestContext.Current.CancellationToken);
        await handle.ResultAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<ExecutionCrewMismatchException>(() => session.ResumeAsync(chain, handle.ExecutionId, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("OtherCrew", error.StoredCrew);
        Assert.Contains("OtherCrew", error.Message);
    }

    [Fact]
    public async Task Background_run_without_an_input_codec_fails_at_start_naming_the_type()
    {
        var session = TestSessions.Create(new InMemoryExecutionStore(), new RecordingChatClient());
        var crew = new CrewDefinition<UncodedInput, string>("Uncoded", CrewProcess.Sequential,
            [new CrewTaskDefinition<UncodedInput>("T1", new AgentDefinition("A", "default"), [], (_, _) => new TaskPrompt("s", "Task: T1"))]);

        var error = Assert.Throws<InvalidOperationException>(() => session.StartBackground(crew, new UncodedInput()));
        Assert.Contains(typeof(UncodedInput).FullName!, error.Message);

        // Interactive runs store nothing, so they need no codec.
        await session.RunAsync(crew, new UncodedInput(), cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task State_is_injected_persisted_with_checkpoints_and_restored_on_resume()
    {
        var store = new InMemoryExecutionStore();
        var session = TestSessions.Create(store, new RecordingChatClient());
        var crew = TestCrews.Chain("ChainCrew", 2);
        var state = new ExecutionState();
        state.Set("attempt", "first");

        // A client changes the state while the run goes on; the next checkpoint persists it.
        using var _ = session.Subscribe(e =>
        {
            if (e is TaskCompletedEvent { TaskName: "T1" })
            {
                state.Set("after", "T1");
            }
        });
        var handle = session.StartBackground(crew, Input, new ExecutionOptions { State = state });
        await handle.ResultAsync(TestContext.Current.CancellationToken);
        Assert.Same(state, handle.State);

        var record = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        var stored = ExecutionState.Load(record.StateJson!);
        Assert.Equal("first", stored.Get<string>("attempt"));
        Assert.Equal("T1", stored.Get<string>("after"));

        var resumed = await session.ResumeAsync(crew, handle.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("T1", resumed.State!.Get<string>("after"));
    }

    [Fact]
    public async Task Concurrent_resumes_of_one_execution_run_its_unfinished_tasks_once()
    {
        var client = new RecordingChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromMilliseconds(20) });
        var holding = new HoldingChatClient(client);
        var session = TestSessions.Create(new InMemoryExecutionStore(), holding);
        var crew = TestCrews.Chain("ChainCrew", 3);
        var first = await StartAndCancelAfterTheFirstTaskAsync(session, holding, crew);

        var handles = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => session.Resume(crew, first.ExecutionId), TestContext.Current.CancellationToken)));
        var results = await Task.WhenAll(handles.Select(h => h.ResultAsync(TestContext.Current.CancellationToken))).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        // One resumed run, followed by every handle: the last task ran once, the first never again.
        Assert.All(results, r => Assert.Equal(3, r.TaskOutputs.Count));
        Assert.Equal(1, client.Calls.Count(c => c == "T1"));
        Assert.Equal(1, client.Calls.Count(c => c == "T3"));
    }

    [Fact]
    public async Task Checkpoints_save_the_state_again_only_after_it_changed()
    {
        var store = new StateRecordingStore();
        var session = TestSessions.Create(store, new RecordingChatClient());
        var state = new ExecutionState();
        state.Set("attempt", "first");
        using var _ = session.Subscribe(e =>
        {
            if (e is TaskCompletedEvent { TaskName: "T2" })
            {
                state.Set("after", "T2");
            }
        });

        var handle = session.StartBackground(TestCrews.Chain("ChainCrew", 4), Input, new ExecutionOptions { State = state });
        await handle.ResultAsync(TestContext.Current.CancellationToken);

        // Writes: the first record (running), then the checkpoints (after T1, T2 and T3, the end). The
        // state changed once: it was serialized twice, each form reused until the next change.
        var saved = store.StateJsons;
        Assert.Equal(5, saved.Count);
        var distinct = saved.Distinct(ReferenceEqualityComparer.Instance).Cast<string>().ToList();
        Assert.Equal(2, distinct.Count);
        Assert.Same(saved[0], saved[1]);
        Assert.Same(saved[3], saved[4]);
        Assert.DoesNotContain("after", ExecutionState.Load(distinct[0]).Keys);
        Assert.Equal("T2", ExecutionState.Load(distinct[1]).Get<string>("after"));
    }

    [Fact]
    public async Task A_final_write_that_fails_leaves_the_last_output_to_the_write_that_records_the_failure()
    {
        var inner = new InMemoryExecutionStore();
        var session = TestSessions.Create(new FailingSucceededWriteStore(inner), new RecordingChatClient());

        var handle = session.StartBackground(TestCrews.Chain("ChainCrew", 3), Input);
        await Assert.ThrowsAnyAsync<ExecutionException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));

        // The Succeeded write (holding T3's output) was refused; the Failed write that followed holds T3's output instead.
        var record = (await inner.GetAsync(handle.ExecutionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Failed, record.Status);
        Assert.Equal(["T1", "T2", "T3"], record.TaskOutputs.Select(t => t.TaskName));
    }

    [Fact]
    public async Task A_run_sees_the_execution_context_of_the_code_that_started_it()
    {
        // What Task.Run gave runs before they were queued as work items of their own: the caller's async-local values
        // (its Activity, its logging scope) reach the model call.
        var client = new ContextReadingChatClient(new RecordingChatClient());
        var session = TestSessions.Create(new InMemoryExecutionStore(), client);

        ContextReadingChatClient.CallerTag.Value = "background caller";
        await session.StartBackground(TestCrews.Chain("ChainCrew", 1), Input).ResultAsync(TestContext.Current.CancellationToken);
        ContextReadingChatClient.CallerTag.Value = "interactive caller";
        await session.Start(TestCrews.Chain("ChainCrew", 1), Input).ResultAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["background caller", "interactive caller"], client.Seen);
    }

    private sealed class ContextReadingChatClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public static readonly AsyncLocal<string?> CallerTag = new();

        public ConcurrentQueue<string?> Seen { get; } = new();

        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Seen.Enqueue(CallerTag.Value);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Seen.Enqueue(CallerTag.Value);
            return base.GetStreamingResponseAsync(messages, options, cancellationToken);
        }
    }

    // Refuses the first write that would record success, as a store that went away for a moment.
    private sealed class FailingSucceededWriteStore(IExecutionStore inner) : IExecutionStore
    {
        private int _refused;

        public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default) =>
            record.Status == ExecutionStatus.Succeeded && Interlocked.Exchange(ref _refused, 1) == 0
                ? throw new IOException("The store is unavailable.")
                : inner.SaveAsync(record, cancellationToken);

        public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => inner.GetAsync(executionId, cancellationToken);

        public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => inner.ListAsync(crewName, cancellationToken);
    }

    private sealed class StateRecordingStore : IExecutionStore
    {
        private readonly InMemoryExecutionStore _inner = new();

        public List<string?> StateJsons { get; } = new();

        public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
        {
            lock (StateJsons)
            {
                StateJsons.Add(record.StateJson);
            }

            return _inner.SaveAsync(record, cancellationToken);
        }

        public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => _inner.GetAsync(executionId, cancellationToken);

        public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => _inner.ListAsync(crewName, cancellationToken);
    }

    [Fact]
    public async Task Interactive_runs_accept_state_and_store_nothing()
    {
        var store = new InMemoryExecutionStore();
        var session = TestSessions.Create(store, new RecordingChatClient());
        var state = new ExecutionState();
        state.Set("k", "v");
        var result = await session.RunAsync(TestCrews.Chain("ChainCrew", 1), Input, new ExecutionOptions { State = state }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("v", state.Get<string>("k"));
        Assert.Empty(await store.ListAsync(cancellationToken: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ExecutionNotFoundException>(() => session.GetExecutionAsync(result.ExecutionId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Canceled_background_run_is_recorded_as_canceled()
    {
        var store = new InMemoryExecutionStore();
        var session = TestSessions.Create(store, new RecordingChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromSeconds(30) }));
        var handle = session.StartBackground(TestCrews.Chain("ChainCrew", 2), Input);
        handle.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        Assert.Equal(ExecutionStatus.Canceled, (await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task Resuming_an_execution_another_session_still_runs_makes_the_older_writer_fail_with_a_conflict()
    {
        var store = new InMemoryExecutionStore();
        var crew = TestCrews.Chain("ChainCrew", 2);
        var gate = new GatedChatClient(new RecordingChatClient());
        var slow = TestSessions.Create(store, gate);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = slow.Subscribe(e =>
        {
            if (e is CheckpointWrittenEvent { Status: ExecutionStatus.Running })
            {
                running.TrySetResult();
            }
        });
        var original = slow.StartBackground(crew, Input);
        await running.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        // Another process (here: another session on the same store) resumes while the first still runs.
        var takeover = TestSessions.Create(store, new RecordingChatClient()).Resume(crew, original.ExecutionId);
        var result = await takeover.ResultAsync(TestContext.Current.CancellationToken);

        // The older run is held in its first task's call until now: its next write finds a newer revision.
        gate.Open();

        var error = await Assert.ThrowsAsync<ExecutionConflictException>(() => original.ResultAsync(TestContext.Current.CancellationToken));
        Assert.Equal(original.ExecutionId, error.ExecutionId);
        var record = (await store.GetAsync(original.ExecutionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Succeeded, record.Status);
        Assert.Equal(result.Output, record.TaskOutputs[^1].Text);
    }

    [Fact]
    public async Task A_stored_input_that_no_longer_reads_is_reported_as_a_damaged_record()
    {
        var store = new InMemoryExecutionStore();
        var session = TestSessions.Create(store, new RecordingChatClient());
        var crew = TestCrews.Chain("ChainCrew", 2);
        await store.SaveAsync(new ExecutionRecord { ExecutionId = "damaged", CrewName = "ChainCrew", InputJson = "{\"Topic\": 42}", TotalTasks = 2 }, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(() => session.ResumeAsync(crew, "damaged", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("damaged", error.ExecutionId);
        Assert.Contains("stored input is not a valid TopicInput", error.Reason, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException, exactMatch: false);
    }

    // Starts a background run held in T2's call, waits for T1's checkpoint and cancels it: a run certainly
    // canceled after its first task and before its second. Calls are answered again afterwards.
    private static async Task<ExecutionHandle<string>> StartAndCancelAfterTheFirstTaskAsync(ExecutionSession session, HoldingChatClient holding, CrewDefinition<TopicInput, string> crew)
    {
        holding.HeldTask = "T2";
        var firstTaskDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = session.Subscribe(e =>
        {
            if (e is CheckpointWrittenEvent { CompletedTasks: 1 })
            {
                firstTaskDone.TrySetResult();
            }
        });
        var handle = session.StartBackground(crew, Input);
        await firstTaskDone.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
        handle.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));
        holding.HeldTask = null;
        return handle;
    }

    public sealed class UncodedInput;
}
