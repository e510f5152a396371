using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Xunit;

namespace Amsha.Mcp.Tests;

/// <summary>A crew tool built with <see cref="McpCrewTools.Create"/> and a session of its own, served in process over pipes.</summary>
public sealed class McpCrewToolInProcessTests
{
    private static async Task<CallToolResult> CallAsync(ExecutionSession session, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var options = new McpServerOptions { ToolCollection = [McpCrewTools.Create(NoteCrew.Definition, session: session)] };
        await using var server = McpServer.Create(new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream()), options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = server.RunAsync(stop.Token);
        try
        {
            await using var client = await McpClient.CreateAsync(new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()), cancellationToken: cancellationToken);
            var tool = Assert.Single(await client.ListToolsAsync(cancellationToken: cancellationToken));
            Assert.Equal("Runs the crew NoteCrew (tasks: WriteNote) and returns the output of its last task.", tool.Description);
            return await client.CallToolAsync("NoteCrew", arguments, cancellationToken: cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [Fact]
    public async Task A_crew_with_text_output_answers_with_its_text()
    {
        using var timeout = TestServer.Timeout();
        await using var session = new ExecutionSession();

        var result = await CallAsync(session, new() { ["topic"] = "tides" }, timeout.Token);

        Assert.NotEqual(true, result.IsError);
        Assert.Null(result.StructuredContent);
        Assert.StartsWith("Offline answer: Write about tides", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_execution_is_an_error_result_with_amshas_message()
    {
        using var timeout = TestServer.Timeout();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 100, FaultStatusCode = 400 }));
        await using var session = new ExecutionSession(options);

        var result = await CallAsync(session, new() { ["topic"] = "tides" }, timeout.Token);

        Assert.True(result.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.StartsWith("Crew 'NoteCrew' failed (execution ", text, StringComparison.Ordinal);
        Assert.Contains("400", text, StringComparison.Ordinal);
    }
}
