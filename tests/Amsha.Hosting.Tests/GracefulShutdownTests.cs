using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Amsha.Hosting.Tests;

public sealed class GracefulShutdownTests
{
    private static readonly HostTopic Input = new("compost");

    [Fact]
    public async Task Stopping_the_host_stores_a_background_execution_Interrupted_and_a_later_host_resumes_only_the_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var model = new SteppedChatClient();
        string executionId;
        ExecutionHandle<string> handle;
        var events = new ConcurrentQueue<ExecutionEvent>();
        var workflowSpans = new ConcurrentQueue<System.Diagnostics.Activity>();
        using var spans = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Amsha",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName == "invoke_workflow HostCrew")
                {
                    workflowSpans.Enqueue(activity);
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(spans);
        using (var host = TestHosts.Create(model, store))
        {
            await host.StartAsync(ct);
            var session = host.Services.GetRequiredService<ExecutionSession>();
            var firstTaskStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var _ = session.Subscribe(e =>
            {
                events.Enqueue(e);
                if (e is CheckpointWrittenEvent { CompletedTasks: 1 })
                {
                    firstTaskStored.TrySetResult();
                }
            });

            handle = await session.StartBackgroundAsync(HostCrew.Definition, Input, cancellationToken: ct);
            executionId = handle.ExecutionId;
            Assert.Same(handle, session.FindRunning(executionId));
            model.Allow(1);
            await firstTaskStored.Task.WaitAsync(ct);

            await host.StopAsync(ct);

            Assert.True(session.IsStopping);
            Assert.Null(session.FindRunning(executionId));
            Assert.Equal(ExecutionStatus.Interrupted, await handle.WaitAsync(ct));
            var interrupted = await Assert.ThrowsAsync<ExecutionInterruptedException>(() => handle.ResultAsync(ct));
            Assert.True(interrupted.Recoverable);
            var suspended = Assert.IsType<ExecutionSuspendedEvent>(events.Last(e => e.ExecutionId == executionId));
            Assert.Equal(ExecutionStatus.Interrupted, suspended.Status);
            Assert.DoesNotContain(events, e => e is ExecutionFailedEvent or ExecutionCanceledEvent);

            // Telemetry reports no error either: the run is stored to resume, not failed.
            var span = Assert.Single(workflowSpans, a => a.GetTagItem("amsha.execution.id") as string == executionId);
            Assert.NotEqual(System.Diagnostics.ActivityStatusCode.Error, span.Status);
            Assert.Null(span.GetTagItem("error.type"));

            // A stopping session starts nothing more.
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.StartBackgroundAsync(HostCrew.Definition, Input, cancellationToken: ct));
            Assert.Contains("stopping", refused.Message, StringComparison.Ordinal);
        }

        var record = await store.GetAsync(executionId, ct);
        Assert.NotNull(record);
        Assert.Equal(ExecutionStatus.Interrupted, record.Status);
        Assert.Equal(["HostOutline"], record.TaskOutputs.Select(t => t.TaskName));
        Assert.DoesNotContain(record.StatusHistory, change => change.Status is ExecutionStatus.Failed or ExecutionStatus.Canceled);
        Assert.Equal(1, model.Answered);

        // The next host logs it as interrupted, resumes nothing itself, and a resume runs the two tasks left.
        var logs = new CollectingLoggerProvider();
        var nextModel = new SteppedChatClient();
        using (var host = TestHosts.Create(nextModel, store, logs))
        {
            await host.StartAsync(ct);
            Assert.Contains(logs.Messages("InterruptedExecution"), m => m.Contains(executionId, StringComparison.Ordinal) && m.Contains("1/3", StringComparison.Ordinal));
            Assert.Equal(0, nextModel.Calls);

            var session = host.Services.GetRequiredService<ExecutionSession>();
            nextModel.Allow(10);
            var resumed = await session.ResumeAsync(HostCrew.Definition, executionId, cancellationToken: ct);
            var result = await resumed.ResultAsync(ct);
            Assert.Equal(3, result.TaskOutputs.Count);
            Assert.Equal(2, nextModel.Calls);
            await host.StopAsync(ct);
        }

        Assert.Equal(ExecutionStatus.Succeeded, (await store.GetAsync(executionId, ct))!.Status);
    }

    [Fact]
    public async Task Stopping_the_host_cancels_an_interactive_execution()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = new SteppedChatClient();
        using var host = TestHosts.Create(model, new InMemoryExecutionStore());
        await host.StartAsync(ct);
        var session = host.Services.GetRequiredService<ExecutionSession>();

        var handle = session.Start(HostCrew.Definition, Input, cancellationToken: ct);
        await model.FirstCallWaiting.WaitAsync(ct);
        await host.StopAsync(ct);

        Assert.Equal(ExecutionStatus.Canceled, await handle.WaitAsync(ct));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(ct));
    }

    [Fact]
    public async Task A_shutdown_timeout_ends_the_wait_and_the_execution_still_ends_Interrupted_once_its_store_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new HoldingStore(new InMemoryExecutionStore());
        var model = new SteppedChatClient();
        var logs = new CollectingLoggerProvider();
        using var host = TestHosts.Create(model, store, logs);
        await host.StartAsync(ct);
        var session = host.Services.GetRequiredService<ExecutionSession>();
        var handle = await session.StartBackgroundAsync(HostCrew.Definition, Input, cancellationToken: ct);
        await model.FirstCallWaiting.WaitAsync(ct);

        // The store stops answering writes; the host's shutdown timeout has already passed.
        store.HoldWrites();
        var lifetime = host.Services.GetServices<IHostedService>().OfType<AmshaHostedLifetime>().Single();
        await lifetime.StopAsync(new CancellationToken(canceled: true));

        Assert.Single(logs.Messages("StopTimedOut"));
        Assert.Equal(ExecutionStatus.Running, (await store.Inner.GetAsync(handle.ExecutionId, ct))!.Status);

        store.ReleaseWrites();
        Assert.Equal(ExecutionStatus.Interrupted, await handle.WaitAsync(ct));
        Assert.Equal(ExecutionStatus.Interrupted, (await store.Inner.GetAsync(handle.ExecutionId, ct))!.Status);
    }

    [Fact]
    public async Task At_start_an_execution_left_Running_by_another_process_is_logged_as_orphaned_and_not_resumed()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();

        // A session that "dies": its run is stored Running and never goes on.
        var stuckModel = new SteppedChatClient();
        await using var dead = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(stuckModel) }, store);
        var orphan = await dead.StartBackgroundAsync(HostCrew.Definition, Input, cancellationToken: ct);
        await stuckModel.FirstCallWaiting.WaitAsync(ct);

        var logs = new CollectingLoggerProvider();
        var model = new SteppedChatClient();
        using (var host = TestHosts.Create(model, store, logs))
        {
            await host.StartAsync(ct);
            var warning = Assert.Single(logs.Messages("OrphanedExecution"));
            Assert.Contains(orphan.ExecutionId, warning, StringComparison.Ordinal);
            Assert.Contains("HostCrew", warning, StringComparison.Ordinal);
            Assert.Contains(logs.Messages("ExecutionsToResume"), m => m.StartsWith("1 orphaned and 0 interrupted", StringComparison.Ordinal));
            Assert.Equal(0, model.Calls);
            Assert.Equal(ExecutionStatus.Running, (await store.GetAsync(orphan.ExecutionId, ct))!.Status);
            await host.StopAsync(ct);
        }

        orphan.Cancel();
        await orphan.WaitAsync(ct);
    }

    [Fact]
    public async Task At_start_an_execution_whose_owner_still_holds_its_lease_is_not_an_orphan_and_one_whose_lease_expired_is()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var alive = await TestHosts.StartOwnedAsync(store, "worker-alive", DateTimeOffset.UtcNow, ct);
        var gone = await TestHosts.StartOwnedAsync(store, "worker-gone", DateTimeOffset.UtcNow.AddHours(-1), ct);

        var logs = new CollectingLoggerProvider();
        using (var host = TestHosts.Create(new SteppedChatClient(), store, logs))
        {
            await host.StartAsync(ct);
            var warning = Assert.Single(logs.Messages("OrphanedExecution"));
            Assert.Contains(gone.Handle.ExecutionId, warning, StringComparison.Ordinal);
            await host.StopAsync(ct);
        }

        foreach (var (session, handle) in new[] { alive, gone })
        {
            handle.Cancel();
            await handle.WaitAsync(ct);
            await session.DisposeAsync();
        }
    }
}
