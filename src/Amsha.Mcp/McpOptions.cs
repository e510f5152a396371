using System;
using System.Collections.Generic;

namespace Amsha.Mcp;

/// <summary>
/// The MCP servers whose tools agents and tasks may call: <c>Amsha:Mcp</c>. Each server becomes an
/// <see cref="IToolSource"/> under its key, which agents and tasks list in <c>ToolSources</c>.
/// </summary>
public sealed class McpOptions
{
    /// <summary>The servers by tool source name (<c>Amsha:Mcp:Servers:&lt;name&gt;</c>), matched ignoring case.</summary>
    public Dictionary<string, McpToolSourceOptions> Servers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// How to reach one MCP server: a process Amsha starts and speaks to over stdio (<see cref="Command"/>), or a server
/// reached over HTTP (<see cref="Endpoint"/>). Exactly one of the two is set.
/// </summary>
public sealed class McpToolSourceOptions
{
    /// <summary>The program that runs the server (<c>npx</c>, <c>dotnet</c>, <c>uvx</c>, a path); it speaks MCP on its standard input and output.</summary>
    public string? Command { get; set; }

    /// <summary>The arguments of <see cref="Command"/>, one item each (in JSON, an array); no shell parses them.</summary>
    public List<string> Arguments { get; set; } = new();

    /// <summary>The directory <see cref="Command"/> runs in; the current directory when null.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Environment variables set for <see cref="Command"/>, on top of those it inherits.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The absolute http(s) URL of a server reached over HTTP (Streamable HTTP, or SSE for older servers).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Headers sent with every request to <see cref="Endpoint"/> (an <c>Authorization</c> header, say); never written to messages or logs.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
