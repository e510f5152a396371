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
