using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;

namespace Amsha.Tests.Durability;

// Alone: its thousand executions at once would starve other tests' loopback calls until their attempt timeouts pass.
[Collection(nameof(AloneCollection))]
public sealed class LoadTests
{
    [Fact]
    public async Task A_thousand_concurrent_background_executions_all_complete_with_their_own_results()
    {
        const int Executions = 1000;
        var store = new InMemoryExecutionStore();
        var session = TestSessions.Create(store, new RecordingChatClient());
        var crew = TestCrews.Chain("LoadCrew", 2);

        GC.Collect();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();

        var handles = Enumerable.Range(0, Executions).Select(i => session.StartBackground(crew, new TopicInput($"topic-{i}"))).ToArray();
        var results = await Task.WhenAll(handles.Select(h => h.ResultAsync(TestContext.Current.CancellationToken)));
        clock.Stop();

        var peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
        var managedAfter = GC.GetTotalMemory(forceFullCollection: false);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Executions} background executions (2 tasks each, in-memory store) in {clock.ElapsedMilliseconds} ms; " +
            $"allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024 / 1024} MiB, managed heap {managedBefore / 1048576.0:F1} -> {managedAfter / 1048576.0:F1} MiB, peak working set {peakWorkingSet / 1048576.0:F1} MiB");

        for (var i = 0; i < Executions; i++)
        {
            Assert.Equal(handles[i].ExecutionId, results[i].ExecutionId);
            Assert.Equal(ExecutionStatus.Succeeded, handles[i].Status);
            Assert.Contains($"T2 about topic-{i}", results[i].Output);
            Assert.Contains($"T1 about topic-{i}", results[i].TaskOutputs[0].Text);
        }

        var records = await store.ListAsync("LoadCrew", TestContext.Current.CancellationToken);
        Assert.Equal(Executions, records.Count);
        Assert.All(records, r => Assert.Equal(ExecutionStatus.Succeeded, r.Status));
        Assert.Equal(Executions, records.Select(r => r.ExecutionId).Distinct().Count());
    }

    [Fact]
    public async Task Concurrent_background_executions_on_the_file_store_all_complete_and_stay_readable()
    {
        const int Executions = 100;
        var store = new FileExecutionStore(TestSessions.TempDirectory());
        var session = TestSessions.Create(store, new RecordingChatClient());
        var crew = TestCrews.Diamond("FileLoadCrew");

        var clock = Stopwatch.StartNew();
        var handles = Enumerable.Range(0, Executions).Select(i => session.StartBackground(crew, new TopicInput($"topic-{i}"))).ToArray();
        var results = await Task.WhenAll(handles.Select(h => h.ResultAsync(TestContext.Current.CancellationToken)));
        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"{Executions} Graph executions (5 tasks, 7 writes each) on the file store in {clock.ElapsedMilliseconds} ms");

        var records = await new FileExecutionStore(store.Directory).ListAsync("FileLoadCrew", TestContext.Current.CancellationToken);
        Assert.Equal(Executions, records.Count);
        for (var i = 0; i < Executions; i++)
        {
            Assert.Contains($"E about topic-{i}", results[i].Output);
            var record = records.Single(r => r.ExecutionId == handles[i].ExecutionId);
            Assert.Equal(ExecutionStatus.Succeeded, record.Status);
            Assert.Equal(results[i].Output, record.FindTaskOutput("E")?.Text);
        }
    }
}
