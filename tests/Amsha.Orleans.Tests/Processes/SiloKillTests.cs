using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Postgres;
using Amsha.Tests.Support;

namespace Amsha.Orleans.Tests.Processes;

/// <summary>
/// A real cluster: three silo processes and a client process of samples/Amsha.Samples.Cluster, Orleans membership in
/// PostgreSQL (Microsoft.Orleans.Clustering.AdoNet over the sample's schema script), executions in a
/// <see cref="PostgresExecutionStore"/>, and an OpenAI-compatible model on loopback. One silo is killed with SIGKILL in
/// the middle of the run; the client finds its orphans once their leases expire and resumes them on the others.
/// </summary>
public sealed partial class SiloKillTests(PostgresServer postgres)
{
    private const int Executions = 300;
    private const int Silos = 3;
    private static readonly TimeSpan ModelLatency = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(8);

    [Fact(Timeout = 600_000)]
    public async Task Three_hundred_executions_all_succeed_when_a_silo_is_killed_mid_run_and_no_finished_task_is_called_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var model = new ReportModel(ModelLatency);
        await using var cluster = new SampleCluster(postgres, model, Lease);
        await cluster.SetupAsync(ct);
        await cluster.SetupAsync(ct); // the membership script may run again (a second silo host's deployment, say)
        await cluster.StartSilosAsync(Silos, ct);

        // Each silo listens on the address it was configured with (loopback here), and only there.
        for (var n = 0; n < Silos; n++)
        {
            var bound = cluster.ListeningAddressesOf(n);
            Assert.Equal(2, bound.Count);
            Assert.All(bound, address => Assert.Equal(System.Net.IPAddress.Loopback, address));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var client = cluster.StartClient("client", Executions.ToString(CultureInfo.InvariantCulture), "--resume-orphans");
        await client.WaitForLineAsync(line => line.StartsWith($"Started {Executions} executions", StringComparison.Ordinal), TimeSpan.FromMinutes(3), ct);

        // The victim: a silo with calls in flight and, in the store, executions part-way through (a task finished,
        // more to run), so it dies with executions in every state and the "no finished task again" check has work.
        await using var store = new PostgresExecutionStore(postgres.ConnectionString, cluster.Schema);
        var victim = await ChooseVictimAsync(model, store, cluster.Addresses, ct);
        var inFlightAtKill = model.InFlight(victim);
        var answeredAtKill = model.Answered;
        var killedAfter = clock.Elapsed;
        await cluster.Silos[victim].KillAsync();

        // What the dead silo left, exactly: it can write nothing more.
        var all = await store.QueryAsync(new ExecutionQuery { Take = ExecutionQuery.MaxTake }, ct);
        var orphans = all.Items.Where(r => r.Owner == cluster.Addresses[victim] && r.Status is ExecutionStatus.Running or ExecutionStatus.Pending).ToList();
        var finishedOnOrphans = orphans.SelectMany(r => r.TaskOutputs.Select(t => (Topic: TopicOf(r), Task: t.TaskIndex))).ToHashSet();
        Assert.True(finishedOnOrphans.Count > 0, $"The kill left no execution of silo {victim} part-way ({orphans.Count} running, {inFlightAtKill} calls in flight): the test did not test a loss.");

        int exit;
        try
        {
            exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(4), ct);
        }
        catch (TimeoutException timeout)
        {
            // What the store holds says which executions the client still waits for.
            var left = (await store.QueryAsync(new ExecutionQuery { Take = ExecutionQuery.MaxTake }, ct)).Items.Where(r => r.Status != ExecutionStatus.Succeeded);
            throw new TimeoutException(timeout.Message + "\nNot succeeded in the store: " + string.Join("; ", left.Select(r => $"{r.ExecutionId} {r.Status} owner {r.Owner} lease {r.LeaseExpiresAt:O} tasks {r.TaskOutputs.Count} updated {r.UpdatedAt:O}")), timeout);
        }

        Assert.True(exit == 0, $"The client failed ({exit}):\n{client.Tail()}");
        Assert.Contains(client.Lines, line => line.StartsWith($"{Executions} of {Executions} executions succeeded", StringComparison.Ordinal));

        // The client's policy resumed every execution the dead silo left. A live silo renews its leases, but one whose
        // renewal ran late on a saturated machine may be listed too: resuming it reaches the grain that still runs it,
        // which ignores the second hand-over (checked below: no task of any other execution was called twice).
        var resumed = client.Lines.Select(line => ResumedOrphan().Match(line)).Where(m => m.Success).ToList();
        var resumedIds = resumed.Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(resumedIds, orphans.Select(r => r.ExecutionId).ToHashSet(StringComparer.Ordinal));
        Assert.All(resumed.Where(m => m.Groups[2].Value != cluster.Addresses[victim]), m => Assert.Contains(m.Groups[2].Value, cluster.Addresses.Values));
        var resumedOfLiveSilos = resumed.Count(m => m.Groups[2].Value != cluster.Addresses[victim]);

        // Every execution succeeded with the outputs of its own topic, each task's prompt carrying the one before.
        var final = (await store.QueryAsync(new ExecutionQuery { Take = ExecutionQuery.MaxTake }, ct)).Items;
        Assert.Equal(Executions, final.Count);
        Assert.Equal(Enumerable.Range(1, Executions), final.Select(TopicOf).Order());
        foreach (var record in final)
        {
            Assert.True(record.Status == ExecutionStatus.Succeeded, $"{record.ExecutionId} ended {record.Status}: {record.Error?.Message}");
            var topic = TopicOf(record);
            Assert.Equal(Enumerable.Range(0, 3).Select(task => ReportModel.Expected(topic, task)), record.TaskOutputs.OrderBy(t => t.TaskIndex).Select(t => t.Text.Trim()));
        }

        // No task that had finished before the kill was called again; a task in flight on the dead silo could be.
        var calls = model.Calls;
        var callsPerTask = calls.GroupBy(c => (c.Topic, c.Task)).ToDictionary(g => g.Key, g => g.Count());
        var repeatedFinished = finishedOnOrphans.Count(task => callsPerTask[task] > 1);
        var orphanTopics = orphans.Select(TopicOf).ToHashSet();
        var repeatedElsewhere = callsPerTask.Where(c => c.Value > 1 && !orphanTopics.Contains(c.Key.Topic)).Select(c => c.Key).ToList();
        var perSilo = Enumerable.Range(0, Silos).Select(n => calls.Where(c => c.Silo == n && c.Task == 0).Select(c => c.Topic).Distinct().Count()).ToArray();
        // The figures go to the test's output (kept in the TRX results, printed by .ci/run) and to the console.
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"cluster kill: first tasks called per silo [{string.Join(", ", perSilo)}]; silo {victim} killed {killedAfter.TotalSeconds:F1} s after the client started ({answeredAtKill} calls answered, {inFlightAtKill} in flight on it); orphans found {orphans.Count} ({finishedOnOrphans.Count} of their tasks finished), resumed {resumed.Count - resumedOfLiveSilos} (and {resumedOfLiveSilos} of live silos); {final.Count(r => r.Status == ExecutionStatus.Succeeded)} of {Executions} succeeded in {clock.Elapsed.TotalSeconds:F1} s; model calls {calls.Count} for {Executions * 3} tasks; repeated finished-task calls = {repeatedFinished}");
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        Console.WriteLine(figures);

        // The connection string (with a password) reached every process through configuration; none printed it.
        Assert.DoesNotContain(cluster.AllLines, line => line.Contains(cluster.Password, StringComparison.Ordinal));
        Assert.All(perSilo, count => Assert.True(count > 0, $"A silo ran no execution: [{string.Join(", ", perSilo)}]"));
        Assert.Equal(0, repeatedFinished);
        Assert.Empty(repeatedElsewhere);
    }

    private static async Task<int> ChooseVictimAsync(ReportModel model, PostgresExecutionStore store, Dictionary<int, string> addresses, CancellationToken cancellationToken)
    {
        const int PartWay = 3;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline && model.Answered < Executions * 3)
        {
            var running = await store.QueryAsync(new ExecutionQuery { Statuses = [ExecutionStatus.Running], Take = ExecutionQuery.MaxTake }, cancellationToken);
            var candidates = Enumerable.Range(0, Silos)
                .Where(n => model.InFlight(n) > 0 && running.Items.Count(r => r.Owner == addresses[n] && r.TaskOutputs.Count is > 0 and < 3) >= PartWay)
                .ToList();
            if (candidates.Count > 0)
            {
                return candidates.MaxBy(model.InFlight);
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new InvalidOperationException($"No silo had calls in flight and {PartWay} executions part-way before the run ended ({model.Answered} calls answered).");
    }

    private static int TopicOf(ExecutionRecord record) =>
        int.Parse(Topic().Match(record.InputJson).Groups[1].Value, CultureInfo.InvariantCulture);

    // The client's ResumeOrphans policy logs each execution it resumes (event 2007).
    [GeneratedRegex(@"Resumed execution (\S+) of crew \S+ \(\w+, owner (\S+),")]
    private static partial Regex ResumedOrphan();

    [GeneratedRegex(@"topic (\d+)")]
    private static partial Regex Topic();
}
