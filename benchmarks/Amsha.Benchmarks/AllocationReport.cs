using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Benchmarks;

/// <summary>
/// Where one of <see cref="CrewRunBenchmarks"/>' Amsha rows allocates: runs it in a loop and counts the runtime's
/// <c>GCAllocationTick</c> samples (one per ~100 KB allocated, naming the type that crossed the mark) by type. A type's
/// share of the samples estimates its share of the bytes.
/// </summary>
internal static class AllocationReport
{
    public static async Task Run(string row, int count)
    {
        var benchmarks = new CrewRunBenchmarks();
        benchmarks.Setup();
        var work = CallProfile.Row(benchmarks, row);
        for (var i = 0; i < 10_000; i++)
        {
            await work().ConfigureAwait(false);
        }

        using var listener = new AllocationTickListener();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < count; i++)
        {
            await work().ConfigureAwait(false);
        }

        var perRun = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)count;
        listener.Dispose();
        var samples = listener.Samples.ToArray();
        var total = samples.Sum(s => s.Value);
        Console.WriteLine($"{row}: {perRun:F0} B per run over {count:N0} runs, {total:N0} samples");
        foreach (var (type, hits) in samples.OrderByDescending(s => s.Value).Take(40))
        {
            Console.WriteLine($"{hits * 100.0 / total,6:F1} %  {hits * perRun / total,7:F0} B  {type}");
        }
    }

    private sealed class AllocationTickListener : EventListener
    {
        public ConcurrentDictionary<string, long> Samples { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is "GCAllocationTick_V4" or "GCAllocationTick_V3" or "GCAllocationTick_V2" && e.PayloadNames is { } names)
            {
                var type = e.Payload![names.IndexOf("TypeName")] as string ?? "?";
                Samples.AddOrUpdate(type, 1, static (_, n) => n + 1);
            }
        }
    }
}
