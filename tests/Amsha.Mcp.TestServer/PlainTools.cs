using System;
using System.ComponentModel;
using System.IO;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Amsha.Mcp.TestServer;

/// <summary>Tools written with the MCP SDK alone; each call appends a line to the file named by <see cref="LogVariable"/>.</summary>
[McpServerToolType]
public sealed class PlainTools
{
    /// <summary>The environment variable naming the file calls are appended to (none: calls are not recorded).</summary>
    public const string LogVariable = "AMSHA_MCP_TEST_LOG";

    [McpServerTool(Name = "add"), Description("Adds two integers.")]
    public static int Add([Description("The first number.")] int a, [Description("The second number.")] int b)
    {
        Record($"add {a} {b}");
        return a + b;
    }

    [McpServerTool(Name = "echo"), Description("Returns the text it is given.")]
    public static string Echo([Description("The text to return.")] string text)
    {
        Record($"echo {text}");
        return "echo: " + text;
    }

    [McpServerTool(Name = "refuse"), Description("Always answers with a tool error.")]
    public static string Refuse([Description("Why.")] string reason)
    {
        Record("refuse");
        throw new McpException("refused on purpose: " + reason);
    }

    private static void Record(string line)
    {
        if (Environment.GetEnvironmentVariable(LogVariable) is { Length: > 0 } path)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
