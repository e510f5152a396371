using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>Message content (outputs, token text, input, error messages) appears only with content capture on.</summary>
public sealed class ContentCaptureTests
{
    [Fact]
    public async Task Without_capture_content_is_omitted_and_lengths_are_given()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { CaptureMessageContent = false });
        var (detail, events) = await RunAsync(host);

        Assert.False(detail.TryGetProperty("input", out _));
        foreach (var task in detail.GetProperty("tasks").EnumerateArray())
        {
            Assert.False(task.TryGetProperty("output", out _));
            Assert.True(task.GetProperty("outputLength").GetInt32() > 0);
        }

        var completed = events.First(e => e.Event == "taskCompleted").Json();
        Assert.False(completed.TryGetProperty("output", out _));
        Assert.True(completed.GetProperty("outputLength").GetInt32() > 0);
        var delta = events.First(e => e.Event == "tokenDelta").Json();
        Assert.False(delta.TryGetProperty("text", out _));
        Assert.True(delta.GetProperty("textLength").GetInt32() > 0);

        // Nothing the model said reaches the client.
        Assert.All(events, e => Assert.DoesNotContain("secret findings", e.Data!, System.StringComparison.Ordinal));
        Assert.DoesNotContain("secret findings", detail.GetRawText(), System.StringComparison.Ordinal);
        Assert.DoesNotContain("tides", detail.GetRawText(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_capture_content_is_included()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { CaptureMessageContent = true });
        var (detail, events) = await RunAsync(host);

        Assert.Equal("tides", detail.GetProperty("input").GetProperty("topic").GetString());
        var first = detail.GetProperty("tasks").EnumerateArray().First();
        Assert.Contains("secret findings", first.GetProperty("output").GetString(), System.StringComparison.Ordinal);

        var completed = events.First(e => e.Event == "taskCompleted").Json();
        Assert.Contains("secret findings", completed.GetProperty("output").GetString(), System.StringComparison.Ordinal);
        var text = string.Concat(events.Where(e => e.Event == "tokenDelta").Select(e => e.Json().GetProperty("text").GetString()));
        Assert.Contains("secret findings", text, System.StringComparison.Ordinal);
    }

    private static async Task<(JsonElement Detail, System.Collections.Generic.List<SseItem> Events)> RunAsync(ApiTestHost host)
    {
        var id = await host.StartAsync();
        await host.WaitForEndAsync(id);
        using var json = await host.GetJsonAsync($"/executions/{id}");
        await using var sse = await SseClient.OpenAsync(host.Operator, $"{ApiTestHost.Prefix}/executions/{id}/events", host.Token);
        return (json.RootElement.Clone(), await sse.ReadToEndAsync(host.Token));
    }
}
