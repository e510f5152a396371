using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests;

/// <summary>Background executions started through <c>UseOrleans()</c> run on the cluster's silos and are followed from anywhere.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ClusterExecutionTests(SharedCluster shared)
{
    private readonly AmshaCluster _cluster = shared.Amsha;

    // A safety net only: each finishes in seconds.
    [Fact(Timeout = 60_000)]
    public async Task A_background_execution_started_by_the_client_runs_on_a_silo_and_its_handle_follows_it_to_the_stored_result()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = ModelScript.NewTopic();
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        _cluster.Script.On(topic, (call, token) => gates[call.Index - 1].Task.WaitAsync(token));

        var handle = await _cluster.Client.StartBackgroundAsync(ClusterCrew.Definition, new ClusterTopic(topic), cancellationToken: ct);
        var first = await _cluster.Script.Entered(topic).WaitAsync(ct);
        Assert.Equal(ExecutionStatus.Running, handle.Status);

        // Status and progress follow the run on its silo: the first task running, then one done while the second runs.
        var reports = new List<ExecutionReport>();
        await using (var watch = _cluster.Dispatcher.WatchAsync(handle.ExecutionId, ct).GetAsyncEnumerator(ct))
        {
            Assert.True(await watch.MoveNextAsync());
            reports.Add(watch.Current);
            Assert.Equal(new ExecutionReport(ExecutionStatus.Running, new ExecutionProgress(0, 3, "ClusterOutline")), watch.Current);
            gates[0].SetResult();
            while (watch.Current.Progress.CompletedTasks < 1)
            {
                Assert.True(await watch.MoveNextAsync());
                reports.Add(watch.Current);
            }

            Assert.Equal(ExecutionStatus.Running, watch.Current.Status);
            gates[1].SetResult();
            gates[2].SetResult();
            while (await watch.MoveNextAsync())
            {
                reports.Add(watch.Current);
            }
        }

        var result = await handle.ResultAsync(ct);
        Assert.Equal(new ExecutionReport(ExecutionStatus.Succeeded, new ExecutionProgress(3, 3, null)), reports[^1]);
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Progress.CompletedTasks >= reports[i - 1].Progress.CompletedTasks, "progress went backwards");
        }

        // The client's model never answered; one silo's model answered all three tasks.
        var calls = _cluster.Script.CallsOf(topic);
        Assert.Equal(3, calls.Count);
        Assert.DoesNotContain(calls, c => c.Where == "client");
        Assert.Single(calls.Select(c => c.Where).Distinct());
        Assert.Equal(first.Where, calls[0].Where);

        // The typed result is the one the silo stored.
        var stored = await _cluster.Client.GetExecutionAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Succeeded, stored.Status);
        Assert.Equal(stored.TaskOutputs.Last().Text, result.Output);
        Assert.Equal(["ClusterOutline", "ClusterDraft", "ClusterPolish"], result.TaskOutputs.Select(t => t.TaskName));
        Assert.Equal(3, result.Metrics.LlmCallCount);
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Equal(new ExecutionProgress(3, 3, null), handle.Progress);
    }

    // A safety net only: each finishes in seconds.
    [Fact(Timeout = 60_000)]
    public async Task Many_executions_spread_over_the_silos_each_on_one_silo()
    {
        var ct = TestContext.Current.CancellationToken;
        var topics = Enumerable.Range(0, 30).Select(_ => ModelScript.NewTopic()).ToList();

        var handles = new List<ExecutionHandle<string>>();
        foreach (var topic in topics)
        {
            handles.Add(await _cluster.Client.StartBackgroundAsync(ClusterCrew.Definition, new ClusterTopic(topic), cancellationToken: ct));
        }

        var results = await Task.WhenAll(handles.Select(h => h.ResultAsync(ct)));

        Assert.All(results, r => Assert.Equal(3, r.TaskOutputs.Count));
        var silos = new HashSet<string>();
        foreach (var topic in topics)
        {
            var calls = _cluster.Script.CallsOf(topic);
            Assert.Equal(3, calls.Count);
            var where = Assert.Single(calls.Select(c => c.Where).Distinct());
            Assert.NotEqual("client", where);
            silos.Add(where);
        }

        Assert.True(silos.Count > 1, $"every execution ran on {string.Join(", ", silos)}");
    }

    // A safety net only: each finishes in seconds.
    [Fact(Timeout = 60_000)]
    public async Task Canceling_the_client_handle_cancels_the_execution_on_its_silo()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = ModelScript.NewTopic();
        var callCanceled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cluster.Script.On(topic, async (_, token) =>
        {
            using var registration = token.Register(() => callCanceled.TrySetResult());
            await Task.Delay(Timeout.Infinite, token);
        });

        var handle = await _cluster.Client.StartBackgroundAsync(ClusterCrew.Definition, new ClusterTopic(topic), cancellationToken: ct);
        await _cluster.Script.Entered(topic).WaitAsync(ct);
        handle.Cancel();

        Assert.Equal(ExecutionStatus.Canceled, await handle.WaitAsync(ct));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(ct));
        await callCanceled.Task.WaitAsync(ct);
        var reports = await _cluster.WatchToEndAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Canceled, reports[^1].Status);
        Assert.Equal(ExecutionStatus.Canceled, (await _cluster.Client.GetExecutionAsync(handle.ExecutionId, ct)).Status);
        Assert.Single(_cluster.Script.CallsOf(topic));
    }

    // A safety net only: each finishes in seconds.
    [Fact(Timeout = 60_000)]
    public async Task A_failure_on_the_silo_is_the_client_handles_failure_with_the_stored_error_and_a_resume_from_the_client_finishes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = ModelScript.NewTopic();
        _cluster.Script.On(topic, (call, _) => call.Index == 2 ? throw new InvalidOperationException("The model refused the second call.") : Task.CompletedTask);

        var handle = await _cluster.Client.StartBackgroundAsync(ClusterCrew.Definition, new ClusterTopic(topic), cancellationToken: ct);
        var failure = await Assert.ThrowsAsync<ExecutionException>(() => handle.ResultAsync(ct));

        Assert.Equal(ExecutionStatus.Failed, handle.Status);
        Assert.Contains("failed on its worker", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The model refused the second call.", failure.Message, StringComparison.Ordinal);
        var record = await _cluster.Client.GetExecutionAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Failed, record.Status);
        Assert.Contains("The model refused the second call.", record.Error?.Message, StringComparison.Ordinal);
        Assert.Single(record.TaskOutputs);

        var resumed = await _cluster.Client.ResumeAsync(ClusterCrew.Definition, handle.ExecutionId, cancellationToken: ct);
        var result = await resumed.ResultAsync(ct);

        Assert.Equal(3, result.TaskOutputs.Count);
        Assert.Equal(ExecutionStatus.Succeeded, (await _cluster.Client.GetExecutionAsync(handle.ExecutionId, ct)).Status);
        var calls = _cluster.Script.CallsOf(topic);
        Assert.Equal(4, calls.Count);
        Assert.DoesNotContain(calls, c => c.Where == "client");
    }

    // A safety net only: each finishes in seconds.
    [Fact(Timeout = 60_000)]
    public async Task A_silo_looks_up_and_resumes_an_execution_the_client_started_and_follows_the_same_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = ModelScript.NewTopic();
        var gate = _cluster.Script.Gate(topic);
        var handle = await _cluster.Client.StartBackgroundAsync(ClusterCrew.Definition, new ClusterTopic(topic), cancellationToken: ct);
        await _cluster.Script.Entered(topic).WaitAsync(ct);
        var elsewhere = _cluster.SessionOf(_cluster.Cluster.Silos[^1]);

        var seen = await elsewhere.GetExecutionAsync(handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Running, seen.Status);
        Assert.Equal("ClusterCrew", seen.CrewName);

        // A resume while it runs follows the run on its silo: no second run.
        var followed = await elsewhere.ResumeAsync(ClusterCrew.Definition, handle.ExecutionId, cancellationToken: ct);
        gate.SetResult();
        var fromSilo = await followed.ResultAsync(ct);
        var fromClient = await handle.ResultAsync(ct);

        Assert.Equal(fromClient.Output, fromSilo.Output);
        Assert.Equal(3, _cluster.Script.CallsOf(topic).Count);

        // A resume of the finished execution, by id and crew name, returns its stored result.
        var again = await elsewhere.ResumeAsync(handle.ExecutionId, cancellationToken: ct);
        Assert.Equal(fromClient.Output, (await again.ResultAsync(ct)).Output);
        Assert.Equal(3, _cluster.Script.CallsOf(topic).Count);
    }
}
