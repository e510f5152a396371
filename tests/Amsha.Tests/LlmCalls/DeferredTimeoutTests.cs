using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace Amsha.Tests.LlmCalls;

/// <summary>
/// The call path's timeouts: an answer that is already there arms no timer; one that waits times out after the
/// timeout counted from the start of the work, or ends with the caller's cancellation.
/// </summary>
public sealed class DeferredTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Work_that_completes_at_once_arms_no_timer()
    {
        var clock = new CountingTimeProvider();

        var answer = await DeferredTimeout.RunAsync(static (token, _) => new ValueTask<string>(token.CanBeCanceled ? "answered" : "no token"), 0, Timeout, clock, CancellationToken.None);

        Assert.Equal("answered", answer);
        Assert.Equal(0, clock.TimersCreated);
    }

    [Fact]
    public async Task Waiting_work_times_out_after_the_timeout_counted_from_its_start()
    {
        var clock = new CountingTimeProvider();
        var canceledAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = DeferredTimeout.RunAsync(
            (token, _) =>
            {
                clock.Advance(TimeSpan.FromSeconds(10)); // the synchronous part takes a third of the timeout
                return WaitForCancellationAsync(token, clock, canceledAt);
            },
            0,
            Timeout,
            clock,
            CancellationToken.None).AsTask();

        Assert.Equal(1, clock.TimersCreated);
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.False(running.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var rejected = await Assert.ThrowsAsync<TimeoutRejectedException>(() => running);
        Assert.Equal(Timeout, rejected.Timeout);
        Assert.IsAssignableFrom<OperationCanceledException>(rejected.InnerException);
        Assert.Equal(clock.Start + Timeout, await canceledAt.Task);
    }

    [Fact]
    public async Task Work_given_the_start_its_caller_read_times_out_the_timeout_after_that_start()
    {
        var clock = new CountingTimeProvider();
        var started = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromSeconds(10)); // the caller's own work before this one, within the same timeout

        var running = DeferredTimeout.RunAsync((token, _) => WaitForCancellationAsync(token, clock, null), 0, Timeout, clock, started, CancellationToken.None).AsTask();

        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.False(running.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var rejected = await Assert.ThrowsAsync<TimeoutRejectedException>(() => running);
        Assert.Equal(Timeout, rejected.Timeout);
    }

    [Fact]
    public async Task The_callers_cancellation_reaches_waiting_work_and_is_not_a_timeout()
    {
        var clock = new CountingTimeProvider();
        using var caller = new CancellationTokenSource();
        var running = DeferredTimeout.RunAsync((token, _) => WaitForCancellationAsync(token, clock, null), 0, Timeout, clock, caller.Token).AsTask();

        await caller.CancelAsync();

        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.IsNotType<TimeoutRejectedException>(canceled);
    }

    [Fact]
    public async Task Work_is_not_started_for_a_caller_that_has_already_canceled()
    {
        var started = false;
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await DeferredTimeout.RunAsync((_, _) => { started = true; return new ValueTask<int>(1); }, 0, Timeout, TimeProvider.System, caller.Token));

        Assert.False(started);
    }

    [Fact]
    public async Task After_a_timeout_the_next_work_gets_a_token_that_is_not_canceled()
    {
        var clock = new CountingTimeProvider();
        var running = DeferredTimeout.RunAsync((token, _) => WaitForCancellationAsync(token, clock, null), 0, Timeout, clock, CancellationToken.None).AsTask();
        clock.Advance(Timeout);
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => running);

        // The canceled source must not be reused on this thread: the next call would start canceled.
        var next = await DeferredTimeout.RunAsync(static (token, _) => new ValueTask<bool>(token.IsCancellationRequested), 0, Timeout, clock, CancellationToken.None);

        Assert.False(next);
    }

    [Fact]
    public async Task A_timeout_inside_another_gets_a_source_of_its_own_every_time()
    {
        // A call's total timeout holds one source while its attempt's takes another; reused sources must never be shared.
        for (var i = 0; i < 3; i++)
        {
            var distinct = await DeferredTimeout.RunAsync(
                static (outer, _) => DeferredTimeout.RunAsync(static (inner, o) => new ValueTask<bool>(inner != o), outer, Timeout, TimeProvider.System, outer),
                0,
                Timeout,
                TimeProvider.System,
                CancellationToken.None);

            Assert.True(distinct);
        }
    }

    [Fact]
    public async Task Work_that_answers_before_the_timeout_is_not_canceled_when_the_clock_passes_it()
    {
        var clock = new CountingTimeProvider();
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken seen = default;
        var running = DeferredTimeout.RunAsync((token, _) => { seen = token; return new ValueTask<string>(answer.Task); }, 0, Timeout, clock, CancellationToken.None).AsTask();

        answer.SetResult("in time");
        Assert.Equal("in time", await running);
        clock.Advance(Timeout * 2);

        Assert.False(seen.IsCancellationRequested);
    }

    [Fact]
    public async Task A_timer_that_fires_as_the_work_answers_cancels_nothing_that_runs_after_it()
    {
        // Once failed in CI on a busy machine: a call's first attempt failed with a timeout before its request left, as
        // its token came from a reused source that a previous call's late timer callback canceled.
        var clock = new LateFiringTimeProvider();
        var answer = new TaskCompletionSource<string>(); // continuations inline: the work's source is let go on this thread
        var running = DeferredTimeout.RunAsync((_, _) => new ValueTask<string>(answer.Task), 0, Timeout, clock, CancellationToken.None);

        // The timer fires just as the answer arrives: its callback is on its way when the work completes, and runs after.
        answer.SetResult("in time");
        Assert.True(running.IsCompletedSuccessfully);
        clock.RunLateCallbacks();

        var next = DeferredTimeout.RunAsync(static (token, _) => new ValueTask<bool>(token.IsCancellationRequested), 0, Timeout, clock, CancellationToken.None);

        Assert.Equal("in time", await running);
        Assert.False(await next);
    }

    private static async ValueTask<string> WaitForCancellationAsync(CancellationToken token, TimeProvider clock, TaskCompletionSource<DateTimeOffset>? canceledAt)
    {
        using var _ = token.Register(() => canceledAt?.TrySetResult(clock.GetUtcNow()));
        await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
        return "never";
    }

    private sealed class CountingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero))
    {
        private int _timersCreated;

        public int TimersCreated => Volatile.Read(ref _timersCreated);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timersCreated);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>Timers whose callbacks run only when told, even after the timer was disposed (a callback already on its way).</summary>
    private sealed class LateFiringTimeProvider : TimeProvider
    {
        private readonly System.Collections.Generic.List<(TimerCallback Callback, object? State)> _armed = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _armed.Add((callback, state));
            return new InertTimer();
        }

        public void RunLateCallbacks()
        {
            Assert.NotEmpty(_armed);
            foreach (var (callback, state) in _armed)
            {
                callback(state);
            }
        }

        private sealed class InertTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => default;
        }
    }
}
