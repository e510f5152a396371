using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests;

/// <summary>
/// The stages of a long cluster test, each with its own bound. The stages wait on a real clock (leases, membership), so a
/// test that failed on a loaded machine says which wait did not end, after how long, and what had passed before it,
/// rather than running into the test's own timeout with nothing to show. Each stage is written to the test's output as it
/// starts and ends.
/// </summary>
public sealed class Stages
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _passed = new();

    public async Task<T> WithinAsync<T>(string stage, TimeSpan bound, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        var started = _clock.Elapsed;
        Write($"{stage}: started");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(bound);
        try
        {
            var result = await step(bounded.Token).WaitAsync(bound, cancellationToken);
            _passed.Add(string.Create(CultureInfo.InvariantCulture, $"{stage} {(_clock.Elapsed - started).TotalSeconds:F1} s"));
            Write($"{stage}: done");
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (bounded.IsCancellationRequested || _clock.Elapsed - started >= bound))
        {
            // The bound passed. A failure of the stage's own (an assertion, an error) goes out as it is.
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"Stage '{stage}' did not end within {bound.TotalSeconds:F0} s (started {started.TotalSeconds:F1} s into the test). Stages before it: {string.Join("; ", _passed)}."), ex);
        }
    }

    /// <summary>Starts a cluster of <paramref name="silos"/>, runs <paramref name="test"/> on it and stops it, each a stage of its own.</summary>
    public static async Task OnClusterAsync(short silos, Func<AmshaCluster, Stages, CancellationToken, Task> test, CancellationToken cancellationToken)
    {
        var stages = new Stages();
        var cluster = await stages.WithinAsync($"{silos} silos start", ClusterBound, _ => AmshaCluster.StartAsync(silos), cancellationToken);
        try
        {
            await test(cluster, stages, cancellationToken);
        }
        catch
        {
            // The test's own failure is the one to report: a cluster that then fails to stop is only written down.
            try
            {
                await StopAsync();
            }
            catch (Exception stopping)
            {
                stages.Write($"the cluster did not stop cleanly after the failure: {stopping.Message}");
            }

            throw;
        }

        await StopAsync();

        Task StopAsync() => stages.WithinAsync("the cluster stops", ClusterBound, _ => cluster.DisposeAsync().AsTask(), cancellationToken);
    }

    /// <summary>The bound of a stage that waits on the cluster's own clock: membership, a lease, a silo starting or stopping.</summary>
    public static readonly TimeSpan ClusterBound = TimeSpan.FromSeconds(40);

    /// <summary>The bound of any other stage.</summary>
    public static readonly TimeSpan QuickBound = TimeSpan.FromSeconds(20);

    public Task WithinAsync(string stage, TimeSpan bound, Func<CancellationToken, Task> step, CancellationToken cancellationToken) =>
        WithinAsync(stage, bound, async token =>
        {
            await step(token);
            return true;
        }, cancellationToken);

    public void Write(string line) =>
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1} s] {line}"));
}
