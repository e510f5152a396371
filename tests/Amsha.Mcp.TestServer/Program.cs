using System;
using System.IO;
using System.Linq;
using Amsha.Mcp;
using Amsha.Mcp.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The tests of start failures: a server that writes to stderr and exits before speaking MCP.
if (args.Contains("--exit-at-once"))
{
    Console.Error.WriteLine("test server: exiting at once as asked");
    return 3;
}

// The tests count server processes through this line.
if (Environment.GetEnvironmentVariable(PlainTools.LogVariable) is { Length: > 0 } log)
{
    File.AppendAllText(log, $"start {Environment.ProcessId}{Environment.NewLine}");
}

// Standard output carries the protocol: logs go to standard error only (the client keeps its last lines).
// No Amsha configuration: the crew answers from the built-in offline model.
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddMcpServer(options => options.ServerInfo = new() { Name = "amsha-test-server", Version = "1.0.0" })
    .WithStdioServerTransport()
    .WithTools<PlainTools>()
    .WithAmshaCrew(BriefingCrew.Definition, "Writes a short briefing about a topic.");
await builder.Build().RunAsync();
return 0;
