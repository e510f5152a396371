using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>ASP.NET Core's OpenAPI document describes every endpoint.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_lists_every_route_with_its_operation()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { WithOpenApi = true });
        using var response = await host.Operator.GetAsync("/openapi/v1.json", host.Token);
        var text = await response.Content.ReadAsStringAsync(host.Token);
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        var paths = document.RootElement.GetProperty("paths");

        (string Path, string Method, string OperationId, string[] Statuses)[] expected =
        [
            ("/amsha/api/crews", "get", "Amsha.ListCrews", ["200"]),
            ("/amsha/api/crews/{crew}/executions", "post", "Amsha.StartExecution", ["202", "400", "404", "413", "415"]),
            ("/amsha/api/executions", "get", "Amsha.ListExecutions", ["200", "400"]),
            ("/amsha/api/executions/{id}", "get", "Amsha.GetExecution", ["200", "404"]),
            ("/amsha/api/executions/{id}/cancel", "post", "Amsha.CancelExecution", ["202", "404", "409"]),
            ("/amsha/api/executions/{id}/resume", "post", "Amsha.ResumeExecution", ["202", "404", "409"]),
            ("/amsha/api/executions/{id}/events", "get", "Amsha.ExecutionEvents", ["200", "404"]),
        ];

        foreach (var (path, method, operationId, statuses) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"The document has no path {path}: {paths.GetRawText()}");
            var operation = item.GetProperty(method);
            Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            Assert.Contains("Amsha", operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            var responses = operation.GetProperty("responses");
            foreach (var status in statuses)
            {
                Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} does not describe {status}: {responses.GetRawText()}");
            }
        }

        var start = paths.GetProperty("/amsha/api/crews/{crew}/executions").GetProperty("post");
        Assert.Equal(new[] { "crew:path" }, Parameters(start));
        Assert.Equal(new[] { "crew:query", "status:query", "skip:query", "take:query" }, Parameters(paths.GetProperty("/amsha/api/executions").GetProperty("get")));
        Assert.Equal(new[] { "id:path" }, Parameters(paths.GetProperty("/amsha/api/executions/{id}/cancel").GetProperty("post")));
        Assert.Equal(new[] { "id:path", "Last-Event-ID:header", "lastEventId:query" }, Parameters(paths.GetProperty("/amsha/api/executions/{id}/events").GetProperty("get")));
        Assert.True(start.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var events = paths.GetProperty("/amsha/api/executions/{id}/events").GetProperty("get");
        Assert.True(events.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        var notFound = paths.GetProperty("/amsha/api/executions/{id}").GetProperty("get").GetProperty("responses").GetProperty("404");
        Assert.True(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    private static string[] Parameters(JsonElement operation) =>
        operation.GetProperty("parameters").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}:{p.GetProperty("in").GetString()}").ToArray();
}
