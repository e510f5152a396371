using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests.Processes;

/// <summary>
/// A process of samples/Amsha.Samples.Cluster (a silo, a client, setup) run as a user runs it: <c>dotnet</c> with the
/// sample's assembly, arguments, and settings in environment variables. Its output lines are kept for assertions and
/// waited on; disposing kills whatever still runs.
/// </summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private readonly SemaphoreSlim _lineAdded = new(0);
    private int _disposed;

    private SampleProcess(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SamplePath)!,
        };
        start.ArgumentList.Add(SamplePath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The CPU time the process has used so far (read it before the process ends).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    public static SampleProcess Start(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        new(name, arguments, environment);

    /// <summary>The first output line that satisfies <paramref name="match"/>; fails when the process exits without one or the time is up.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var seen = 0;
        while (true)
        {
            string[] lines;
            lock (_gate)
            {
                lines = _lines.Skip(seen).ToArray();
            }

            seen += lines.Length;
            if (lines.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (_process.HasExited && lines.Length == 0)
            {
                await _process.WaitForExitAsync(cancellationToken); // the output is complete once the process has been waited for
                lock (_gate)
                {
                    if (_lines.Skip(seen).FirstOrDefault(match) is { } last)
                    {
                        return last;
                    }
                }

                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) without the expected line. Its output:\n{Tail()}");
            }

            try
            {
                await _lineAdded.WaitAsync(TimeSpan.FromMilliseconds(200), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Name} printed no expected line within {timeout}. Its output:\n{Tail()}");
            }
        }
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}. Its output:\n{Tail()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process with SIGKILL (what <c>kill -9</c> sends): nothing in it runs another instruction.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int count = 40) => string.Join('\n', Lines.TakeLast(count));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _lineAdded.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }

        _lineAdded.Release();
    }

    // tests/Amsha.Orleans.Tests/bin/<Configuration>/<tfm>/ -> samples/Amsha.Samples.Cluster/bin/<Configuration>/<tfm>/
    private static string SamplePath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!;
            var root = configuration.Parent!.Parent!.Parent!.Parent!;
            var path = Path.Combine(root.FullName, "samples", "Amsha.Samples.Cluster", "bin", configuration.Name, output.Name, "Amsha.Samples.Cluster.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The cluster sample was not built at '{path}'. Build tests/Amsha.Orleans.Tests (it references the sample).", path);
        }
    }
}
