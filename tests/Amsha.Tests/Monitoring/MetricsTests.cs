using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Monitoring;

public sealed class MetricsTests
{
    /// <summary>A scripted model: fixed answers per task, and a record of the tokens it billed.</summary>
    private sealed class ScriptedModel
    {
        private readonly List<(string Task, long Input, long Output)> _billed = new();

        public OfflineChatClient Client => new(new OfflineChatClientOptions { Responder = Respond });

        public IReadOnlyList<(string Task, long Input, long Output)> Billed
        {
            get { lock (_billed) { return _billed.ToArray(); } }
        }

        private string Respond(IReadOnlyList<ChatMessage> conversation)
        {
            var system = conversation[0].Text;
            var task = system.Contains("researcher", StringComparison.Ordinal) ? "Research" : "Write";
            var answer = task == "Research" ? "one two three four five" : "alpha beta gamma";
            lock (_billed)
            {
                _billed.Add((task, conversation.Sum(m => (long)OfflineChatClient.CountTokens(m.Text)), OfflineChatClient.CountTokens(answer)));
            }

            return answer;
        }
    }

    [Fact]
    public async Task Result_metrics_match_the_scripted_models_token_counts_per_task_and_call()
    {
        var model = new ScriptedModel();
        await using var session = MonitoringCrews.UsageReportingSession(model.Client);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var handle = session.Start(TestCrews.ResearchAndWrite(), "Rust");
        var result = await handle.ResultWithinTimeoutAsync();
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: false);
        var metrics = result.Metrics;

        var billed = model.Billed;
        Assert.Equal(2, billed.Count);
        Assert.Equal(5, billed[0].Output);
        Assert.Equal(3, billed[1].Output);
        Assert.Equal(result.ExecutionId, metrics.ExecutionId);
        Assert.Equal("ResearchAndWrite", metrics.CrewName);
        Assert.Equal(ExecutionMode.Interactive, metrics.Mode);
        Assert.Equal(ExecutionStatus.Succeeded, metrics.Status);
        Assert.Equal(new TokenUsage(billed.Sum(b => b.Input), 8, billed.Sum(b => b.Input) + 8), metrics.Tokens);
        Assert.Equal(2, metrics.LlmCallCount);
        Assert.Equal(0, metrics.RetryCount);

        Assert.Equal(new[] { "Research", "Write" }, metrics.Tasks.Select(t => t.TaskName));
        var research = metrics.GetTask("Research")!;
        Assert.Equal("Researcher", research.AgentName);
        Assert.Equal(new TokenUsage(billed[0].Input, 5, billed[0].Input + 5), research.Tokens);
        Assert.Equal(1, research.LlmCalls);
        Assert.Equal(new TokenUsage(billed[1].Input, 3, billed[1].Input + 3), metrics.GetTask("Write")!.Tokens);
        Assert.Equal(new[] { "Research", "Write" }, metrics.LlmCalls.Select(c => c.TaskName));

        Assert.NotNull(metrics.EndedAt);
        Assert.True(metrics.EndedAt >= metrics.StartedAt);
        Assert.True(metrics.Duration > TimeSpan.Zero);
        Assert.True(metrics.Tasks.All(t => t.Duration >= TimeSpan.Zero && t.Duration <= metrics.Duration + TimeSpan.FromSeconds(1)));
        // The run's share of the process counter, not the counter itself. It moves as threads take new allocation
        // contexts (about 8 KB each), so a short run that fits in the contexts its threads already hold reads 0.
        Assert.InRange(metrics.Resources.AllocatedBytes, 0, allocatedAfter - allocatedBefore);
        Assert.True(metrics.Resources.CpuTime >= TimeSpan.Zero); // zero when the run took under a millisecond (see below)
        Assert.True(metrics.Resources.WorkingSetStart > 0);
        Assert.True(metrics.Resources.WorkingSetPeak >= Math.Max(metrics.Resources.WorkingSetStart, metrics.Resources.WorkingSetEnd));
        Assert.Contains("Tokens:", metrics.ToSummary());
    }

    [Fact]
    public async Task The_cpu_time_of_a_run_that_computes_for_milliseconds_is_counted()
    {
        // Executions within a millisecond of each other share one reading of the process figures; a run that computes
        // for longer than that has readings of its own at its start and end, and its CPU time between them.
        var client = new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = _ =>
            {
                var spin = System.Diagnostics.Stopwatch.StartNew();
                var x = 0UL;
                while (spin.ElapsedMilliseconds < 5)
                {
                    x = (x * 31) + 7;
                }

                return x == 1 ? "never" : "computed";
            },
        });
        await using var session = MonitoringCrews.UsageReportingSession(client);

        var result = await session.Start(TestCrews.ResearchAndWrite(), "Rust").ResultWithinTimeoutAsync();

        Assert.True(result.Metrics.Resources.CpuTime > TimeSpan.Zero, $"CPU time {result.Metrics.Resources.CpuTime} for a run that computed for 10 ms.");
    }

    [Fact]
    public async Task Failed_attempts_and_retries_are_counted_and_their_tokens_included()
    {
        var model = new ScriptedModel();

        // Both calls fail once before succeeding: two retried calls.
        await using var session = MonitoringCrews.UsageReportingSession(model.Client, failFirst: 2);
        using var retries = new RetryListener();

        // Started, so its tasks stream: a streamed attempt that fails has reported its usage first.
        var result = await session.Start(MonitoringCrews.TwoTasks("MetricsRetriedCrew"), "Rust").ResultAsync().WaitAsync(TestCrews.Timeout);
        var metrics = result.Metrics;

        var billed = model.Billed;
        var input = billed.Sum(b => b.Input);

        // Each failed attempt spent its prompt's input tokens; the retry spent them again.
        Assert.Equal(new TokenUsage(2 * input, 8, 2 * input + 8), metrics.Tokens);
        Assert.Equal(4, metrics.LlmCallCount);
        Assert.Equal(2, metrics.FailedCallCount);
        Assert.Equal(2, metrics.RetryCount);
        Assert.Equal(new[] { (1, true), (2, false), (1, true), (2, false) }, metrics.LlmCalls.Select(c => (c.Attempt, c.Failed)));
        var research = metrics.GetTask("Research")!;
        Assert.Equal(2, research.LlmCalls);
        Assert.Equal(1, research.Retries);
        Assert.Equal(new TokenUsage(2 * billed[0].Input, 5, 2 * billed[0].Input + 5), research.Tokens);
        Assert.Equal(2, retries.CountFor("MetricsRetriedCrew"));
    }

    [Fact]
    public void The_final_write_figures_are_the_final_figures_unless_something_is_counted_after_them()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var t0 = clock.GetUtcNow();

        // Written with the outcome, then the terminal event: the same figures, built once.
        var kept = new ExecutionMetricsBuilder("e1", "Crew", ExecutionMode.Background, clock);
        kept.Observe(new ExecutionStartedEvent("Crew", ExecutionMode.Background, 1) { ExecutionId = "e1", Sequence = 1, Timestamp = t0 });
        kept.Observe(new LlmCallCompletedEvent("c1", "default", null, 1, new TokenUsage(10, 5, 15), TimeSpan.FromSeconds(1), "T") { ExecutionId = "e1", Sequence = 2, Timestamp = t0 });
        clock.Advance(TimeSpan.FromSeconds(2));
        var written = kept.Snapshot(ExecutionStatus.Succeeded);
        kept.Observe(new CheckpointWrittenEvent(2, 1, ExecutionStatus.Succeeded) { ExecutionId = "e1", Sequence = 3, Timestamp = clock.GetUtcNow() });
        clock.Advance(TimeSpan.FromSeconds(1));
        kept.Observe(new ExecutionCompletedEvent(TimeSpan.FromSeconds(3)) { ExecutionId = "e1", Sequence = 4, Timestamp = clock.GetUtcNow() });
        Assert.Same(written, kept.Final);
        Assert.Equal(TimeSpan.FromSeconds(2), kept.Final!.Duration);

        // A call counted after the write: the terminal event builds the figures again, with it.
        var rebuilt = new ExecutionMetricsBuilder("e2", "Crew", ExecutionMode.Background, clock);
        rebuilt.Observe(new ExecutionStartedEvent("Crew", ExecutionMode.Background, 1) { ExecutionId = "e2", Sequence = 1, Timestamp = clock.GetUtcNow() });
        var early = rebuilt.Snapshot(ExecutionStatus.Succeeded);
        rebuilt.Observe(new LlmCallCompletedEvent("c2", "default", null, 1, new TokenUsage(1, 1, 2), TimeSpan.FromSeconds(1), "T") { ExecutionId = "e2", Sequence = 2, Timestamp = clock.GetUtcNow() });
        rebuilt.Observe(new ExecutionCompletedEvent(TimeSpan.FromSeconds(1)) { ExecutionId = "e2", Sequence = 3, Timestamp = clock.GetUtcNow() });
        Assert.NotSame(early, rebuilt.Final);
        Assert.Equal(0, early.LlmCallCount);
        Assert.Equal(1, rebuilt.Final!.LlmCallCount);

        // Written with one outcome, ended with another (the final write failed): built again for the real outcome.
        var other = new ExecutionMetricsBuilder("e3", "Crew", ExecutionMode.Background, clock);
        other.Observe(new ExecutionStartedEvent("Crew", ExecutionMode.Background, 1) { ExecutionId = "e3", Sequence = 1, Timestamp = clock.GetUtcNow() });
        _ = other.Snapshot(ExecutionStatus.Succeeded);
        other.Observe(new ExecutionFailedEvent("Amsha.ExecutionConflictException", "conflict", false) { ExecutionId = "e3", Sequence = 2, Timestamp = clock.GetUtcNow() });
        Assert.Equal(ExecutionStatus.Failed, other.Final!.Status);
    }

    [Fact]
    public void A_resumed_execution_adds_up_across_runs()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

        // First process: Research completes, Write fails (its one attempt spent 7 input tokens).
        var first = new ExecutionMetricsBuilder("e1", "Crew", ExecutionMode.Background, TimeProvider.System);
        first.Observe(new ExecutionStartedEvent("Crew", ExecutionMode.Background, 2) { ExecutionId = "e1", Sequence = 1, Timestamp = t0 });
        first.Observe(new TaskStartedEvent("Research", "Researcher", 0) { ExecutionId = "e1", Sequence = 2, Timestamp = t0 });
        first.Observe(new LlmCallCompletedEvent("c1", "default", null, 1, new TokenUsage(10, 5, 15), TimeSpan.FromSeconds(1), "Research") { ExecutionId = "e1", Sequence = 3, Timestamp = t0.AddSeconds(1) });
        first.Observe(new TaskCompletedEvent("Research", "r") { ExecutionId = "e1", Sequence = 4, Timestamp = t0.AddSeconds(2) });
        first.Observe(new TaskStartedEvent("Write", "Writer", 1) { ExecutionId = "e1", Sequence = 5, Timestamp = t0.AddSeconds(2) });
        first.Observe(new LlmCallFailedEvent("c2", "default", 1, new TokenUsage(7, 0, 7), "connection", "gone", true, "Write") { ExecutionId = "e1", Sequence = 6, Timestamp = t0.AddSeconds(3) });
        first.Observe(new ExecutionFailedEvent("Amsha.LlmCallException", "gone", true) { ExecutionId = "e1", Sequence = 7, Timestamp = t0.AddSeconds(3) });
        var stored = first.Final!;
        Assert.Equal(ExecutionStatus.Failed, stored.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), stored.Duration);

        // The store persists the JSON; a new process reads it back and resumes the execution. Write is
        // retried once: each attempt's tokens arrive on the event that reports that attempt.
        var reloaded = AmshaMetrics.FromJson(stored.ToJson());
        var resumed = new ExecutionMetricsBuilder("e1", "Crew", ExecutionMode.Background, TimeProvider.System);
        resumed.Carry(reloaded);
        var t1 = t0.AddHours(1);
        resumed.Observe(new ExecutionStartedEvent("Crew", ExecutionMode.Background, 2) { ExecutionId = "e1", Sequence = 1, Timestamp = t1 });
        resumed.Observe(new TaskStartedEvent("Write", "Writer", 1) { ExecutionId = "e1", Sequence = 2, Timestamp = t1 });
        resumed.Observe(new LlmCallRetryingEvent("c3", "default", 1, TimeSpan.FromSeconds(1), "HTTP 429", new TokenUsage(7, 0, 7), "Write") { ExecutionId = "e1", Sequence = 3, Timestamp = t1.AddSeconds(1) });
        resumed.Observe(new LlmCallCompletedEvent("c3", "default", null, 2, new TokenUsage(7, 4, 11), TimeSpan.FromSeconds(3), "Write") { ExecutionId = "e1", Sequence = 4, Timestamp = t1.AddSeconds(3) });
        resumed.Observe(new TaskCompletedEvent("Write", "w") { ExecutionId = "e1", Sequence = 5, Timestamp = t1.AddSeconds(4) });
        resumed.Observe(new ExecutionCompletedEvent(TimeSpan.FromSeconds(5)) { ExecutionId = "e1", Sequence = 6, Timestamp = t1.AddSeconds(5) });
        var total = resumed.Final!;

        Assert.Equal(2, total.Runs);
        Assert.Equal(ExecutionStatus.Succeeded, total.Status);
        Assert.Equal(t0, total.StartedAt);
        Assert.Equal(t1.AddSeconds(5), total.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(8), total.Duration);
        Assert.Equal(new TokenUsage(31, 9, 40), total.Tokens);
        Assert.Equal(4, total.LlmCallCount);
        Assert.Equal(2, total.FailedCallCount);
        Assert.Equal(1, total.RetryCount);
        Assert.Equal(new[] { "Research", "Write" }, total.Tasks.Select(t => t.TaskName));
        var write = total.GetTask("Write")!;
        Assert.Equal(new TokenUsage(21, 4, 25), write.Tokens);
        Assert.Equal(3, write.LlmCalls);
        Assert.Equal(1, write.Retries);
        Assert.Equal(new[] { (1, false), (1, true), (1, true), (2, false) }, total.LlmCalls.Select(c => (c.Attempt, c.Failed)));

        // The interrupted first attempt counts up to the end of its run (1 s) plus the resumed 4 s.
        Assert.Equal(TimeSpan.FromSeconds(5), write.Duration);
        Assert.Equal(stored.Resources.WorkingSetStart, total.Resources.WorkingSetStart);
        Assert.True(total.Resources.AllocatedBytes >= stored.Resources.AllocatedBytes);
    }

    [Fact]
    public void Combine_refuses_metrics_of_different_executions()
    {
        var error = Assert.Throws<ArgumentException>(() => AmshaMetrics.Combine(new AmshaMetrics { ExecutionId = "a" }, new AmshaMetrics { ExecutionId = "b" }));
        Assert.Contains("'a'", error.Message);
        Assert.Contains("'b'", error.Message);
    }

    [Fact]
    public void Json_round_trips_every_field_and_skips_unknown_properties()
    {
        var metrics = new AmshaMetrics
        {
            ExecutionId = "e\"1",
            CrewName = "Crew",
            Mode = ExecutionMode.Background,
            Status = ExecutionStatus.Canceled,
            StartedAt = new DateTimeOffset(2026, 2, 3, 4, 5, 6, 789, TimeSpan.FromHours(2)),
            EndedAt = null,
            Duration = TimeSpan.FromTicks(12_345_678),
            Runs = 3,
            Tokens = new TokenUsage(1, 2, 4),
            LlmCallCount = 5,
            RetryCount = 6,
            FailedCallCount = 7,
            Tasks = new[] { new TaskMetrics("T", "A", TimeSpan.FromMilliseconds(1.5), new TokenUsage(1, 2, 3), 4, 5) },
            LlmCalls = new[] { new LlmCallMetrics("T", 2, new TokenUsage(9, 8, 17), true) },
            Resources = new ResourceUsage(TimeSpan.FromMilliseconds(42), 1L << 40, 10, 20, 30),
        };

        var json = metrics.ToJson();
        var read = AmshaMetrics.FromJson(json.Insert(1, "\"future\":{\"nested\":[1,2]},"));

        Assert.Equal(json, read.ToJson());
        Assert.Equal(metrics.StartedAt, read.StartedAt);
        Assert.Null(read.EndedAt);
        Assert.Equal(metrics.Duration, read.Duration);
        Assert.Equal(metrics.Tasks, read.Tasks);
        Assert.Equal(metrics.LlmCalls, read.LlmCalls);
        Assert.Equal(metrics.Resources, read.Resources);
        Assert.Equal("e\"1", read.ExecutionId);
        Assert.Throws<FormatException>(() => AmshaMetrics.FromJson("[1]"));
        Assert.Throws<FormatException>(() => AmshaMetrics.FromJson("{\"runs\":\"x\"}"));
    }

    /// <summary>Counts <c>amsha.llm.retries</c> measurements of one crew.</summary>
    private sealed class RetryListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string?> _crews = new();

        public RetryListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AmshaTelemetryNames.MeterName && instrument.Name == "amsha.llm.retries")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "amsha.crew.name")
                    {
                        lock (_crews)
                        {
                            for (var i = 0; i < value; i++)
                            {
                                _crews.Add(tag.Value as string);
                            }
                        }
                    }
                }
            });
            _listener.Start();
        }

        public int CountFor(string crew)
        {
            lock (_crews)
            {
                return _crews.Count(c => c == crew);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
