using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Amsha;

/// <summary>
/// The resilience pipelines of one <see cref="LlmFactory"/>: one per use case and call options,
/// built on first use and reused, all sharing the use case's single circuit breaker.
/// Order, outside in: (the call's total timeout,) retry, circuit breaker, (the attempt timeout). The two timeouts are
/// applied by the call path itself around the pipeline and around each attempt (<see cref="DeferredTimeout"/>), so
/// that a call answered at once arms no timer.
/// </summary>
internal sealed class LlmPipelines
{
    public static readonly ResiliencePropertyKey<LlmCallState> StateKey = new("amsha.llm.call");

    private static readonly TimeSpan s_minimumTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maximumTimeout = TimeSpan.FromDays(1);

    private readonly LlmOptions _options;
    private readonly TimeProvider _timeProvider;
    // One breaker per use case and its state provider, made exactly once: a provider belongs to one breaker, and
    // GetOrAdd may run a factory twice when two calls of a new use case race.
    private readonly ConcurrentDictionary<string, Lazy<(ResiliencePipeline<ChatResponse> Pipeline, CircuitBreakerStateProvider State)>> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string UseCase, LlmCallOptions CallOptions), ResiliencePipeline<ChatResponse>> _pipelines = new();

    /// <param name="options">The use cases' resilience options.</param>
    /// <param name="timeProvider">The clock of every delay and timeout (tests control it).</param>
    public LlmPipelines(LlmOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>How many pipelines have been built; tests check that calls reuse them.</summary>
    public int Count => _pipelines.Count;

    public ResiliencePipeline<ChatResponse> Get(string useCase, LlmCallOptions callOptions) =>
        _pipelines.GetOrAdd((useCase.ToUpperInvariant(), callOptions), static (key, self) => self.Build(key.UseCase, key.CallOptions), this);

    private ResiliencePipeline<ChatResponse> Build(string useCase, LlmCallOptions callOptions)
    {
        var resilience = _options.Resilience;
        var builder = new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = _timeProvider };
        if (callOptions.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ChatResponse>
            {
                MaxRetryAttempts = callOptions.MaxAttempts - 1,
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
            });
        }

        return builder.AddPipeline(Breaker(useCase).Pipeline).Build();
    }

    /// <summary>The state of <paramref name="useCase"/>'s breaker; closed when it has not been built (no call yet).</summary>
    public LlmCircuitState CircuitState(string useCase) =>
        _breakers.TryGetValue(useCase, out var breaker) && breaker.IsValueCreated
            ? breaker.Value.State.CircuitState switch
            {
                Polly.CircuitBreaker.CircuitState.Open => LlmCircuitState.Open,
                Polly.CircuitBreaker.CircuitState.HalfOpen => LlmCircuitState.HalfOpen,
                Polly.CircuitBreaker.CircuitState.Isolated => LlmCircuitState.Isolated,
                _ => LlmCircuitState.Closed,
            }
            : LlmCircuitState.Closed;

    private (ResiliencePipeline<ChatResponse> Pipeline, CircuitBreakerStateProvider State) Breaker(string useCase) =>
        _breakers.GetOrAdd(
            useCase,
            static (_, self) => new Lazy<(ResiliencePipeline<ChatResponse>, CircuitBreakerStateProvider)>(() =>
            {
                var state = new CircuitBreakerStateProvider();
                return (BuildBreaker(self._options.Resilience, self._timeProvider, state), state);
            }),
            this).Value;

    private static ResiliencePipeline<ChatResponse> BuildBreaker(LlmResilienceOptions options, TimeProvider timeProvider, CircuitBreakerStateProvider state) =>
        new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ChatResponse>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                StateProvider = state,

                // Only the provider's trouble counts against it, not the caller's (400, 401, cancellation).
                ShouldHandle = static args => new ValueTask<bool>(
                    args.Outcome.Exception is { } ex && !IsCallerCancellation(ex, args.Context) && LlmFault.Classify(ex).Transient),
            })
            .Build();

    private static bool ShouldRetry(Exception? exception, ResilienceContext context)
    {
        if (exception is null || IsCallerCancellation(exception, context))
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

    private static bool IsCallerCancellation(Exception exception, ResilienceContext context) =>
        exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested;

    /// <summary><paramref name="timeout"/> within the limits a timer takes (10 ms to one day).</summary>
    public static TimeSpan Clamp(TimeSpan timeout) =>
        timeout < s_minimumTimeout ? s_minimumTimeout : timeout > s_maximumTimeout ? s_maximumTimeout : timeout;
}

/// <summary>Reports a call's retries (its telemetry and events).</summary>
internal interface ILlmRetryObserver
{
    void OnRetry(int attempt, TimeSpan delay, Exception? exception);
}

/// <summary>Per-call state the cached pipeline reaches through the resilience context.</summary>
internal sealed class LlmCallState
{
    private readonly object _gate = new();
    private TokenUsage _usage = TokenUsage.Zero;
    private TokenUsage _unreported = TokenUsage.Zero;

    public ILlmRetryObserver? Retrying;

    public bool Delivered;

    public int Attempts;

    /// <summary>Tokens of all attempts so far.</summary>
    public TokenUsage Usage
    {
        get { lock (_gate) { return _usage; } }
    }

    public void AddAttemptUsage(TokenUsage usage)
    {
        lock (_gate)
        {
            _usage += usage;
            _unreported += usage;
        }
    }

    /// <summary>The tokens of the attempts no event has reported yet; each token is reported by exactly one event.</summary>
    public TokenUsage TakeUnreportedUsage()
    {
        lock (_gate)
        {
            var usage = _unreported;
            _unreported = TokenUsage.Zero;
            return usage;
        }
    }

    public void OnRetry(int attempt, TimeSpan delay, Exception? exception) => Retrying?.OnRetry(attempt, delay, exception);
}
