using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests;

/// <summary>A silo that dies leaves its executions Running in the store; their handles follow them until someone resumes them elsewhere.</summary>
public sealed class SiloLossTests
{
    // A safety net only: each stage has its own bound, well under it, and the test ends in seconds.
    [Fact(Timeout = 180_000)]
    public Task The_handle_of_an_execution_whose_silo_died_follows_it_until_a_resume_finishes_it_on_another_silo() =>
        Stages.OnClusterAsync(3, FollowAcrossTheLossAsync, TestContext.Current.CancellationToken);

    private static async Task FollowAcrossTheLossAsync(AmshaCluster cluster, Stages stages, CancellationToken ct)
    {
        // Twelve over three randomly placed silos: some land beside the first silo (all on it: one chance in 500,000).
        var topics = Enumerable.Range(0, 12).Select(_ => ModelScript.NewTopic()).ToList();

        // The first call of each execution never answers: whatever its silo does, it stays in its first task.
        foreach (var topic in topics)
        {
            cluster.Script.On(topic, (call, token) => call.Index == 1 ? Task.Delay(Timeout.Infinite, token) : Task.CompletedTask);
        }

        var (handles, placed) = await cluster.StartEachAsync(topics, stages, ct);

        var victim = cluster.Cluster.Silos.Skip(1).FirstOrDefault(s => placed.ContainsValue(s.Name));
        Assert.NotNull(victim);
        var target = topics.First(t => placed[t] == victim.Name);
        var handle = handles[target];

        await stages.WithinAsync("a silo is killed", Stages.ClusterBound, _ => cluster.CrashAsync(victim), ct);

        // Nothing was stored: the record still says Running, and the handle keeps following.
        var left = await stages.WithinAsync("the record is read", Stages.QuickBound, token => cluster.Client.GetExecutionAsync(handle.ExecutionId, token), ct);
        Assert.Equal(ExecutionStatus.Running, left.Status);
        Assert.Equal(victim.SiloAddress.ToString(), left.Owner);
        Assert.False(handle.WaitAsync(ct).IsCompleted);

        // The silos that live keep renewing the leases of what they run (so it is not listed as orphaned): watched in
        // the store, not timed, since a renewal that ran later than a whole lease on a saturated machine would make
        // that execution an orphan by definition.
        var live = topics.First(t => placed[t] != victim.Name);
        var liveRecord = await cluster.Client.GetExecutionAsync(handles[live].ExecutionId, ct);
        var renewed = await stages.WithinAsync("a live silo renews a lease", Stages.ClusterBound, token => WaitForRenewalAsync(cluster.Client, liveRecord, token), ct);
        Assert.Equal(liveRecord.Owner, renewed.Owner);
        Assert.Equal(ExecutionStatus.Running, renewed.Status);

        // Once the dead silo's lease has expired (4 s here), the client finds the execution orphaned, owned by the dead
        // silo, and resumes it: it runs on a silo that lives, and the handle the client held all along follows it to
        // the end.
        var orphans = await stages.WithinAsync("the dead silo's execution is listed as orphaned", Stages.ClusterBound, token => WaitForOrphansAsync(cluster.Client, handle.ExecutionId, token), ct);
        Assert.Equal(victim.SiloAddress.ToString(), orphans.Single(o => o.ExecutionId == handle.ExecutionId).Owner);
        var result = await stages.WithinAsync("the resumed execution finishes", Stages.ClusterBound, async token =>
        {
            var resumed = await cluster.Client.ResumeAsync(ClusterCrew.Definition, handle.ExecutionId, cancellationToken: token);
            return await resumed.ResultAsync(token);
        }, ct);
        var followed = await stages.WithinAsync("the first handle follows it to the end", Stages.ClusterBound, token => handle.ResultAsync(token), ct);

        Assert.Equal(3, result.TaskOutputs.Count);
        Assert.Equal(result.Output, followed.Output);
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        var calls = cluster.Script.CallsOf(target);
        Assert.Equal(victim.Name, calls[0].Where);
        Assert.All(calls.Skip(1), c => Assert.NotEqual(victim.Name, c.Where));
    }

    // Reads the record until its lease has been renewed (a later expiry than the one read).
    private static async Task<ExecutionRecord> WaitForRenewalAsync(ExecutionSession client, ExecutionRecord before, CancellationToken ct)
    {
        while (true)
        {
            var now = await client.GetExecutionAsync(before.ExecutionId, ct);
            if (now.LeaseExpiresAt > before.LeaseExpiresAt)
            {
                return now;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    // Lists the client's orphans until the execution is among them; the lease is short and the clock real, so this
    // waits about one lease.
    private static async Task<IReadOnlyList<ExecutionRecord>> WaitForOrphansAsync(ExecutionSession client, string executionId, CancellationToken ct)
    {
        while (true)
        {
            var orphans = await client.ListOrphanedExecutionsAsync(ClusterCrew.Definition.Name, ct);
            if (orphans.Any(o => o.ExecutionId == executionId))
            {
                return orphans;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }
}
