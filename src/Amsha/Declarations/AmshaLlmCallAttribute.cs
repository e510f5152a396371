using System;

namespace Amsha;

/// <summary>
/// Marks a <c>partial</c> method definition whose body the generator writes: one resilient,
/// observable LLM call. The containing type provides an <see cref="ExecutionSession"/> member.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AmshaLlmCallAttribute : Attribute
{
    /// <summary>The user prompt; <c>{placeholders}</c> bind to the method's parameters.</summary>
    public string? Prompt { get; set; }

    /// <summary>The system prompt; <c>{placeholders}</c> bind to the method's parameters.</summary>
    public string? System { get; set; }

    /// <summary>The LLM use case.</summary>
    public string Llm { get; set; } = LlmUseCases.Default;

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Time limit of one attempt, in seconds.</summary>
    public double TimeoutSeconds { get; set; } = 100;

    /// <summary>Time limit of all attempts together, in seconds.</summary>
    public double TotalTimeoutSeconds { get; set; } = 300;

    /// <summary>How often a structured answer that does not parse is asked for again.</summary>
    public int OutputRepairs { get; set; }
}
