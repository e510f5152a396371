using System;

namespace Amsha;

/// <summary>A tool call failed the task: the tool threw with <see cref="ToolOptions.OnToolError"/> set to <see cref="ToolErrorBehavior.FailTask"/>, the model asked for tools more rounds than allowed, or a toolbox had no instance.</summary>
public sealed class ToolCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ToolCallException(string message, string? toolName = null, string? callId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ToolName = toolName;
        CallId = callId;
    }

    /// <summary>The tool, when one call is at fault.</summary>
    public string? ToolName { get; }

    /// <summary>The model's id of the call, when one call is at fault.</summary>
    public string? CallId { get; }
}

/// <summary>
/// The model's arguments for a tool do not fit its parameters (missing, of the wrong type, not JSON). The tool
/// method is not called; the message, which names the parameter, goes back to the model as the call's result.
/// </summary>
public sealed class ToolArgumentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ToolArgumentException(string toolName, string? parameter, string problem, Exception? innerException = null)
        : base(parameter is null
            ? $"Invalid arguments for tool '{toolName}': {problem}"
            : $"Invalid argument '{parameter}' for tool '{toolName}': {problem}", innerException)
    {
        ToolName = toolName;
        Parameter = parameter;
        Problem = problem;
    }

    /// <summary>The tool.</summary>
    public string ToolName { get; }

    /// <summary>The parameter at fault, when one is.</summary>
    public string? Parameter { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
