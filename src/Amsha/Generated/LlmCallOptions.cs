using System;
using System.ComponentModel;

namespace Amsha.Generated;

/// <summary>
/// The attempts and time limits of one call site. Generated <c>[AmshaLlmCall]</c> methods hold one per
/// method (from the attribute); crew tasks take theirs from <see cref="LlmResilienceOptions"/>. The call
/// path builds one resilience pipeline per use case and call options, and reuses it.
/// </summary>
/// <param name="MaxAttempts">Attempts in all, the first included (at least 1).</param>
/// <param name="AttemptTimeout">Time limit of one attempt.</param>
/// <param name="TotalTimeout">Time limit of all attempts and waits together.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record LlmCallOptions(int MaxAttempts, TimeSpan AttemptTimeout, TimeSpan TotalTimeout)
{
    /// <summary>The defaults: 3 attempts, 100 s per attempt, 300 s in all.</summary>
    public static LlmCallOptions Default { get; } = new(3, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(300));

    /// <summary>Call options from seconds, as the <c>[AmshaLlmCall]</c> attribute states them.</summary>
    public static LlmCallOptions FromSeconds(int maxAttempts, double timeoutSeconds, double totalTimeoutSeconds) =>
        new(maxAttempts, TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(totalTimeoutSeconds));

    internal void Validate(string useCase)
    {
        if (MaxAttempts < 1 || AttemptTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero || TotalTimeout < AttemptTimeout)
        {
            throw new ArgumentException($"Invalid LLM call options for use case '{useCase}': MaxAttempts must be at least 1 (is {MaxAttempts}), the attempt timeout ({AttemptTimeout}) and total timeout ({TotalTimeout}) positive, and the total at least the attempt timeout.");
        }
    }
}
