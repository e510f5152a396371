using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace Amsha.Mcp.Tests;

/// <summary>Where tests/Amsha.Mcp.TestServer was built, how to start it, and what its tools recorded.</summary>
internal sealed class TestServer : IDisposable
{
    /// <summary>The environment variable the server's tools append their calls to (see PlainTools in the server).</summary>
    public const string LogVariable = "AMSHA_MCP_TEST_LOG";

    private readonly string _directory = Directory.CreateTempSubdirectory("amsha-mcp-").FullName;

    public TestServer() => LogPath = System.IO.Path.Combine(_directory, "calls.log");

    /// <summary>The file the server's tools append to.</summary>
    public string LogPath { get; }

    /// <summary>The host that runs the server: the dotnet that runs the tests, or dotnet on the PATH.</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    // tests/Amsha.Mcp.Tests/bin/<Configuration>/<tfm>/ -> tests/Amsha.Mcp.TestServer/bin/<Configuration>/<tfm>/Amsha.Mcp.TestServer.dll
    public static string Path
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var configuration = output.Parent!;
            var tests = configuration.Parent!.Parent!.Parent!;
            var path = System.IO.Path.Combine(tests.FullName, "Amsha.Mcp.TestServer", "bin", configuration.Name, output.Name, "Amsha.Mcp.TestServer.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The test server was not built at '{path}'. Build tests/Amsha.Mcp.Tests (it references tests/Amsha.Mcp.TestServer).", path);
        }
    }

    /// <summary>Options that start the server, recording into <see cref="LogPath"/>.</summary>
    public McpToolSourceOptions Options() => new()
    {
        Command = Host,
        Arguments = [Path],
        Environment = { [LogVariable] = LogPath },
    };

    /// <summary>The configuration keys that start the server under <c>Amsha:Mcp:Servers:&lt;name&gt;</c>.</summary>
    public Dictionary<string, string?> Configuration(string name) => new()
    {
        [$"Amsha:Mcp:Servers:{name}:Command"] = Host,
        [$"Amsha:Mcp:Servers:{name}:Arguments:0"] = Path,
        [$"Amsha:Mcp:Servers:{name}:Environment:{LogVariable}"] = LogPath,
    };

    /// <summary>The lines the server recorded: <c>start &lt;pid&gt;</c>, <c>add &lt;a&gt; &lt;b&gt;</c>, <c>echo &lt;text&gt;</c>, <c>refuse</c>.</summary>
    public string[] Calls() => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    /// <summary>The ids of the server processes started so far.</summary>
    public int[] Starts() => Calls().Where(l => l.StartsWith("start ", StringComparison.Ordinal)).Select(l => int.Parse(l.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A token that ends the test after <paramref name="seconds"/>, so a broken server fails it instead of hanging it.</summary>
    public static CancellationTokenSource Timeout(int seconds = 120)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(Xunit.TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        return timeout;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold the file; the temp directory is cleaned up by the system.
        }
    }
}
