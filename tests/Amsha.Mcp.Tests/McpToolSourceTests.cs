using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Amsha.Mcp.Tests;

/// <summary>Client direction: the tools of a real MCP server (tests/Amsha.Mcp.TestServer, over stdio) run in a crew's tool loop.</summary>
public sealed class McpToolSourceTests
{
    [Fact]
    public async Task A_crew_calls_the_tools_of_a_configured_stdio_server()
    {
        using var server = new TestServer();
        using var timeout = TestServer.Timeout();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(server.Configuration("test")).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAmsha().AddMcpServers();
        services.AddAmshaCrews();
        await using var provider = services.BuildServiceProvider();

        var handle = provider.GetRequiredService<McpCrew>().Start(new McpQuestion("primes"), timeout.Token);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(timeout.Token))
        {
            events.Add(e);
        }

        var result = await handle.ResultAsync(timeout.Token);

        // The offline model calls every offered tool once: both plain tools ran in the server process.
        var calls = server.Calls();
        var add = Assert.Single(calls, l => l.StartsWith("add ", StringComparison.Ordinal)).Split(' ');
        var echo = Assert.Single(calls, l => l.StartsWith("echo ", StringComparison.Ordinal)).Substring("echo ".Length);
        var completed = events.OfType<ToolCallCompletedEvent>().Select(e => e.ToolName).ToArray();
        Assert.Contains("add", completed);
        Assert.Contains("echo", completed);

        // Their results reached the model as text, not as serialized MCP content.
        var sum = int.Parse(add[1], CultureInfo.InvariantCulture) + int.Parse(add[2], CultureInfo.InvariantCulture);
        Assert.Contains("Tool results: ", result.Output, StringComparison.Ordinal);
        Assert.Contains(sum.ToString(CultureInfo.InvariantCulture), result.Output, StringComparison.Ordinal);
        Assert.Contains("echo: " + echo, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":\"text\"", result.Output, StringComparison.Ordinal);

        // A tool error of the server is a failed call whose message (the server's text) went back to the model.
        var refused = Assert.Single(events.OfType<ToolCallFailedEvent>());
        Assert.Equal("refuse", refused.ToolName);
        Assert.StartsWith("Tool 'refuse' failed: MCP server 'test' answered with an error: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refused on purpose", refused.Message, StringComparison.Ordinal);
        Assert.False(refused.FailsTask);
        Assert.Single(server.Starts());
    }

    [Fact]
    public async Task A_source_built_in_code_starts_its_server_once_and_keeps_the_tool_list()
    {
        using var server = new TestServer();
        using var timeout = TestServer.Timeout();
        await using var session = new ExecutionSession();
        await using var source = new McpToolSource("test", server.Options());
        session.AddToolSource(source);
        Assert.Empty(server.Starts());

        var crew = new McpCrew(session);
        var first = crew.RunAsync(new McpQuestion("first"), timeout.Token);
        var second = crew.RunAsync(new McpQuestion("second"), timeout.Token);
        await Task.WhenAll(first, second);
        var tools = await source.GetToolsAsync(timeout.Token);

        Assert.Equal(["add", "echo", "refuse", "BriefingCrew"], tools.Select(t => t.Name).ToArray());
        Assert.Equal(2, server.Calls().Count(l => l.StartsWith("add ", StringComparison.Ordinal)));
        Assert.Single(server.Starts());
    }

    [Fact]
    public async Task Configuration_gives_an_agent_the_tools_of_a_server_without_a_rebuild()
    {
        using var server = new TestServer();
        using var timeout = TestServer.Timeout();
        var settings = server.Configuration("notes");
        settings["Amsha:Llm:Tools:AgentSources:PlainWriter:0"] = "notes";
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAmsha().AddMcpServers();
        services.AddAmshaCrews();
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<NoteCrew>().RunAsync(new McpQuestion("tides"), timeout.Token);

        Assert.Contains(server.Calls(), l => l.StartsWith("echo ", StringComparison.Ordinal));
        Assert.Equal(4, result.Metrics.ToolCallCount);
    }

    [Fact]
    public async Task Disposing_the_source_stops_the_server_process()
    {
        using var server = new TestServer();
        using var timeout = TestServer.Timeout();
        var source = new McpToolSource("test", server.Options());
        await source.GetToolsAsync(timeout.Token);
        using var process = Process.GetProcessById(Assert.Single(server.Starts()));

        await source.DisposeAsync();

        await process.WaitForExitAsync(timeout.Token);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await source.GetToolsAsync(timeout.Token));
    }

    [Fact]
    public async Task A_server_that_went_away_is_started_again_on_next_use()
    {
        using var server = new TestServer();
        using var timeout = TestServer.Timeout();
        await using var source = new McpToolSource("test", server.Options());
        await source.GetToolsAsync(timeout.Token);
        using (var first = Process.GetProcessById(Assert.Single(server.Starts())))
        {
            first.Kill();
            await first.WaitForExitAsync(timeout.Token);
        }

        // The source notices the end of the session as soon as the client does.
        IReadOnlyList<Microsoft.Extensions.AI.AIFunction> tools;
        do
        {
            await Task.Delay(50, timeout.Token);
            tools = await source.GetToolsAsync(timeout.Token);
        }
        while (server.Starts().Length < 2);

        var echo = Assert.Single(tools, t => t.Name == "echo");
        Assert.Equal("echo: again", await echo.InvokeAsync(new() { ["text"] = "again" }, timeout.Token));
    }

    [Fact]
    public async Task A_command_that_does_not_exist_fails_the_task_naming_the_server()
    {
        using var timeout = TestServer.Timeout();
        await using var session = new ExecutionSession();
        await using var source = new McpToolSource("test", new McpToolSourceOptions { Command = "amsha-no-such-mcp-server" });
        session.AddToolSource(source);

        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => new McpCrew(session).RunAsync(new McpQuestion("x"), timeout.Token));

        var error = Assert.IsType<McpToolSourceException>(failure.InnerException);
        Assert.Equal("test", error.ServerName);
        Assert.StartsWith("MCP server 'test' could not be started (command 'amsha-no-such-mcp-server'): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_exits_at_once_is_reported_with_its_last_stderr_lines()
    {
        using var timeout = TestServer.Timeout();
        await using var source = new McpToolSource("test", new McpToolSourceOptions { Command = TestServer.Host, Arguments = [TestServer.Path, "--exit-at-once"] });

        var error = await Assert.ThrowsAsync<McpToolSourceException>(async () => await source.GetToolsAsync(timeout.Token));

        Assert.StartsWith($"MCP server 'test' could not be started (command '{TestServer.Host}'): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("test server: exiting at once as asked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_server_that_cannot_be_reached_is_reported_with_its_endpoint_without_secrets()
    {
        using var timeout = TestServer.Timeout();
        await using var source = new McpToolSource("remote", new McpToolSourceOptions
        {
            Endpoint = "http://user:secret@127.0.0.1:9/mcp?key=secret",
            Headers = { ["Authorization"] = "Bearer secret" },
        });

        var error = await Assert.ThrowsAsync<McpToolSourceException>(async () => await source.GetToolsAsync(timeout.Token));

        Assert.StartsWith("MCP server 'remote' could not be reached at http://127.0.0.1:9/mcp: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
