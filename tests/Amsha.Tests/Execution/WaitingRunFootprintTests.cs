using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Amsha.TestKit.Models;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

/// <summary>
/// Keeps what a background run holds while it waits for its model small: a real run spends most of its life there,
/// and thousands may wait at once. Measured as the heap with 2,000 runs at the model less the heap once they finished
/// and were dropped, each after a full collection. No timing is asserted.
/// </summary>
[Collection(nameof(AloneCollection))] // measures the whole heap: nothing else may allocate meanwhile
public sealed class WaitingRunFootprintTests
{
    private const int Runs = 2_000;

    // Measured 4,887–4,895 B per waiting run here (2026-12-02) once the run's result no longer waited
    // in a frame of the session's and a background run's event log kept no events (5,380 B before), and 4,804 B once
    // a call's result held its span rather than the span's context (the frames that wait with it are smaller), and
    // 4,640–4,644 B once a call waiting for its first attempt held one frame instead of two, and 4,488–4,492 B once
    // that frame also held the attempt's timeout (no frame of the timeout's own), and 4,360 B once the request for a
    // whole answer had no frame either. The log keeping its events again (about 380 B) fails this; so would any of the
    // three frames again (160 B, 240 B, 128 B).
    private const long MaxBytesPerWaitingRun = 4_460;

    [Fact]
    public void A_background_run_waiting_for_its_model_holds_no_event_record_and_no_frame_of_the_session()
    {
        var perRun = Measure();

        TestContext.Current.TestOutputHelper?.WriteLine($"{perRun} bytes per waiting background run");
        Assert.True(perRun <= MaxBytesPerWaitingRun, $"A background run waiting for its model held {perRun} bytes (at most {MaxBytesPerWaitingRun}).");
    }

    // Synchronous and optimized at once: an awaiting method, or unoptimized code, would keep the runs' tasks alive in
    // its frame after they were dropped.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Measure()
    {
        var model = new HeldChatClient(new OfflineChatClient());
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(model);
        var session = new ExecutionSession(options, new InMemoryExecutionStore(maxFinishedExecutions: 1));
        var crew = TestCrews.ResearchAndWrite();

        var warm = model.Close(50);
        var warming = StartAll(session, crew, 50);
        warm.GetAwaiter().GetResult();
        model.Open();
        Task.WhenAll(warming).GetAwaiter().GetResult();

        var waitingAll = model.Close(Runs);
        var runs = StartAll(session, crew, Runs);
        waitingAll.GetAwaiter().GetResult();
        var waiting = HeapAfterFullCollection();
        model.Open();
        Task.WhenAll(runs).GetAwaiter().GetResult();
        runs = null;
        var done = HeapAfterFullCollection();
        GC.KeepAlive(session);
        return (waiting - done) / Runs;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task[] StartAll(ExecutionSession session, CrewDefinition<string, string> crew, int count)
    {
        var runs = new Task[count];
        for (var i = 0; i < count; i++)
        {
            runs[i] = session.StartBackground(crew, "Rust").ResultAsync();
        }

        return runs;
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
