using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace Amsha.Mcp.Tests;

/// <summary>Server direction: a real MCP client runs the crew that tests/Amsha.Mcp.TestServer serves with <c>WithAmshaCrew</c>.</summary>
public sealed class McpCrewToolTests
{
    private static async Task<McpClient> ConnectAsync(CancellationToken cancellationToken) =>
        await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions { Name = "test-server", Command = TestServer.Host, Arguments = [TestServer.Path] }),
            cancellationToken: cancellationToken);

    [Fact]
    public async Task The_crew_is_listed_with_the_compile_time_schema_of_its_input()
    {
        using var timeout = TestServer.Timeout();
        await using var client = await ConnectAsync(timeout.Token);

        var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);

        var crew = Assert.Single(tools, t => t.Name == "BriefingCrew");
        Assert.Equal("Writes a short briefing about a topic.", crew.Description);
        var schema = crew.ProtocolTool.InputSchema;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal(["topic", "words"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("topic").GetProperty("type").GetString());
        Assert.Equal(["topic"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToArray());
        var output = Assert.IsType<JsonElement>(crew.ProtocolTool.OutputSchema);
        Assert.Equal(["title", "summary"], output.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task Calling_the_crew_runs_it_and_returns_its_output_as_json()
    {
        using var timeout = TestServer.Timeout();
        await using var client = await ConnectAsync(timeout.Token);

        var result = await client.CallToolAsync("BriefingCrew", new Dictionary<string, object?> { ["topic"] = "tides", ["words"] = 40 }, cancellationToken: timeout.Token);

        Assert.NotEqual(true, result.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        using var output = JsonDocument.Parse(text);
        Assert.Contains("tides", output.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("40 words", output.RootElement.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var structured = Assert.IsType<JsonElement>(result.StructuredContent);
        Assert.Equal(output.RootElement.GetProperty("title").GetString(), structured.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("""{"words":3}""", "Missing required property 'topic' of BriefingRequest (at $.topic)")]
    [InlineData("""{"topic":7}""", "Expected a string, found the number 7 (at $.topic)")]
    [InlineData("""{"topic":"tides","words":"many"}""", "(at $.words)")]
    public async Task Arguments_that_do_not_fit_give_an_error_result_naming_the_member(string arguments, string expected)
    {
        using var timeout = TestServer.Timeout();
        await using var client = await ConnectAsync(timeout.Token);
        var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value);

        var result = await client.CallToolAsync("BriefingCrew", parsed, cancellationToken: timeout.Token);

        Assert.True(result.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.StartsWith("Invalid arguments for crew 'BriefingCrew': ", text, StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_asks_for_progress_hears_of_each_completed_task()
    {
        using var timeout = TestServer.Timeout();
        await using var client = await ConnectAsync(timeout.Token);
        var progress = new Collect();
        var progressToken = new ProgressToken("briefing-progress");

        // The SDK's CallToolAsync(..., progress) drops its handler when the result arrives, and it handles incoming
        // messages concurrently, so a notification sent before the result can still be handled after it and be lost.
        // A handler of our own stays registered until every notification the server sent has been handled.
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            var sent = JsonSerializer.Deserialize<ProgressNotificationParams>(notification.Params, McpJsonUtilities.DefaultOptions);
            if (sent is not null && sent.ProgressToken == progressToken)
            {
                progress.Report(sent.Progress);
            }

            return default;
        });

        var result = await client.CallToolAsync(
            new CallToolRequestParams
            {
                Name = "BriefingCrew",
                Arguments = new Dictionary<string, JsonElement> { ["topic"] = JsonSerializer.SerializeToElement("tides") },
                Meta = new System.Text.Json.Nodes.JsonObject { ["progressToken"] = progressToken.ToString() },
            },
            timeout.Token);

        Assert.NotEqual(true, result.IsError);

        // The server sends each notification before its result, but the client may handle it a moment later.
        while (progress.Values.IsEmpty)
        {
            await Task.Delay(20, timeout.Token);
        }

        var value = Assert.Single(progress.Values);
        Assert.Equal(1, value.Progress);
        Assert.Equal(1, value.Total);
        Assert.Equal("Task WriteBriefing completed (1 of 1).", value.Message);
    }

    private sealed class Collect : IProgress<ProgressNotificationValue>
    {
        public ConcurrentQueue<ProgressNotificationValue> Values { get; } = new();

        public void Report(ProgressNotificationValue value) => Values.Enqueue(value);
    }
}
