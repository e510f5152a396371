using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Execution;

public sealed record DispatchTopic(string Topic);

[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Works on another machine.")]
public partial class DispatchWriter;

[CrewTask(Agent = typeof(DispatchWriter), Description = "Outline {Topic}", ExpectedOutput = "An outline")]
public partial class DispatchOutline;

[CrewTask(Agent = typeof(DispatchWriter), Description = "Draft {Topic}", ExpectedOutput = "A draft", Context = [typeof(DispatchOutline)])]
public partial class DispatchDraft;

[CrewTask(Agent = typeof(DispatchWriter), Description = "Polish {Topic}", ExpectedOutput = "A text", Context = [typeof(DispatchDraft)])]
public partial class DispatchPolish;

[Crew<DispatchTopic>(Tasks = [typeof(DispatchOutline), typeof(DispatchDraft), typeof(DispatchPolish)])]
public partial class DispatchCrew;

/// <summary>A session with a dispatcher hands background executions to a worker and follows them through the store.</summary>
public sealed class DispatchTests
{
    private static readonly DispatchTopic Input = new("compost");

    [Fact]
    public async Task A_dispatched_execution_runs_on_the_worker_and_the_handle_follows_it_to_the_stored_result()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, worker, dispatcher, clientModel, workerModel) = Cluster();
        var progress = new List<int>();

        var handle = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        var result = await handle.ResultAsync(ct);

        Assert.Equal([handle.ExecutionId], dispatcher.Dispatched);
        Assert.Empty(clientModel.Calls);
        Assert.Equal(3, workerModel.Calls.Count);
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Equal(new ExecutionProgress(3, 3, null), handle.Progress);
        var stored = await client.GetExecutionAsync(handle.ExecutionId, ct);
        Assert.Equal(stored.TaskOutputs.Last().Text, result.Output);
        Assert.Equal(["DispatchOutline", "DispatchDraft", "DispatchPolish"], result.TaskOutputs.Select(t => t.TaskName));
        Assert.Equal(3, result.Metrics.LlmCallCount);
        Assert.Equal(ExecutionStatus.Succeeded, (await dispatcher.RunOf(handle.ExecutionId).WaitAsync(ct)));
        await client.DisposeAsync();
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task Canceling_the_handle_cancels_the_execution_on_the_worker()
    {
        var ct = TestContext.Current.CancellationToken;
        var gated = new GatedChatClient(new OfflineChatClient());
        var (client, worker, dispatcher, _, _) = Cluster(gated);
        var running = RunningOn(worker);

        var handle = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await running.WaitAsync(ct);
        handle.Cancel();

        Assert.Equal(ExecutionStatus.Canceled, await handle.WaitAsync(ct));
        Assert.Equal(ExecutionStatus.Canceled, await dispatcher.RunOf(handle.ExecutionId).WaitAsync(ct));
        Assert.Equal(ExecutionStatus.Canceled, (await client.GetExecutionAsync(handle.ExecutionId, ct)).Status);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(ct));
    }

    [Fact]
    public async Task A_failure_on_the_worker_is_the_handles_failure_with_the_stored_error_and_a_dispatched_resume_finishes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var flaky = new FailingOnceChatClient(failOnCall: 2);
        var (client, _, dispatcher, _, _) = Cluster(flaky);

        var handle = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        var failure = await Assert.ThrowsAsync<ExecutionException>(() => handle.ResultAsync(ct));
        Assert.Equal(ExecutionStatus.Failed, handle.Status);
        Assert.Contains("failed on its worker", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The model refused the second call.", failure.Message, StringComparison.Ordinal);
        var record = await client.GetExecutionAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Failed, record.Status);
        Assert.Single(record.TaskOutputs);

        var resumed = await client.ResumeAsync(DispatchCrew.Definition, handle.ExecutionId, cancellationToken: ct);
        var result = await resumed.ResultAsync(ct);
        Assert.Equal(3, result.TaskOutputs.Count);
        Assert.Equal([handle.ExecutionId, handle.ExecutionId], dispatcher.Dispatched);
        Assert.Equal(4, flaky.Calls);
    }

    [Fact]
    public async Task A_client_that_stops_stops_following_but_the_worker_runs_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var gated = new GatedChatClient(new OfflineChatClient());
        var (client, worker, dispatcher, _, _) = Cluster(gated);
        var running = RunningOn(worker);

        var handle = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await running.WaitAsync(ct);
        await client.StopAsync(ct);

        Assert.Equal(ExecutionStatus.Interrupted, await handle.WaitAsync(ct));
        var onWorker = dispatcher.RunOf(handle.ExecutionId);
        Assert.Equal(ExecutionStatus.Running, onWorker.Status);
        gated.Open();
        Assert.Equal(ExecutionStatus.Succeeded, await onWorker.WaitAsync(ct));
    }

    [Fact]
    public async Task An_execution_with_its_own_store_and_an_interactive_one_run_here()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, _, dispatcher, clientModel, _) = Cluster();

        var own = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, new ExecutionOptions { Store = new InMemoryExecutionStore() }, ct);
        await own.ResultAsync(ct);
        await client.RunAsync(DispatchCrew.Definition, Input, cancellationToken: ct);

        Assert.Empty(dispatcher.Dispatched);
        Assert.Equal(6, clientModel.Calls.Count);
    }

    // A safety net: without the second hand-over the wait below would never end.
    [Fact(Timeout = 60_000)]
    public async Task A_resume_by_id_alone_of_an_execution_the_session_follows_hands_it_over_again()
    {
        // The handle follows an execution whose worker may be gone; a resume by id (the crew found by name, as a
        // dashboard or a resumption policy does) must hand it over again just as a typed resume does.
        var ct = TestContext.Current.CancellationToken;
        var gated = new GatedChatClient(new OfflineChatClient());
        var (client, worker, dispatcher, _, _) = Cluster(gated);
        var running = RunningOn(worker);
        var handle = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        Assert.Equal(handle.ExecutionId, await dispatcher.HandedOver.ReadAsync(ct));
        await running;

        var resumed = await client.ResumeAsync(handle.ExecutionId, cancellationToken: ct);
        Assert.Equal(handle.ExecutionId, await dispatcher.HandedOver.ReadAsync(ct));
        Assert.Equal(handle.ExecutionId, resumed.ExecutionId);

        gated.Open();
        await handle.ResultAsync(ct);
        Assert.Equal(ExecutionStatus.Succeeded, await resumed.WaitAsync(ct));
        await client.DisposeAsync();
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task An_execution_no_worker_claimed_is_listed_as_orphaned_once_its_hand_over_lease_has_passed()
    {
        // The client stored the first record and the hand-over never reached a worker (the client died, or the
        // cluster refused): the record carries a hand-over lease nobody renews, so it is not left owned by nobody.
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        await using var client = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(new RecordingChatClient()) }, store, timeProvider: clock)
            .UseDispatcher(new UnreachableDispatcher());
        var handle = await client.StartBackgroundAsync(DispatchCrew.Definition, Input, cancellationToken: ct);
        await Assert.ThrowsAnyAsync<Exception>(() => handle.ResultAsync(ct));

        var left = await store.GetAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Pending, left!.Status);
        Assert.StartsWith("handed over by ", left.Owner, StringComparison.Ordinal);
        Assert.Empty(await client.ListOrphanedExecutionsAsync(cancellationToken: ct));

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(handle.ExecutionId, Assert.Single(await client.ListOrphanedExecutionsAsync(cancellationToken: ct)).ExecutionId);

        // A worker that takes it replaces the hand-over with its own claim (held in its first call while we look).
        var model = new RecordingChatClient();
        var gate = new GatedChatClient(model);
        await using var worker = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(gate) }, store, timeProvider: clock)
            .UseOwner("silo-b", TimeSpan.FromSeconds(30));
        var resumed = await worker.ResumeAsync(DispatchCrew.Definition, handle.ExecutionId, cancellationToken: ct);
        Assert.Equal("silo-b", (await store.GetAsync(handle.ExecutionId, ct))!.Owner);
        gate.Open();
        await resumed.ResultAsync(ct);
        Assert.Equal(3, model.Calls.Count);
    }

    /// <summary>A cluster that cannot be reached: every hand-over fails.</summary>
    private sealed class UnreachableDispatcher : IExecutionDispatcher
    {
        public Task DispatchAsync(string executionId, string crewName, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No worker can be reached.");

        public Task CancelAsync(string executionId, CancellationToken cancellationToken) => Task.CompletedTask;

        public IAsyncEnumerable<ExecutionReport> WatchAsync(string executionId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No worker can be reached.");
    }

    private static (ExecutionSession Client, ExecutionSession Worker, SessionDispatcher Dispatcher, RecordingChatClient ClientModel, RecordingChatClient WorkerModel) Cluster(IChatClient? workerClient = null)
    {
        var store = new InMemoryExecutionStore();
        var clientModel = new RecordingChatClient();
        var workerModel = new RecordingChatClient();
        var worker = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(workerClient ?? workerModel) }, store);
        var dispatcher = new SessionDispatcher(worker);
        var client = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(clientModel) }, store).UseDispatcher(dispatcher);
        return (client, worker, dispatcher, clientModel, workerModel);
    }

    // Completes once the worker has stored the execution Running (its run has begun).
    private static Task RunningOn(ExecutionSession worker)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Subscribe(e =>
        {
            if (e is CheckpointWrittenEvent { Status: ExecutionStatus.Running })
            {
                running.TrySetResult();
            }
        });
        return running.Task;
    }

    /// <summary>The offline model, except that one call fails with a non-transient error.</summary>
    private sealed class FailingOnceChatClient(int failOnCall) : IChatClient
    {
        private readonly OfflineChatClient _inner = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) == failOnCall ? throw Refused() : _inner.GetResponseAsync(messages, options, cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) == failOnCall ? throw Refused() : _inner.GetStreamingResponseAsync(messages, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }

        private static InvalidOperationException Refused() => new("The model refused the second call.");
    }
}
