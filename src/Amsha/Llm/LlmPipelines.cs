using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;

namespace Amsha;

/// <summary>
/// The resilience of one <see cref="LlmFactory"/>'s calls: a circuit breaker per use case
/// (<see cref="LlmCircuitBreaker"/>) and Polly retry pipelines, one per number of attempts, built on first use and
/// reused. Order, outside in: the call's total timeout, retry, circuit breaker, the attempt timeout. The timeouts are
/// applied by the call path itself (<see cref="DeferredTimeout"/>, so that a call answered at once arms no timer), and
/// a call's first attempt runs outside the retry pipeline, which only a fault that may be retried enters.
/// </summary>
internal sealed class LlmPipelines
{
    public static readonly ResiliencePropertyKey<LlmCallState> StateKey = new("amsha.llm.call");

    private static readonly TimeSpan s_minimumTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maximumTimeout = TimeSpan.FromDays(1);

    private readonly LlmOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, LlmCircuitBreaker> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<int, ResiliencePipeline<ChatResponse>> _retries = new();

    /// <param name="options">The use cases' resilience options.</param>
    /// <param name="timeProvider">The clock of every delay, timeout and break (tests control it).</param>
    public LlmPipelines(LlmOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>How many retry pipelines have been built; tests check that calls reuse them.</summary>
    public int Count => _retries.Count;

    /// <summary>The retry pipeline of calls with <paramref name="maxAttempts"/> attempts; null for a single attempt.</summary>
    public ResiliencePipeline<ChatResponse>? Retry(int maxAttempts) =>
        maxAttempts <= 1 ? null : _retries.GetOrAdd(maxAttempts, static (attempts, self) => self.BuildRetry(attempts), this);

    /// <summary>The circuit breaker of <paramref name="useCase"/>, one per use case whatever the case of its name.</summary>
    public LlmCircuitBreaker Breaker(string useCase) =>
        _breakers.GetOrAdd(useCase, static (_, self) => new LlmCircuitBreaker(self._options.Resilience, self._timeProvider), this);

    /// <summary>The state of <paramref name="useCase"/>'s breaker; closed when no call has been made.</summary>
    public LlmCircuitState CircuitState(string useCase) =>
        _breakers.TryGetValue(useCase, out var breaker) ? breaker.State : LlmCircuitState.Closed;

    /// <summary>Whether the circuit breaker counts <paramref name="exception"/> against the provider.</summary>
    public static bool IsProviderFault(Exception exception, CancellationToken callToken) =>
        !IsCallerCancellation(exception, callToken) && LlmFault.Classify(exception).Transient;

    private ResiliencePipeline<ChatResponse> BuildRetry(int maxAttempts)
    {
        var resilience = _options.Resilience;
        return new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions<ChatResponse>
            {
                MaxRetryAttempts = maxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = resilience.UseJitter,
                Delay = resilience.BaseDelay,
                MaxDelay = resilience.MaxDelay,
                ShouldHandle = static args => new ValueTask<bool>(ShouldRetry(args.Outcome.Exception, args.Context)),
                DelayGenerator = args =>
                {
                    // Retry-After wins over the backoff, capped so a hostile header cannot park the call.
                    var retryAfter = LlmFault.Classify(args.Outcome.Exception).RetryAfter;
                    TimeSpan? delay = retryAfter is { } wait ? (wait > resilience.MaxDelay ? resilience.MaxDelay : wait) : null;
                    return new ValueTask<TimeSpan?>(delay);
                },
                OnRetry = static args =>
                {
                    if (args.Context.Properties.TryGetValue(StateKey, out var state))
                    {
                        state.OnRetry(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    }

                    return default;
                },
            })
            .Build();
    }

    private static bool ShouldRetry(Exception? exception, ResilienceContext context)
    {
        if (exception is null || IsCallerCancellation(exception, context.CancellationToken))
        {
            return false;
        }

        // Once a token reached the caller, a new attempt would repeat text already delivered.
        if (context.Properties.TryGetValue(StateKey, out var state) && state.Delivered)
        {
            return false;
        }

        return LlmFault.Classify(exception).Transient;
    }

    private static bool IsCallerCancellation(Exception exception, CancellationToken callToken) =>
        exception is OperationCanceledException && callToken.IsCancellationRequested;

    /// <summary><paramref name="timeout"/> within the limits a timer takes (10 ms to one day).</summary>
    public static TimeSpan Clamp(TimeSpan timeout) =>
        timeout < s_minimumTimeout ? s_minimumTimeout : timeout > s_maximumTimeout ? s_maximumTimeout : timeout;
}

/// <summary>Per-call state the cached pipeline reaches through the resilience context.</summary>
/// <remarks>
/// No lock: a call's attempts never overlap. Each attempt ends before the next one starts (the retry awaits it, and
/// <see cref="DeferredTimeout"/> awaits the work it cancels) and before the call reads its totals, and the awaits
/// order each attempt's writes before what follows. Uncontended, the lock cost about a tenth of a zero-latency call.
/// </remarks>
internal abstract class LlmCallState
{
    private TokenUsage _usage = TokenUsage.Zero;
    private TokenUsage _unreported = TokenUsage.Zero;

    public bool Delivered;

    public int Attempts;

    /// <summary>Tokens of all attempts so far.</summary>
    public TokenUsage Usage => _usage;

    public void AddAttemptUsage(TokenUsage usage)
    {
        _usage += usage;
        _unreported += usage;
    }

    /// <summary>The tokens of the attempts no event has reported yet; each token is reported by exactly one event.</summary>
    public TokenUsage TakeUnreportedUsage()
    {
        var usage = _unreported;
        _unreported = TokenUsage.Zero;
        return usage;
    }

    /// <summary>Reports a retry of the call (its telemetry and events).</summary>
    public abstract void OnRetry(int attempt, TimeSpan delay, Exception? exception);
}
