using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests;

/// <summary>A silo that shuts down gracefully leaves its executions Interrupted, and the client resumes them on the others.</summary>
public sealed class SiloShutdownTests
{
    // A safety net only: each stage has its own bound, well under it, and the test ends in seconds.
    [Fact(Timeout = 180_000)]
    public Task Stopping_a_silo_interrupts_its_executions_in_the_store_and_a_resume_from_the_client_completes_them_on_the_remaining_silos() =>
        Stages.OnClusterAsync(3, InterruptAndResumeAsync, TestContext.Current.CancellationToken);

    private static async Task InterruptAndResumeAsync(AmshaCluster cluster, Stages stages, CancellationToken ct)
    {
        // Twelve over three randomly placed silos: some land beside the first silo (all on it: one chance in 500,000).
        var topics = Enumerable.Range(0, 12).Select(_ => ModelScript.NewTopic()).ToList();
        var gates = topics.ToDictionary(t => t, t => cluster.Script.Gate(t));

        // Every execution is in its first task, held by its gate, on the silo that runs it.
        var (handles, placed) = await cluster.StartEachAsync(topics, stages, ct);

        var victim = cluster.Cluster.Silos.Skip(1).FirstOrDefault(s => placed.ContainsValue(s.Name));
        Assert.NotNull(victim);
        var lost = topics.Where(t => placed[t] == victim.Name).ToList();
        var kept = topics.Except(lost).ToList();

        await stages.WithinAsync("a silo stops", Stages.ClusterBound, _ => cluster.Cluster.StopSiloAsync(victim), ct);

        await stages.WithinAsync("its executions are interrupted", Stages.QuickBound, async token =>
        {
            foreach (var topic in lost)
            {
                var handle = handles[topic];
                Assert.Equal(ExecutionStatus.Interrupted, await handle.WaitAsync(token));
                await Assert.ThrowsAsync<ExecutionInterruptedException>(() => handle.ResultAsync(token));
                var record = await cluster.Client.GetExecutionAsync(handle.ExecutionId, token);
                Assert.Equal(ExecutionStatus.Interrupted, record.Status);
            }
        }, ct);

        foreach (var gate in gates.Values)
        {
            gate.SetResult();
        }

        // The others ran on untouched; the interrupted ones finish once the client resumes them.
        await stages.WithinAsync("the others finish", Stages.QuickBound, async token =>
        {
            foreach (var topic in kept)
            {
                Assert.Equal(3, (await handles[topic].ResultAsync(token)).TaskOutputs.Count);
            }
        }, ct);

        await stages.WithinAsync("the interrupted ones are resumed and finish", Stages.ClusterBound, async token =>
        {
            foreach (var topic in lost)
            {
                var resumed = await cluster.Client.ResumeAsync(ClusterCrew.Definition, handles[topic].ExecutionId, cancellationToken: token);
                var result = await resumed.ResultAsync(token);
                Assert.Equal(3, result.TaskOutputs.Count);
                var calls = cluster.Script.CallsOf(topic);

                // The half-done first task ran again, on a remaining silo, and so did the rest.
                Assert.Equal(victim.Name, calls[0].Where);
                Assert.All(calls.Skip(1), c => Assert.NotEqual(victim.Name, c.Where));
                Assert.Equal(4, calls.Count);
                Assert.Equal(ExecutionStatus.Succeeded, (await cluster.Client.GetExecutionAsync(handles[topic].ExecutionId, token)).Status);
            }
        }, ct);
    }
}
