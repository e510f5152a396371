using System;
using System.Globalization;
using System.Threading;
using Polly.CircuitBreaker;

namespace Amsha;

/// <summary>
/// One use case's circuit breaker, with the semantics of Polly's advanced breaker: closed, it counts the attempts of
/// the last <see cref="LlmResilienceOptions.CircuitBreakerSamplingDuration"/> (in ten slices) and opens when at least
/// <see cref="LlmResilienceOptions.CircuitBreakerMinimumThroughput"/> of them were made and the share of provider
/// faults among them reached <see cref="LlmResilienceOptions.CircuitBreakerFailureRatio"/>. Open, it refuses attempts
/// with <see cref="BrokenCircuitException"/> for <see cref="LlmResilienceOptions.CircuitBreakerBreakDuration"/>; then
/// one attempt probes (half-open): its success closes the circuit, its fault opens it for a full break.
/// </summary>
/// <remarks>
/// An attempt enters (<see cref="TryEnter"/>) and then ends with <see cref="Succeeded(bool)"/>, <see cref="Failed"/> or, when
/// its caller canceled it, <see cref="Abandoned"/>, which counts neither way. While the circuit is closed, entering and
/// succeeding take no lock (a state read and one interlocked count), so concurrent calls of one use case do not queue
/// on the breaker; everything else is a few field updates under one lock.
/// </remarks>
internal sealed class LlmCircuitBreaker
{
    private const int Slices = 10;

    private readonly object _gate = new();
    private readonly LlmResilienceOptions _options;
    private readonly TimeProvider _time;
    private readonly long _sliceTicks;
    private readonly long _breakTicks;
    private readonly (long Start, int Attempts, int Failures)[] _slices = new (long, int, int)[Slices];
    private volatile LlmCircuitState _state = LlmCircuitState.Closed;
    private long _openUntil;
    private bool _probing;

    public LlmCircuitBreaker(LlmResilienceOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _sliceTicks = Math.Max(1, ToTimestampTicks(options.CircuitBreakerSamplingDuration, time) / Slices);
        _breakTicks = ToTimestampTicks(options.CircuitBreakerBreakDuration, time);
    }

    /// <summary>The circuit's state now (an open circuit whose break is over reads half-open: its next attempt probes).</summary>
    public LlmCircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state == LlmCircuitState.Open && _time.GetTimestamp() >= _openUntil ? LlmCircuitState.HalfOpen : _state;
            }
        }
    }

    /// <summary>Lets an attempt through, or says why not; <paramref name="probe"/> is true for the half-open circuit's one trial attempt.</summary>
    public bool TryEnter(out bool probe, out BrokenCircuitException? refused)
    {
        probe = false;
        refused = null;

        // A state read a moment stale lets through an attempt that would have come a moment earlier anyway.
        if (_state == LlmCircuitState.Closed)
        {
            return true;
        }

        lock (_gate)
        {
            if (_state == LlmCircuitState.Closed)
            {
                return true;
            }

            var now = _time.GetTimestamp();
            if (_state == LlmCircuitState.Open && now >= _openUntil)
            {
                _state = LlmCircuitState.HalfOpen;
            }

            if (_state == LlmCircuitState.HalfOpen && !_probing)
            {
                _probing = probe = true;
                return true;
            }

            if (_state == LlmCircuitState.Open)
            {
                var retryAfter = _time.GetElapsedTime(now, _openUntil);
                refused = new BrokenCircuitException(
                    string.Create(CultureInfo.InvariantCulture, $"The circuit is open and is not allowing calls for {retryAfter.TotalSeconds:0.###} s more."),
                    retryAfter);
            }
            else
            {
                refused = new BrokenCircuitException("The circuit is half-open: a trial call is under way, and other calls are refused until it ends.", TimeSpan.Zero);
            }

            return false;
        }
    }

    /// <summary>The attempt got an answer, or a fault that is not the provider's (a 400, a 401): neither counts against the provider.</summary>
    public void Succeeded(bool probe) => Succeeded(probe, _time.GetTimestamp());

    /// <summary>
    /// As <see cref="Succeeded(bool)"/>, counted at <paramref name="at"/>, a timestamp its caller already read (for an
    /// attempt answered before it returned, its start): the closed circuit then counts it without a clock read. A
    /// timestamp whose slice has left the window is counted now instead.
    /// </summary>
    public void Succeeded(bool probe, long at)
    {
        if (!probe && _state == LlmCircuitState.Closed && TryCountInCurrentSlice(at))
        {
            return;
        }

        lock (_gate)
        {
            if (probe)
            {
                _probing = false;
                Array.Clear(_slices);
                _state = LlmCircuitState.Closed;
                return;
            }

            if (_state == LlmCircuitState.Closed)
            {
                Interlocked.Increment(ref Current(_time.GetTimestamp()).Attempts);
            }
        }
    }

    /// <summary>The attempt failed with a provider fault (transient: 408, 429, 5xx, timeouts, connection errors).</summary>
    public void Failed(bool probe)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (probe)
            {
                _probing = false;
                Open(now);
                return;
            }

            if (_state != LlmCircuitState.Closed)
            {
                return;
            }

            ref var slice = ref Current(now);
            Interlocked.Increment(ref slice.Attempts);
            slice.Failures++;
            var (attempts, failures) = Window(now);
            if (attempts >= _options.CircuitBreakerMinimumThroughput && failures >= _options.CircuitBreakerFailureRatio * attempts)
            {
                Open(now);
            }
        }
    }

    /// <summary>The caller canceled the attempt: it says nothing about the provider; a probe leaves the next attempt to probe.</summary>
    public void Abandoned(bool probe)
    {
        if (probe)
        {
            lock (_gate)
            {
                _probing = false;
            }
        }
    }

    private void Open(long now)
    {
        _state = LlmCircuitState.Open;
        _openUntil = now + _breakTicks;
        Array.Clear(_slices);
    }

    // The slice that holds now, started afresh when the one in its place is older than the window. Called under the
    // lock; the counts are cleared before the start is published, so a success counted without the lock (which checks
    // the start first) lands in the new slice, never in counts about to be cleared.
    private ref (long Start, int Attempts, int Failures) Current(long now)
    {
        ref var slice = ref SliceAt(now, out var start);
        if (Volatile.Read(ref slice.Start) != start)
        {
            Volatile.Write(ref slice.Attempts, 0);
            Volatile.Write(ref slice.Failures, 0);
            Volatile.Write(ref slice.Start, start);
        }

        return ref slice;
    }

    // A success of the closed circuit, counted without the lock when its slice is already the current one.
    private bool TryCountInCurrentSlice(long now)
    {
        ref var slice = ref SliceAt(now, out var start);
        if (Volatile.Read(ref slice.Start) != start)
        {
            return false;
        }

        Interlocked.Increment(ref slice.Attempts);
        return true;
    }

    // The place of the slice that holds now, and the start that slice has when it is the current one.
    private ref (long Start, int Attempts, int Failures) SliceAt(long now, out long start)
    {
        start = now - (now % _sliceTicks);
        return ref _slices[(int)((start / _sliceTicks) % Slices)];
    }

    private (int Attempts, int Failures) Window(long now)
    {
        var oldest = now - (_sliceTicks * Slices);
        int attempts = 0, failures = 0;
        foreach (var slice in _slices)
        {
            if (slice.Start > oldest)
            {
                attempts += slice.Attempts;
                failures += slice.Failures;
            }
        }

        return (attempts, failures);
    }

    private static long ToTimestampTicks(TimeSpan duration, TimeProvider time) =>
        (long)(duration.TotalSeconds * time.TimestampFrequency);
}
