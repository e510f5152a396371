using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>Tokens spent by one LLM call, one task or one execution. Failed attempts count too.</summary>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="TotalTokens">All tokens, as reported by the provider (at least input plus output).</param>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long TotalTokens)
{
    /// <summary>No tokens (the same as <c>default</c>).</summary>
    public static TokenUsage Zero { get; } = new(0, 0, 0);

    /// <summary>The sum of two usages.</summary>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right) =>
        new(left.InputTokens + right.InputTokens, left.OutputTokens + right.OutputTokens, left.TotalTokens + right.TotalTokens);

    /// <summary>The sum of two usages.</summary>
    public static TokenUsage Add(TokenUsage left, TokenUsage right) => left + right;

    /// <summary>Reads a provider's <see cref="UsageDetails"/>; missing counts are zero.</summary>
    public static TokenUsage From(UsageDetails? details)
    {
        if (details is null)
        {
            return Zero;
        }

        var input = details.InputTokenCount ?? 0;
        var output = details.OutputTokenCount ?? 0;
        var total = details.TotalTokenCount is { } reported && reported >= input + output ? reported : input + output;
        return new TokenUsage(input, output, total);
    }
}
