using System;

namespace Amsha;

/// <summary>A task's answer could not be turned into its typed output, after every allowed repair.</summary>
public sealed class OutputParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="taskName">The task whose answer failed to parse.</param>
    /// <param name="jsonPath">The JSON path of the first problem (<c>$</c> for the whole answer).</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="rawText">The model's answer; only a short excerpt is kept.</param>
    /// <param name="innerException">The underlying parse error.</param>
    public OutputParseException(string taskName, string jsonPath, string problem, string rawText, Exception? innerException = null)
        : base(BuildMessage(taskName, jsonPath, problem, Shorten(rawText)), innerException)
    {
        TaskName = taskName;
        JsonPath = jsonPath;
        Problem = problem;
        RawTextExcerpt = Shorten(rawText);
    }

    /// <summary>The task whose answer failed to parse.</summary>
    public string TaskName { get; }

    /// <summary>The JSON path of the first problem, e.g. <c>$.facts[2]</c>.</summary>
    public string JsonPath { get; }

    /// <summary>What is wrong at <see cref="JsonPath"/>.</summary>
    public string Problem { get; }

    /// <summary>The start of the model's answer (at most 200 characters).</summary>
    public string RawTextExcerpt { get; }

    internal const int ExcerptLength = 200;

    private static string Shorten(string? text)
    {
        text ??= "";
        return text.Length <= ExcerptLength ? text : text.Substring(0, ExcerptLength) + "…";
    }

    private static string BuildMessage(string taskName, string jsonPath, string problem, string excerpt) =>
        $"The answer of task '{taskName}' does not match its output type at {jsonPath}: {problem} Answer starts with: \"{excerpt}\". Raise OutputRepairs on the task to let the model correct itself, or make the prompt more specific.";
}
