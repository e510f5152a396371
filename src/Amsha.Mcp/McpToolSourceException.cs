using System;

namespace Amsha.Mcp;

/// <summary>
/// An MCP server could not be used: it did not start, could not be reached, did not list its tools, or answered a
/// tool call with an error. The message names the server; for a tool error it carries the server's own text, which
/// goes back to the model like any failing tool's message (or fails the task, per <c>Amsha:Llm:Tools:OnToolError</c>).
/// </summary>
public sealed class McpToolSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="serverName">The tool source name of the server.</param>
    /// <param name="message">What went wrong, naming the server.</param>
    /// <param name="toolName">The tool whose call failed, when one did.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public McpToolSourceException(string serverName, string message, string? toolName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ServerName = serverName;
        ToolName = toolName;
    }

    /// <summary>The tool source name of the server (its key under <c>Amsha:Mcp:Servers</c>).</summary>
    public string ServerName { get; }

    /// <summary>The tool whose call failed, when one did.</summary>
    public string? ToolName { get; }
}
