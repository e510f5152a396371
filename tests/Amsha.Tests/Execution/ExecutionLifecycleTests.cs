using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

public sealed class ExecutionLifecycleTests
{
    [Fact]
    public async Task Status_goes_from_pending_or_running_to_succeeded()
    {
        var gate = new GatedChatClient(new OfflineChatClient());
        var handle = TestCrews.Session(gate).Start(TestCrews.ResearchAndWrite(), "Rust");

        Assert.Contains(handle.Status, new[] { ExecutionStatus.Pending, ExecutionStatus.Running });
        Assert.Equal(ExecutionMode.Interactive, handle.Mode);

        // The first task has started and waits at the gate: the execution is running.
        await TestCrews.ReadUntilAsync<TaskStartedEvent, string>(handle);
        Assert.Equal(ExecutionStatus.Running, handle.Status);
        Assert.Equal(new ExecutionProgress(0, 2, "Research"), handle.Progress);

        gate.Open();
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Equal(handle.ExecutionId, result.ExecutionId);
        Assert.Equal(2, handle.Progress.CompletedTasks);
        Assert.Equal(1d, handle.Progress.Fraction);
    }

    [Fact]
    public async Task Background_execution_runs_to_success_and_is_pollable()
    {
        var handle = new ExecutionSession().StartBackground(TestCrews.ResearchAndWrite(), "Go");

        Assert.Equal(ExecutionMode.Background, handle.Mode);
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Equal("ResearchAndWrite", result.CrewName);
        Assert.Equal(new[] { "Research", "Write" }, result.TaskOutputs.Select(o => o.TaskName));
        Assert.Equal(result.TaskOutputs[1].Text, result.Output);
    }

    [Fact]
    public async Task Model_exception_fails_the_execution_with_its_id()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { Responder = _ => throw new InvalidOperationException("model exploded") });
        var handle = TestCrews.Session(client).Start(TestCrews.ResearchAndWrite(), "Rust");

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => handle.ResultWithinTimeoutAsync());

        Assert.Equal(ExecutionStatus.Failed, handle.Status);
        Assert.Equal(handle.ExecutionId, error.ExecutionId);
        Assert.Equal(ExecutionMode.Interactive, error.Mode);
        Assert.False(error.Recoverable);
        // The call path reports the provider's fault by kind and (scrubbed) message, without retrying it.
        var callError = Assert.IsType<LlmCallException>(error);
        Assert.Contains("InvalidOperationException", callError.ErrorType);
        Assert.Equal(1, callError.Attempts);
        Assert.Contains("model exploded", error.Message);

        var events = await TestCrews.ReadAllEventsAsync(handle);
        var failed = Assert.IsType<ExecutionFailedEvent>(events[^1]);
        Assert.Contains("InvalidOperationException", failed.ErrorType);
        Assert.DoesNotContain(events, e => e is TaskCompletedEvent or ExecutionCompletedEvent);
    }

    [Fact]
    public async Task Transient_model_failure_is_reported_recoverable()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { Responder = _ => throw new TimeoutException("slow model") });
        var handle = TestCrews.Session(client).StartBackground(TestCrews.ResearchAndWrite(), "Rust");

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => handle.ResultWithinTimeoutAsync());

        Assert.True(error.Recoverable);
        Assert.Equal(ExecutionMode.Background, error.Mode);
    }

    [Fact]
    public async Task Cancel_through_the_handle_stops_the_execution_mid_stream()
    {
        // Long token delays: the cancellation always lands while the first answer is streaming.
        var handle = TestCrews.Session(TestCrews.Slow(TimeSpan.FromSeconds(10))).Start(TestCrews.ResearchAndWrite(), "Rust");

        var seen = await TestCrews.ReadUntilAsync<TokenDeltaEvent, string>(handle);
        handle.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultWithinTimeoutAsync());
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);

        var events = await TestCrews.ReadAllEventsAsync(handle);
        Assert.IsType<ExecutionCanceledEvent>(events[^1]);
        Assert.Equal(seen, events.Take(seen.Count));
        Assert.DoesNotContain(events, e => e is TaskCompletedEvent or ExecutionCompletedEvent or ExecutionFailedEvent);
    }

    [Fact]
    public async Task Cancel_through_the_start_token_stops_the_execution_mid_stream()
    {
        using var cancellation = new CancellationTokenSource();
        var session = TestCrews.Session(TestCrews.Slow(TimeSpan.FromSeconds(10)));
        var handle = session.Start(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: cancellation.Token);

        await TestCrews.ReadUntilAsync<TokenDeltaEvent, string>(handle);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultWithinTimeoutAsync());
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        var events = await TestCrews.ReadAllEventsAsync(handle);
        Assert.IsType<ExecutionCanceledEvent>(events[^1]);
        Assert.DoesNotContain(events, e => e is TaskCompletedEvent);
    }

    [Fact]
    public async Task Already_canceled_token_cancels_before_any_task_runs()
    {
        var client = new OfflineChatClient();
        var handle = TestCrews.Session(client).Start(TestCrews.ResearchAndWrite(), "Rust", cancellationToken: new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultWithinTimeoutAsync());

        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        Assert.Equal(0, client.CallCount);
    }

    [Fact]
    public async Task Background_execution_can_be_canceled()
    {
        var gate = new GatedChatClient(new OfflineChatClient());
        var handle = TestCrews.Session(gate).StartBackground(TestCrews.ResearchAndWrite(), "Rust");

        handle.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultWithinTimeoutAsync());
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
    }

    [Fact]
    public async Task Cancel_after_success_changes_nothing()
    {
        var handle = new ExecutionSession().Start(TestCrews.ResearchAndWrite(), "Rust");
        var result = await handle.ResultWithinTimeoutAsync();

        handle.Cancel();

        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Same(result, await handle.ResultWithinTimeoutAsync());
    }

    [Fact]
    public async Task Canceling_the_wait_does_not_cancel_the_execution()
    {
        var gate = new GatedChatClient(new OfflineChatClient());
        var handle = TestCrews.Session(gate).Start(TestCrews.ResearchAndWrite(), "Rust");

        using var stopWaiting = new CancellationTokenSource();
        var wait = handle.ResultAsync(stopWaiting.Token);
        stopWaiting.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        gate.Open();
        await handle.ResultWithinTimeoutAsync();
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
    }

    [Fact]
    public async Task RunAsync_returns_the_result_of_the_last_task()
    {
        var result = await new ExecutionSession().RunAsync(TestCrews.ResearchAndWrite(), "Rust").WaitAsync(TestCrews.Timeout);

        Assert.Equal(result.TaskOutputs[^1].Text, result.Output);
        Assert.Contains("Write about Rust", result.Output);
    }
}
