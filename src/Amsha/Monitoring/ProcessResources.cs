using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Amsha;

/// <summary>
/// The process figures an execution's metrics sample at its start and end, read cheaply. On Linux
/// <see cref="Environment.WorkingSet"/> opens and parses <c>/proc/self/status</c> (about 20 µs); the resident set
/// in <c>/proc/self/statm</c>, read again through one open handle, costs a small fraction of that.
/// </summary>
/// <remarks>
/// Both are process-wide figures, so executions that start or end within the same millisecond share one reading
/// (<see cref="Current"/>): thousands of executions starting at once cost one read, not thousands.
/// </remarks>
internal static class ProcessResources
{
    private static readonly Lazy<SafeFileHandle?> s_statm = new(OpenStatm);
    private static readonly SharedReading s_shared = new(static () => (CpuTime(), WorkingSet()), Stopwatch.Frequency / 1000);
    private static bool s_getrusage = true;

    /// <summary>The process's CPU time and working set now, read at most once per millisecond.</summary>
    public static (TimeSpan CpuTime, long WorkingSet) Current() => s_shared.Get(Stopwatch.GetTimestamp());

    /// <summary>The process's working set (resident memory) in bytes.</summary>
    public static long WorkingSet()
    {
        if (s_statm.Value is { } statm)
        {
            try
            {
                Span<byte> buffer = stackalloc byte[128];
                var read = RandomAccess.Read(statm, buffer, 0);
                if (ResidentPages(buffer[..read]) is { } pages)
                {
                    return pages * Environment.SystemPageSize;
                }
            }
            catch (IOException)
            {
                // Fall back to the runtime's own reading below.
            }
        }

        return Environment.WorkingSet;
    }

    /// <summary>The process's CPU time, user and kernel; zero where the platform does not report it.</summary>
    /// <remarks>
    /// On Linux <c>getrusage</c> reports it to the microsecond for the cost of one system call; elsewhere the
    /// <see cref="Process"/> figure (on Linux it counts clock ticks of 10 ms, too coarse for one execution).
    /// </remarks>
    public static TimeSpan CpuTime()
    {
        if (s_getrusage && OperatingSystem.IsLinux() && Environment.Is64BitProcess)
        {
            try
            {
                if (NativeMethods.getrusage(NativeMethods.RusageSelf, out var usage) == 0)
                {
                    return TimeSpan.FromTicks(((usage.UserSeconds + usage.SystemSeconds) * TimeSpan.TicksPerSecond) + ((usage.UserMicroseconds + usage.SystemMicroseconds) * 10));
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_getrusage = false; // A libc without it: the Process figure from now on.
            }
        }

        try
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or InvalidOperationException or NotSupportedException)
        {
            // Some platforms (browser, some sandboxes) do not report process CPU time: report none rather than fail.
            return TimeSpan.Zero;
        }
    }

    // statm: "size resident shared text lib data dt", in pages.
    private static long? ResidentPages(ReadOnlySpan<byte> statm)
    {
        var space = statm.IndexOf((byte)' ');
        if (space < 0)
        {
            return null;
        }

        long pages = 0;
        var digits = 0;
        foreach (var b in statm[(space + 1)..])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                break;
            }

            pages = (pages * 10) + (b - '0');
            digits++;
        }

        return digits > 0 ? pages : null;
    }

    private static class NativeMethods
    {
        public const int RusageSelf = 0;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
        [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
        public static extern int getrusage(int who, out Rusage usage);
    }

    // The start of struct rusage on 64-bit Linux: two struct timeval (seconds, microseconds), then 14 longs.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSet;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }

    private static SafeFileHandle? OpenStatm()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return File.OpenHandle("/proc/self/statm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>A reading of process-wide figures shared by every caller within <c>sharedFor</c> stopwatch ticks of it.</summary>
internal sealed class SharedReading
{
    private readonly Func<(TimeSpan CpuTime, long WorkingSet)> _read;
    private readonly long _sharedFor;
    private Reading? _last;

    public SharedReading(Func<(TimeSpan CpuTime, long WorkingSet)> read, long sharedFor)
    {
        _read = read;
        _sharedFor = sharedFor;
    }

    /// <summary>The figures at <paramref name="now"/> (a stopwatch timestamp): the last reading when it is recent enough, else a new one.</summary>
    public (TimeSpan CpuTime, long WorkingSet) Get(long now)
    {
        if (Volatile.Read(ref _last) is { } last && now - last.Timestamp >= 0 && now - last.Timestamp < _sharedFor)
        {
            return last.Figures;
        }

        var reading = new Reading(now, _read());
        Volatile.Write(ref _last, reading);
        return reading.Figures;
    }

    private sealed record Reading(long Timestamp, (TimeSpan CpuTime, long WorkingSet) Figures);
}
