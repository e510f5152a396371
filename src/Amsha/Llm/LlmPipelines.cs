using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Amsha;

/// <summary>
/// The resilience pipelines of one <see cref="LlmFactory"/>: one per use case and call settings,
/// built on first use and reused, all sharing the use case's single circuit breaker.
/// Order, outside in: total timeout, retry, circuit breaker, attempt timeout.
/// </summary>
internal sealed class LlmPipelines
{
    public static readonly ResiliencePropertyKey<LlmCallState> StateKey = new("amsha.llm.call");

    private static readonly TimeSpan s_minimumTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maximumTimeout = TimeSpan.FromDays(1);

    private readonly LlmOptions _options;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<ChatResponse>> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string UseCase, LlmCallSettings Settings), ResiliencePipeline<ChatResponse>> _pipelines = new();

    public LlmPipelines(LlmOptions options) => _options = options;

    /// <summary>How many pipelines have been built; tests check that calls reuse them.</summary>
    public int Count => _pipelines.Count;

    public ResiliencePipeline<ChatResponse> Get(string useCase, LlmCallSettings settings) =>
        _pipelines.GetOrAdd((useCase.ToUpperInvariant(), settings), static (key, self) => self.Build(key.UseCase, key.Settings), this);

    private ResiliencePipeline<ChatResponse> Build(string useCase, LlmCallSettings settings)
    {
        var resilience = _options.Resilience;
        var builder = new ResiliencePipelineBuilder<ChatResponse>().AddTimeout(Clamp(settings.TotalTimeout));
        if (settings.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ChatResponse>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
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

        return builder
            .AddPipeline(_breakers.GetOrAdd(useCase, static (_, options) => BuildBreaker(options), resilience))
            .AddTimeout(Clamp(settings.AttemptTimeout))
            .Build();
    }

    private static ResiliencePipeline<ChatResponse> BuildBreaker(LlmResilienceOptions options) =>
        new ResiliencePipelineBuilder<ChatResponse>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ChatResponse>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,

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

    private static TimeSpan Clamp(TimeSpan timeout) =>
        timeout < s_minimumTimeout ? s_minimumTimeout : timeout > s_maximumTimeout ? s_maximumTimeout : timeout;
}

/// <summary>Per-call state the cached pipeline reaches through the resilience context.</summary>
internal sealed class LlmCallState
{
    public Action<int, TimeSpan, Exception?>? Retrying;

    public bool Delivered;

    public int Attempts;

    public TokenUsage Usage = TokenUsage.Zero;

    public TokenUsage LastAttemptUsage = TokenUsage.Zero;

    public void OnRetry(int attempt, TimeSpan delay, Exception? exception) => Retrying?.Invoke(attempt, delay, exception);
}
