using System;
using System.Diagnostics;

namespace Amsha.Tests.Monitoring;

/// <summary>The cheap readings of process figures agree with the runtime's own.</summary>
public sealed class ProcessResourcesTests
{
    [Fact]
    public void The_working_set_read_from_statm_is_the_runtimes_resident_set()
    {
        var ours = ProcessResources.WorkingSet();
        var runtime = Environment.WorkingSet;

        // Both are the resident set; other tests allocate between the two reads, so only a wrong field or unit
        // (pages for bytes, the total size for the resident part) is ruled out, not a moving figure.
        Assert.InRange(ours, runtime / 2, runtime * 2);
    }

    [Fact]
    public void The_cpu_time_matches_the_process_figure_and_grows_with_work()
    {
        var before = ProcessResources.CpuTime();
        using (var process = Process.GetCurrentProcess())
        {
            // The Process figure counts 10 ms ticks and is read after ours (other threads of a busy test run add to it meanwhile).
            Assert.InRange(before - process.TotalProcessorTime, TimeSpan.FromMilliseconds(-250), TimeSpan.FromMilliseconds(50));
        }

        var spin = Stopwatch.StartNew();
        var x = 0UL;
        while (spin.ElapsedMilliseconds < 20)
        {
            x = (x * 31) + 7;
        }

        GC.KeepAlive(x);
        Assert.True(ProcessResources.CpuTime() > before);
    }
}

/// <summary>Executions starting or ending together share one reading of the process figures.</summary>
public sealed class SharedReadingTests
{
    private const long Window = 1_000;

    [Fact]
    public void Readings_within_the_window_are_shared_and_a_later_one_reads_again()
    {
        var reads = 0;
        var shared = new SharedReading(() => (TimeSpan.FromTicks(++reads), reads * 100L), Window);

        var first = shared.Get(10_000);
        Assert.Equal(first, shared.Get(10_000 + Window - 1));
        Assert.Equal(1, reads);

        var later = shared.Get(10_000 + Window);
        Assert.Equal(2, reads);
        Assert.Equal((TimeSpan.FromTicks(2), 200L), later);
    }

    [Fact]
    public void A_caller_with_an_earlier_timestamp_than_the_reading_reads_again()
    {
        // Threads take their timestamps before they read: one that was overtaken must not be handed a reading made after its own moment forever.
        var reads = 0;
        var shared = new SharedReading(() => (TimeSpan.FromTicks(++reads), 0L), Window);

        shared.Get(50_000);
        shared.Get(49_999);

        Assert.Equal(2, reads);
    }
}
