using System;
using System.Threading;
using Amsha.Generated;

namespace Amsha;

/// <summary>Retry, backoff and circuit-breaker options of the LLM call path (<c>Amsha:Llm:Resilience</c>).</summary>
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

    private LlmCallOptions? _crewCalls;

    /// <summary>The attempts and time limits crew task calls use (made again only when a setting changed since).</summary>
    internal LlmCallOptions CrewCalls
    {
        get
        {
            var calls = Volatile.Read(ref _crewCalls);
            if (calls is null || calls.MaxAttempts != MaxAttempts || calls.AttemptTimeout != AttemptTimeout || calls.TotalTimeout != TotalTimeout)
            {
                calls = new LlmCallOptions(MaxAttempts, AttemptTimeout, TotalTimeout);
                Volatile.Write(ref _crewCalls, calls);
            }

            return calls;
        }
    }
}
