using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Sqlite;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Durability;

/// <summary>AmshaMetrics on stored execution records, and metrics that add up over a resume.</summary>
public sealed class StoredMetricsTests
{
    private static readonly TopicInput Input = new("Rust");

    public static TheoryData<string> Stores => new() { "memory", "file", "sqlite" };

    private static IExecutionStore Open(string kind, string directory) => kind switch
    {
        "memory" => new InMemoryExecutionStore(),
        "file" => new FileExecutionStore(directory),
        _ => new SqliteExecutionStore(Path.Combine(directory, "executions.db")),
    };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Every_checkpoint_and_the_final_record_of_a_background_run_carry_its_metrics(string kind)
    {
        var store = new RecordingStore(Open(kind, TestSessions.TempDirectory()));
        var client = new ScriptedUsageClient();
        var session = TestSessions.Create(store, client);

        var handle = session.StartBackground(TestCrews.Chain("ChainCrew", 3), Input);
        var result = await handle.ResultAsync(TestContext.Current.CancellationToken);

        var record = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        var metrics = Assert.IsType<AmshaMetrics>(record.Metrics);
        Assert.Equal(ExecutionStatus.Succeeded, metrics.Status);
        Assert.NotNull(metrics.EndedAt);
        Assert.Equal(1, metrics.Runs);
        Assert.Equal(3, metrics.LlmCallCount);
        Assert.Equal(client.Billed, metrics.Tokens);
        Assert.Equal(["T1", "T2", "T3"], metrics.Tasks.Select(t => t.TaskName));
        Assert.Equal(result.Metrics!.Tokens, metrics.Tokens);
        Assert.Equal(result.Metrics.LlmCallCount, metrics.LlmCallCount);

        // The final write's figures are the run's final figures, built once: the result reports exactly what was stored.
        Assert.Equal(result.Metrics.Duration, metrics.Duration);
        Assert.Equal(result.Metrics.EndedAt, metrics.EndedAt);
        Assert.Equal(result.Metrics.Resources, metrics.Resources);

        // The first record (already Running: the run starts at once) has nothing measured yet; after T1, after T2 and
        // the final write each hold the calls made so far.
        Assert.Equal(ExecutionStatus.Running, store.Saved[0].Status);
        Assert.Equal([ExecutionStatus.Pending, ExecutionStatus.Running], store.Saved[0].StatusHistory.Select(c => c.Status));
        Assert.Equal(store.Saved[0].StatusHistory[0].At, store.Saved[0].StatusHistory[1].At);
        Assert.Null(store.Saved[0].Metrics);
        Assert.Equal(4, store.Saved.Count);
        Assert.Equal(3, store.Saved[^1].TaskOutputs.Count);
        var writes = store.Saved.Skip(1).ToList();
        Assert.Equal([1, 2, 3], writes.Select(r => r.Metrics!.LlmCallCount));
        Assert.All(writes.SkipLast(1), r => Assert.Equal(ExecutionStatus.Running, r.Metrics!.Status));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_failed_run_resumed_by_a_new_session_reports_metrics_summed_over_both_runs(string kind)
    {
        var directory = TestSessions.TempDirectory();
        var crew = TestCrews.Chain("ChainCrew", 3);
        var firstClient = new ScriptedUsageClient { FailOnce = "T2" };
        var firstStore = Open(kind, directory);
        var first = TestSessions.Create(firstStore, firstClient).StartBackground(crew, Input);
        await Assert.ThrowsAnyAsync<ExecutionException>(() => first.ResultAsync(TestContext.Current.CancellationToken));

        // A new session over the same storage stands in for a new process (the in-memory store is shared as-is).
        var store = kind == "memory" ? firstStore : Open(kind, directory);
        var failed = (await store.GetAsync(first.ExecutionId, TestContext.Current.CancellationToken))!;
        var failedMetrics = Assert.IsType<AmshaMetrics>(failed.Metrics);
        Assert.Equal(ExecutionStatus.Failed, failedMetrics.Status);
        Assert.Equal(1, failedMetrics.Runs);
        Assert.Equal(firstClient.Attempts, failedMetrics.LlmCallCount);
        Assert.Equal(1, failedMetrics.FailedCallCount);
        Assert.Equal(firstClient.Billed, failedMetrics.Tokens);

        var secondClient = new ScriptedUsageClient();
        var result = await TestSessions.Create(store, secondClient).Resume(crew, first.ExecutionId).ResultAsync(TestContext.Current.CancellationToken);

        var metrics = result.Metrics!;
        Assert.Equal(2, metrics.Runs);
        Assert.Equal(ExecutionStatus.Succeeded, metrics.Status);
        Assert.Equal(firstClient.Attempts + secondClient.Attempts, metrics.LlmCallCount);
        Assert.Equal(firstClient.Billed + secondClient.Billed, metrics.Tokens);
        Assert.Equal(1, metrics.FailedCallCount);
        Assert.Equal(2, metrics.Tasks.Single(t => t.TaskName == "T2").LlmCalls);
        Assert.True(metrics.Duration >= failedMetrics.Duration);

        var stored = (await store.GetAsync(first.ExecutionId, TestContext.Current.CancellationToken))!.Metrics!;
        Assert.Equal(2, stored.Runs);
        Assert.Equal(metrics.LlmCallCount, stored.LlmCallCount);
        Assert.Equal(metrics.Tokens, stored.Tokens);
    }

    [Fact]
    public async Task A_canceled_run_stores_its_metrics_and_the_resumed_run_continues_them()
    {
        var store = new FileExecutionStore(TestSessions.TempDirectory());
        var crew = TestCrews.Chain("ChainCrew", 3);
        var firstClient = new ScriptedUsageClient { BlockOn = "T2" };
        var first = TestSessions.Create(store, firstClient).StartBackground(crew, Input);
        await firstClient.Blocked.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        first.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.ResultAsync(TestContext.Current.CancellationToken));

        var canceled = (await store.GetAsync(first.ExecutionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Canceled, canceled.Status);
        var canceledMetrics = Assert.IsType<AmshaMetrics>(canceled.Metrics);
        Assert.Equal(ExecutionStatus.Canceled, canceledMetrics.Status);
        Assert.Equal(firstClient.Billed, canceledMetrics.Tokens);
        Assert.Contains(canceledMetrics.Tasks, t => t.TaskName == "T1" && t.LlmCalls == 1);

        var secondClient = new ScriptedUsageClient();
        var resumed = await TestSessions.Create(new FileExecutionStore(store.Directory), secondClient).ResumeAsync(crew, first.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);
        var result = await resumed.ResultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["T2", "T3"], secondClient.Calls);
        Assert.Equal(2, result.Metrics!.Runs);
        Assert.Equal(firstClient.Billed + secondClient.Billed, result.Metrics.Tokens);
        Assert.Equal(canceledMetrics.LlmCallCount + secondClient.Attempts, result.Metrics.LlmCallCount);
    }

    [Fact]
    public async Task Resuming_a_finished_execution_returns_the_stored_metrics()
    {
        var store = new InMemoryExecutionStore();
        var crew = TestCrews.Chain("ChainCrew", 2);
        var done = TestSessions.Create(store, new ScriptedUsageClient()).StartBackground(crew, Input);
        var original = await done.ResultAsync(TestContext.Current.CancellationToken);

        var client = new ScriptedUsageClient();
        var again = await TestSessions.Create(store, client).Resume(crew, done.ExecutionId).ResultAsync(TestContext.Current.CancellationToken);
        Assert.Empty(client.Calls);
        var metrics = Assert.IsType<AmshaMetrics>(again.Metrics);
        Assert.Equal(1, metrics.Runs);
        Assert.Equal(original.Metrics!.Tokens, metrics.Tokens);
        Assert.Equal(2, metrics.LlmCallCount);
    }

    [Fact]
    public void Records_round_trip_their_metrics_and_records_without_metrics_still_load()
    {
        var metrics = new AmshaMetrics
        {
            ExecutionId = "e1",
            CrewName = "ChainCrew",
            Mode = ExecutionMode.Background,
            Status = ExecutionStatus.Running,
            Duration = TimeSpan.FromSeconds(3),
            Runs = 2,
            Tokens = new TokenUsage(40, 12, 52),
            LlmCallCount = 4,
            FailedCallCount = 1,
        };
        var record = new ExecutionRecord { ExecutionId = "e1", CrewName = "ChainCrew", InputJson = "{}", Metrics = metrics };

        var read = ExecutionRecordSerializer.Deserialize(ExecutionRecordSerializer.Serialize(record)).Metrics!;
        Assert.Equal(2, read.Runs);
        Assert.Equal(new TokenUsage(40, 12, 52), read.Tokens);
        Assert.Equal(4, read.LlmCallCount);
        Assert.Equal(TimeSpan.FromSeconds(3), read.Duration);

        // As written before records had metrics.
        const string old = """
            {"format":1,"executionId":"e0","crew":"ChainCrew","mode":"Background","status":"Failed","revision":3,
             "createdAt":"2026-01-01T00:00:00+00:00","updatedAt":"2026-01-01T00:00:01+00:00","runTime":"00:00:01",
             "totalTasks":2,"input":"{}","history":[],"tasks":[]}
            """;
        var oldRecord = ExecutionRecordSerializer.Deserialize(old);
        Assert.Null(oldRecord.Metrics);
        Assert.Equal(ExecutionStatus.Failed, oldRecord.Status);
        Assert.DoesNotContain("\"metrics\"", ExecutionRecordSerializer.Serialize(oldRecord), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resuming_a_record_without_metrics_measures_only_the_resumed_run()
    {
        var store = new InMemoryExecutionStore();
        var crew = TestCrews.Chain("ChainCrew", 2);
        TopicInputCodec.EnsureRegistered();
        var saved = await store.SaveAsync(new ExecutionRecord
        {
            ExecutionId = "old1",
            CrewName = crew.Name,
            Status = ExecutionStatus.Failed,
            InputJson = JsonCodecs.Serialize(Input),
            TotalTasks = 2,
            TaskOutputs = [new StoredTaskOutput(0, "T1", "A1", "Output of T1.", TimeSpan.Zero)],
        }, TestContext.Current.CancellationToken);

        var client = new ScriptedUsageClient();
        var result = await TestSessions.Create(store, client).Resume(crew, saved.ExecutionId).ResultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, result.Metrics!.Runs);
        Assert.Equal(1, result.Metrics.LlmCallCount);
        Assert.Equal(1, (await store.GetAsync(saved.ExecutionId, TestContext.Current.CancellationToken))!.Metrics!.Runs);
    }
}

/// <summary>Keeps every record written, in order.</summary>
internal sealed class RecordingStore(IExecutionStore inner) : IExecutionStore
{
    private readonly List<ExecutionRecord> _saved = new();

    public IReadOnlyList<ExecutionRecord> Saved
    {
        get { lock (_saved) { return _saved.ToArray(); } }
    }

    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => inner.GetAsync(executionId, cancellationToken);

    public async ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        var saved = await inner.SaveAsync(record, cancellationToken);
        lock (_saved)
        {
            _saved.Add(saved);
        }

        return saved;
    }

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => inner.ListAsync(crewName, cancellationToken);
}

/// <summary>
/// A model that answers every task with fixed token usage (task number × 10 in, 5 out) and counts
/// what it billed; it can fail one task once, or block on one task until canceled.
/// </summary>
internal sealed class ScriptedUsageClient : IChatClient
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TokenUsage _billed;
    private int _attempts;

    public string? FailOnce { get; set; }

    public string? BlockOn { get; set; }

    public Task Blocked => _blocked.Task;

    public ConcurrentQueue<string> Calls { get; } = new();

    public int Attempts => Volatile.Read(ref _attempts);

    public TokenUsage Billed
    {
        get { lock (_gate) { return _billed; } }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // A run nobody streams asks for the whole answer: the same updates, combined.
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var task = RecordingChatClient.TaskOf(messages.ToList());
        Calls.Enqueue(task);
        Interlocked.Increment(ref _attempts);
        if (task == FailOnce)
        {
            FailOnce = null;
            throw new InvalidOperationException($"Scripted failure of task {task}.");
        }

        if (task == BlockOn)
        {
            _blocked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Task.Yield();
        long input = 10 * int.Parse(task.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _billed += new TokenUsage(input, 5, input + 5);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, $"Output of {task}.");
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, Contents = { new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = 5, TotalTokenCount = input + 5 }) } };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Observers see a resumed execution as the continuation of the same execution.</summary>
public sealed class ResumeObservationTests
{
    [Fact]
    public async Task An_observer_of_the_resuming_session_sees_the_same_execution_id_through_to_completion()
    {
        TopicInputCodec.EnsureRegistered();
        var store = new InMemoryExecutionStore();
        var crew = TestCrews.Chain("ObservedResumeCrew", 3);
        var first = TestSessions.Create(store, new ScriptedUsageClient { FailOnce = "T2" }).StartBackground(crew, new TopicInput("Rust"));
        await Assert.ThrowsAnyAsync<ExecutionException>(() => first.ResultAsync(TestContext.Current.CancellationToken));

        // A new session (standing in for a new process) with an observer resumes the execution.
        var observer = new Monitoring.RecordingObserver();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new ScriptedUsageClient());
        await using var session = new ExecutionSession(options, store, [observer]);
        var resumed = session.Resume(crew, first.ExecutionId);
        await resumed.ResultAsync(TestContext.Current.CancellationToken);
        await session.FlushObserversAsync(TestContext.Current.CancellationToken);

        var events = observer.Events.ToList();
        Assert.Equal(first.ExecutionId, resumed.ExecutionId);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(first.ExecutionId, e.ExecutionId));
        Assert.IsType<ExecutionStartedEvent>(events[0]);
        Assert.IsType<ExecutionCompletedEvent>(events[^1]);

        // Only the unfinished tasks run again: T1 finished in the first run.
        Assert.Equal(new[] { "T2", "T3" }, events.OfType<TaskCompletedEvent>().Select(e => e.TaskName));
        Assert.Equal(events.Select((_, i) => (long)i + 1), events.Select(e => e.Sequence));
    }
}
