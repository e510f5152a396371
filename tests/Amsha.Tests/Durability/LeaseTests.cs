using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Execution;
using Amsha.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Durability;

/// <summary>An owning session's running executions carry its name and a lease it renews; an expired lease marks an orphan.</summary>
public sealed class LeaseTests
{
    private static readonly DispatchTopic Input = new("compost");
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_running_execution_carries_its_owner_and_a_lease_renewed_while_it_runs_and_released_at_the_end()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(Start);
        var model = new GatedChatClient(new OfflineChatClient());
        var store = new FileExecutionStore(TestSessions.TempDirectory());
        await using var session = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(model) }, store, timeProvider: time)
            .UseOwner("silo-a", TimeSpan.FromSeconds(30));
        var checkpoints = Checkpoints(session);

        var handle = await session.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await checkpoints.NextAsync(ExecutionStatus.Running, ct);
        var running = await store.GetAsync(handle.ExecutionId, ct);
        Assert.Equal("silo-a", running!.Owner);
        Assert.Equal(Start.AddSeconds(30), running.LeaseExpiresAt);
        Assert.False(running.IsOrphanedAt(Start.AddSeconds(29)));
        Assert.True(running.IsOrphanedAt(Start.AddSeconds(30)));

        // A third of the lease later, the run renews it.
        time.Advance(TimeSpan.FromSeconds(10));
        await checkpoints.NextAsync(ExecutionStatus.Running, ct);
        var renewed = await store.GetAsync(handle.ExecutionId, ct);
        Assert.Equal(Start.AddSeconds(40), renewed!.LeaseExpiresAt);
        Assert.Equal(running.Revision + 1, renewed.Revision);

        model.Open();
        await handle.ResultAsync(ct);
        var done = await store.GetAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Succeeded, done!.Status);
        Assert.Null(done.Owner);
        Assert.Null(done.LeaseExpiresAt);
    }

    [Fact]
    public async Task An_execution_whose_owner_stopped_renewing_is_listed_as_orphaned_and_another_session_takes_it_over()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new FileExecutionStore(TestSessions.TempDirectory());

        var (dead, orphan) = await StartAbandonedAsync(store, ct);
        await using var deadSession = dead;

        var clock = new FakeTimeProvider(Start.AddSeconds(29));
        var model = new RecordingChatClient();
        await using var survivor = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(model) }, store, timeProvider: clock)
            .UseOwner("silo-b", TimeSpan.FromSeconds(30));
        Assert.Empty(await survivor.ListOrphanedExecutionsAsync(cancellationToken: ct));

        clock.Advance(TimeSpan.FromSeconds(2));
        var found = Assert.Single(await survivor.ListOrphanedExecutionsAsync("DispatchCrew", ct));
        Assert.Equal(orphan.ExecutionId, found.ExecutionId);
        Assert.Equal("silo-a", found.Owner);
        Assert.Empty(await survivor.ListOrphanedExecutionsAsync("OtherCrew", ct));

        var takenOver = await survivor.ResumeAsync(DispatchCrew.Definition, orphan.ExecutionId, cancellationToken: ct);
        await takenOver.ResultAsync(ct);
        var record = await store.GetAsync(orphan.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Succeeded, record!.Status);
        Assert.Null(record.Owner);
        Assert.Equal(3, model.Calls.Count);
        Assert.Empty(await survivor.ListOrphanedExecutionsAsync(cancellationToken: ct));

        // The first owner's run can no longer write over the record the survivor finished.
        orphan.Cancel();
        await orphan.WaitAsync(ct);
        Assert.Equal(ExecutionStatus.Succeeded, (await store.GetAsync(orphan.ExecutionId, ct))!.Status);
    }

    [Fact]
    public async Task A_session_that_names_no_owner_writes_no_lease_and_its_records_are_never_orphans()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var stuck = new GatedChatClient(new OfflineChatClient());
        await using var session = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(stuck) }, store);
        var checkpoints = Checkpoints(session);
        var handle = await session.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await checkpoints.NextAsync(ExecutionStatus.Running, ct);

        var record = await store.GetAsync(handle.ExecutionId, ct);
        Assert.Null(record!.Owner);
        Assert.Null(record.LeaseExpiresAt);
        Assert.False(record.IsOrphanedAt(DateTimeOffset.MaxValue));
        Assert.Empty(await session.ListOrphanedExecutionsAsync(cancellationToken: ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.UseOwner("x", TimeSpan.FromMilliseconds(100)));
        handle.Cancel();
        await handle.WaitAsync(ct);
    }

    [Fact]
    public async Task The_longest_lease_a_session_takes_has_a_renewal_one_timer_reaches()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(Start);
        var model = new GatedChatClient(new OfflineChatClient());
        var store = new FileExecutionStore(TestSessions.TempDirectory());
        await using var session = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(model) }, store, timeProvider: time);

        // Its renewal, a third of it, would not fit a timer: refused when named, not when a run starts.
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => session.UseOwner("silo-a", TimeSpan.FromDays(150)));
        Assert.Contains("every third of it, on a timer", tooLong.Message, StringComparison.Ordinal);

        session.UseOwner("silo-a", TimeSpan.FromDays(149));
        var checkpoints = Checkpoints(session);
        var handle = await session.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await checkpoints.NextAsync(ExecutionStatus.Running, ct);
        Assert.Equal(Start.AddDays(149), (await store.GetAsync(handle.ExecutionId, ct))!.LeaseExpiresAt);


        // The run armed its renewal timer (49.67 days) when it started. The clock stays put: moving it that far would
        // time the held model call out first.
        model.Open();
        await handle.ResultAsync(ct);
        Assert.Equal(ExecutionStatus.Succeeded, (await store.GetAsync(handle.ExecutionId, ct))!.Status);
    }

    [Fact]
    public async Task An_owning_session_stores_its_claim_on_a_resumed_execution_before_the_resume_returns()
    {
        // A worker handed an execution another process stored (Pending, owned by nobody) must not report it running
        // before its lease is stored: if it died in between, nothing would ever list the execution as orphaned.
        var ct = TestContext.Current.CancellationToken;
        var store = new HeldSavesStore();
        var time = new FakeTimeProvider(Start);
        var stuck = new GatedChatClient(new OfflineChatClient());
        var stored = await store.SaveAsync(new ExecutionRecord
        {
            ExecutionId = "handed-over",
            CrewName = DispatchCrew.Definition.Name,
            Status = ExecutionStatus.Pending,
            InputJson = """{"topic":"compost"}""",
            TotalTasks = DispatchCrew.Definition.Tasks.Count,
            CreatedAt = Start,
            UpdatedAt = Start,
        }, ct);
        Assert.Null(stored.Owner);

        await using var worker = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(stuck) }, store, timeProvider: time)
            .UseOwner("silo-a", TimeSpan.FromSeconds(30));
        var claim = store.HoldNextSave();
        var resuming = worker.ResumeAsync(DispatchCrew.Definition, "handed-over", cancellationToken: ct);
        var held = await claim.Saving.Task.WaitAsync(ct);
        Assert.Equal(ExecutionStatus.Running, held.Status);
        Assert.Equal("silo-a", held.Owner);
        Assert.Equal(Start.AddSeconds(30), held.LeaseExpiresAt);
        Assert.False(resuming.IsCompleted);

        claim.Release();
        var handle = await resuming;
        var record = await store.GetAsync("handed-over", ct);
        Assert.Equal(ExecutionStatus.Running, record!.Status);
        Assert.Equal("silo-a", record.Owner);
        Assert.True(record.IsOrphanedAt(Start.AddSeconds(30)));

        handle.Cancel();
        await handle.WaitAsync(ct);
    }

    [Fact]
    public async Task A_session_that_names_no_owner_clears_the_lease_a_dead_owner_left_when_it_takes_the_execution_over()
    {
        // Otherwise the run would carry the dead owner's expired lease and be listed as orphaned while it runs.
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var (dead, orphan) = await StartAbandonedAsync(store, ct);
        await using var deadSession = dead;

        var later = new FakeTimeProvider(Start.AddMinutes(5));
        var held = new GatedChatClient(new OfflineChatClient());
        await using var admin = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(held) }, store, timeProvider: later);
        var adminCheckpoints = Checkpoints(admin);
        Assert.Single(await admin.ListOrphanedExecutionsAsync(cancellationToken: ct));
        var takenOver = await admin.ResumeAsync(DispatchCrew.Definition, orphan.ExecutionId, cancellationToken: ct);
        await adminCheckpoints.NextAsync(ExecutionStatus.Running, ct);

        var running = await store.GetAsync(orphan.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Running, running!.Status);
        Assert.Null(running.Owner);
        Assert.Null(running.LeaseExpiresAt);
        Assert.Empty(await admin.ListOrphanedExecutionsAsync(cancellationToken: ct));

        held.Open();
        await takenOver.ResultAsync(ct);
        orphan.Cancel();
        await orphan.WaitAsync(ct);
    }

    // An in-memory store whose next save waits until the test releases it.
    private sealed class HeldSavesStore : IExecutionStore
    {
        private readonly InMemoryExecutionStore _inner = new();
        private HeldSave? _next;

        public HeldSave HoldNextSave() => _next = new HeldSave();

        public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => _inner.GetAsync(executionId, cancellationToken);

        public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => _inner.ListAsync(crewName, cancellationToken);

        public async ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _next, null) is { } held)
            {
                held.Saving.TrySetResult(record);
                await held.Released.Task.WaitAsync(cancellationToken);
            }

            return await _inner.SaveAsync(record, cancellationToken);
        }
    }

    private sealed class HeldSave
    {
        public TaskCompletionSource<ExecutionRecord> Saving { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }

    // An execution of owner "silo-a" (30 s lease), stored Running and held in its first call; its session's clock never
    // moves again, so it stops renewing, as a process that died would.
    private static async Task<(ExecutionSession Session, ExecutionHandle Handle)> StartAbandonedAsync(IExecutionStore store, CancellationToken ct)
    {
        var stuck = new GatedChatClient(new OfflineChatClient());
        var session = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(stuck) }, store, timeProvider: new FakeTimeProvider(Start))
            .UseOwner("silo-a", TimeSpan.FromSeconds(30));
        var checkpoints = Checkpoints(session);
        var handle = await session.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await checkpoints.NextAsync(ExecutionStatus.Running, ct);
        return (session, handle);
    }

    private static CheckpointWaiter Checkpoints(ExecutionSession session)
    {
        var waiter = new CheckpointWaiter();
        session.Subscribe(e =>
        {
            if (e is CheckpointWrittenEvent written)
            {
                waiter.Written(written.Status);
            }
        });
        return waiter;
    }

    /// <summary>Hands out checkpoint writes in order, so a test can wait for the next one of a status.</summary>
    private sealed class CheckpointWaiter
    {
        private readonly System.Threading.Channels.Channel<ExecutionStatus> _written = System.Threading.Channels.Channel.CreateUnbounded<ExecutionStatus>();

        public void Written(ExecutionStatus status) => _written.Writer.TryWrite(status);

        public async Task NextAsync(ExecutionStatus status, CancellationToken ct)
        {
            while (await _written.Reader.ReadAsync(ct) != status)
            {
            }
        }
    }
}
