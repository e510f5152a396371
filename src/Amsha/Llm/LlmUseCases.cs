namespace Amsha;

/// <summary>Well-known LLM use case names. Any other name may be configured too.</summary>
public static class LlmUseCases
{
    /// <summary>The use case of agents that name none.</summary>
    public const string Default = "default";

    /// <summary>Conventional name for writing with more freedom.</summary>
    public const string Creative = "creative";

    /// <summary>Conventional name for careful analysis and judging.</summary>
    public const string Evaluation = "evaluation";
}
