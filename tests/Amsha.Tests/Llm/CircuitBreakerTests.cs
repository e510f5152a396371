using System;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Amsha.Tests.Llm;

/// <summary>A use case's circuit breaker on a fake clock: the failure ratio over its window, the break and its one probe.</summary>
public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private LlmCircuitBreaker Breaker() => new(
        new LlmResilienceOptions
        {
            CircuitBreakerFailureRatio = 0.5,
            CircuitBreakerMinimumThroughput = 10,
            CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(30),
            CircuitBreakerBreakDuration = TimeSpan.FromSeconds(15),
        },
        _clock);

    [Fact]
    public void It_opens_when_the_window_holds_enough_attempts_and_the_failure_ratio_is_reached()
    {
        var breaker = Breaker();
        Record(breaker, succeeded: 6, failed: 4);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 4 of 10

        Record(breaker, succeeded: 0, failed: 1);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 5 of 11

        Record(breaker, succeeded: 0, failed: 1);
        Assert.Equal(LlmCircuitState.Open, breaker.State); // 6 of 12
    }

    [Fact]
    public void Failures_below_the_minimum_throughput_never_open_it()
    {
        var breaker = Breaker();

        Record(breaker, succeeded: 0, failed: 9);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Attempts_older_than_the_sampling_window_no_longer_count()
    {
        var breaker = Breaker();
        Record(breaker, succeeded: 0, failed: 9);
        _clock.Advance(TimeSpan.FromSeconds(31));

        Record(breaker, succeeded: 9, failed: 1);

        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 1 of 10 in the window, not 10 of 19
    }

    [Fact]
    public void An_open_circuit_refuses_with_the_time_left_then_lets_one_probe_through()
    {
        var breaker = Breaker();
        Record(breaker, succeeded: 0, failed: 10);
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.False(breaker.TryEnter(out _, out var refused));
        Assert.IsType<BrokenCircuitException>(refused);
        Assert.Equal(TimeSpan.FromSeconds(10), refused!.RetryAfter);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(LlmCircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryEnter(out var probe, out _));
        Assert.True(probe);
        Assert.False(breaker.TryEnter(out _, out _)); // one probe at a time

        breaker.Succeeded(probe);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter(out var after, out _));
        Assert.False(after);
    }

    [Fact]
    public void A_failed_probe_opens_it_for_a_full_break_and_an_abandoned_one_leaves_the_next_attempt_to_probe()
    {
        var breaker = Breaker();
        Record(breaker, succeeded: 0, failed: 10);
        _clock.Advance(TimeSpan.FromSeconds(15));

        Assert.True(breaker.TryEnter(out var canceled, out _));
        breaker.Abandoned(canceled);
        Assert.True(breaker.TryEnter(out var probe, out _));
        Assert.True(probe);
        breaker.Failed(probe);

        _clock.Advance(TimeSpan.FromSeconds(14.9));
        Assert.Equal(LlmCircuitState.Open, breaker.State);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(LlmCircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Successes_counted_by_concurrent_calls_without_the_lock_are_all_counted()
    {
        var breaker = Breaker();
        const int Callers = 4;
        const int Calls = 200_000;

        // Threads of their own, released together, so the counting really overlaps.
        using var start = new Barrier(Callers);
        var callers = Enumerable.Range(0, Callers).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            Record(breaker, succeeded: Calls, failed: 0);
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());

        // 800,000 successes in the window: at a failure ratio of 0.5 the circuit opens at exactly the 800,000th
        // failure. One success lost by the concurrent counting would open it a failure sooner.
        Record(breaker, succeeded: 0, failed: (Callers * Calls) - 1);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Record(breaker, succeeded: 0, failed: 1);
        Assert.Equal(LlmCircuitState.Open, breaker.State);
    }

    [Fact]
    public void A_success_counted_at_a_timestamp_the_caller_read_weighs_against_failures()
    {
        // The call path counts an attempt answered at once at its start, without reading the clock again.
        var breaker = Breaker();
        var start = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 6; i++)
        {
            Assert.True(breaker.TryEnter(out var probe, out _));
            breaker.Succeeded(probe, start);
        }

        Record(breaker, succeeded: 0, failed: 5);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 5 of 11: the six successes counted

        Record(breaker, succeeded: 0, failed: 1);
        Assert.Equal(LlmCircuitState.Open, breaker.State); // 6 of 12
    }

    [Fact]
    public void A_success_whose_timestamp_left_the_window_is_counted_now()
    {
        var breaker = Breaker();
        var longAgo = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromSeconds(31)); // the attempt's start is older than the whole sampling window
        Record(breaker, succeeded: 0, failed: 1); // the slice that holds now is in use

        for (var i = 0; i < 6; i++)
        {
            Assert.True(breaker.TryEnter(out var probe, out _));
            breaker.Succeeded(probe, longAgo);
        }

        Record(breaker, succeeded: 0, failed: 4);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 5 of 11 in the window

        Record(breaker, succeeded: 0, failed: 1);
        Assert.Equal(LlmCircuitState.Open, breaker.State); // 6 of 12: the successes were counted now, in the window
    }

    private static void Record(LlmCircuitBreaker breaker, int succeeded, int failed)
    {
        for (var i = 0; i < succeeded + failed; i++)
        {
            Assert.True(breaker.TryEnter(out var probe, out _));
            if (i < succeeded)
            {
                breaker.Succeeded(probe);
            }
            else
            {
                breaker.Failed(probe);
            }
        }
    }
}
