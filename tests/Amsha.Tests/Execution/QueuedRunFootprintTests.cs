using System;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

/// <summary>
/// Keeps what a started background run holds while it waits in the thread pool's queue small: thousands can wait at
/// once, and every collection of the young generation copies each of them. <c>StartBackground</c> allocates on its
/// caller's thread and the run itself on a pool thread, so the caller thread's allocation counter sees exactly the
/// queued part. No timing is asserted.
/// </summary>
public sealed class QueuedRunFootprintTests
{
    // Measured 800 B per start (2026-12-01) since the run's event log and metrics are made when it runs; 1,424 B when
    // they were made with the run. Either one made early again (about 300 B each) fails this. The rest: the run, its
    // handle, completion, cancellation, id and input JSON.
    private const long MaxBytesPerStart = 1_000;

    [Fact]
    public async Task A_queued_background_run_leaves_its_event_log_and_metrics_until_it_runs()
    {
        var session = TestCrews.Session(new OfflineChatClient());
        var crew = TestCrews.ResearchAndWrite();
        for (var i = 0; i < 50; i++)
        {
            await session.StartBackground(crew, "Rust").ResultAsync(); // warm: JIT tiers, the store's first records
        }

        const int Starts = 200;
        var handles = new ExecutionHandle<string>[Starts];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Starts; i++)
        {
            handles[i] = session.StartBackground(crew, "Rust");
        }

        var perStart = (GC.GetAllocatedBytesForCurrentThread() - before) / Starts;
        var results = await Task.WhenAll(handles.Select(h => h.ResultAsync()));

        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.Output)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{perStart} bytes per start");
        Assert.True(perStart <= MaxBytesPerStart, $"StartBackground allocated {perStart} bytes per queued run on its caller's thread (at most {MaxBytesPerStart}).");
    }
}
