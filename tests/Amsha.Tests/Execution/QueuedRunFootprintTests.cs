using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amsha.TestKit.Models;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

/// <summary>
/// Keeps what a started background run holds while it waits in the thread pool's queue small: thousands can wait at
/// once, and every collection of the young generation copies each of them. <c>StartBackground</c> allocates on its
/// caller's thread and the run itself on a pool thread, so the caller thread's allocation counter sees exactly the
/// queued part. Counted over 1,000 starts, none of which can finish meanwhile (the model holds them), so the session's
/// table of live runs does not grow during the count either. No timing is asserted.
/// </summary>
[Collection(nameof(AloneCollection))] // a round of 1,000 runs at a gated model
public sealed class QueuedRunFootprintTests
{
    private const int Runs = 1_000;

    // Measured 557 B per start here (2026-12-02), the same in every run, since a queued run no longer makes its
    // cancellation source, its outputs' array, a lock object or a work item of the thread pool's (709 B before; 800 B
    // by the earlier count on the test's own thread, 1,424 B when the event log and metrics were made with the run).
    // Any one of those made at the start again (24 to 48 B) fails this. The rest: the run, its handle, its completion,
    // its id and its input's JSON.
    private const long MaxBytesPerStart = 580;

    [Fact]
    public async Task A_queued_background_run_makes_only_what_waiting_in_the_queue_needs()
    {
        var model = new HeldChatClient(new OfflineChatClient());
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(model);
        var session = new ExecutionSession(options, new InMemoryExecutionStore(maxFinishedExecutions: 1));
        var crew = TestCrews.ResearchAndWrite();

        // The first round grows the session's table of live runs to hold them all; the second, counted, finds it grown.
        await RoundAsync(model, () => StartAll(session, crew, new Task<CrewResult<string>>[Runs]));
        long perStart = 0;
        await RoundAsync(model, () =>
        {
            var runs = new Task<CrewResult<string>>[Runs];
            perStart = CountedOnOwnThread(() => StartAll(session, crew, runs)) / Runs;
            return runs;
        });

        TestContext.Current.TestOutputHelper?.WriteLine($"{perStart} bytes allocated per StartBackground");
        Assert.True(perStart <= MaxBytesPerStart, $"StartBackground allocated {perStart} bytes per run on its caller's thread (at most {MaxBytesPerStart}).");
    }

    // Starts a round of runs that all reach the model, then lets them finish.
    private static async Task RoundAsync(HeldChatClient model, Func<Task<CrewResult<string>>[]> start)
    {
        var allWaiting = model.Close(Runs);
        var runs = start();
        await allWaiting.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        model.Open();
        var results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.Output)));
    }

    // On a thread of its own, which nothing else runs on: its allocation counter holds the starts' bytes only.
    private static long CountedOnOwnThread(Action action)
    {
        long allocated = 0;
        var thread = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            action();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        thread.Join();
        return allocated;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task<CrewResult<string>>[] StartAll(ExecutionSession session, CrewDefinition<string, string> crew, Task<CrewResult<string>>[] runs)
    {
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = session.StartBackground(crew, "Rust").ResultAsync();
        }

        return runs;
    }
}
