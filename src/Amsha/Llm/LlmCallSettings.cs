using System;

namespace Amsha;

/// <summary>
/// The resilience settings of one call site: attempts and time limits. Generated
/// <c>[AmshaLlmCall]</c> methods hold one per method; crews use <see cref="LlmResilienceOptions"/>.
/// The call path builds one resilience pipeline per use case and settings, and reuses it.
/// </summary>
/// <param name="MaxAttempts">Attempts in all, the first included (at least 1).</param>
/// <param name="AttemptTimeout">Time limit of one attempt.</param>
/// <param name="TotalTimeout">Time limit of all attempts and waits together.</param>
public sealed record LlmCallSettings(int MaxAttempts, TimeSpan AttemptTimeout, TimeSpan TotalTimeout)
{
    /// <summary>The defaults: 3 attempts, 100 s per attempt, 300 s in all.</summary>
    public static LlmCallSettings Default { get; } = new(3, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(300));

    /// <summary>Settings from seconds, as the <c>[AmshaLlmCall]</c> attribute states them.</summary>
    public static LlmCallSettings FromSeconds(int maxAttempts, double timeoutSeconds, double totalTimeoutSeconds) =>
        new(maxAttempts, TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(totalTimeoutSeconds));

    internal void Validate(string where)
    {
        if (MaxAttempts < 1 || AttemptTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero || TotalTimeout < AttemptTimeout)
        {
            throw new ArgumentException($"Invalid LLM call settings for {where}: MaxAttempts must be at least 1 (is {MaxAttempts}), the attempt timeout ({AttemptTimeout}) and total timeout ({TotalTimeout}) positive, and the total at least the attempt timeout.");
        }
    }
}

/// <summary>Retry, backoff and circuit-breaker settings (<c>Amsha:Llm:Resilience</c>).</summary>
public sealed class LlmResilienceOptions
{
    /// <summary>Attempts in all for crew task calls, the first included. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Time limit of one attempt of a crew task call. Default 100 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Time limit of a crew task call, all attempts together. Default 300 s.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>The first backoff delay; it doubles with every retry. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay, also the cap on a server's <c>Retry-After</c>. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether backoff delays get random jitter. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Failure ratio (0..1] within <see cref="CircuitBreakerSamplingDuration"/> that opens a use case's circuit. Default 0.5.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within the sampling window before the breaker may open. Default 10.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window the failure ratio is measured over. Default 30 s.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects calls before it lets one probe through (half-open). Default 15 s.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The settings crew task calls use.</summary>
    public LlmCallSettings CrewCallSettings => new(MaxAttempts, AttemptTimeout, TotalTimeout);
}
