using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>Starting, reading and listing executions.</summary>
public sealed class ExecutionEndpointTests
{
    [Fact]
    public async Task Crews_lists_the_crews_the_app_runs_by_name()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var json = await host.GetJsonAsync("/crews");
        var names = json.RootElement.GetProperty("crews").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("ApiBriefCrew", names);
        Assert.Contains("ApiSingleCrew", names);
    }

    [Fact]
    public async Task Start_answers_202_with_the_location_and_the_summary()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { OpenModel = false });
        using var response = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/crews/ApiBriefCrew/executions", ApiTestHost.Json("""{"topic":"tides","words":40}"""), host.Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(host.Token));
        var summary = json.RootElement;
        var id = summary.GetProperty("id").GetString()!;
        Assert.Equal($"{ApiTestHost.Prefix}/executions/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("ApiBriefCrew", summary.GetProperty("crew").GetString());
        Assert.Contains(summary.GetProperty("status").GetString(), new[] { "pending", "running" });
        Assert.Equal("background", summary.GetProperty("mode").GetString());
        Assert.Equal(0, summary.GetProperty("progress").GetProperty("completedTasks").GetInt32());
        Assert.Equal(2, summary.GetProperty("progress").GetProperty("totalTasks").GetInt32());
        Assert.Equal(0, summary.GetProperty("tokens").GetProperty("total").GetInt64());
        Assert.True(summary.TryGetProperty("createdAt", out _));
        Assert.True(summary.TryGetProperty("updatedAt", out _));
        Assert.False(summary.TryGetProperty("error", out _));

        // The model holds the first task: the execution runs here, with a current task.
        await host.Model.WaitForCallAsync(host.Token);
        using var running = await host.GetJsonAsync($"/executions/{id}");
        Assert.Equal("running", running.RootElement.GetProperty("status").GetString());
        Assert.Equal("ApiResearch", running.RootElement.GetProperty("progress").GetProperty("currentTask").GetString());
        var task = Assert.Single(running.RootElement.GetProperty("tasks").EnumerateArray());
        Assert.Equal("ApiResearch", task.GetProperty("name").GetString());
        Assert.Equal("running", task.GetProperty("status").GetString());

        host.Model.Open();
        Assert.Equal(ExecutionStatus.Succeeded, await host.WaitForEndAsync(id));
    }

    [Fact]
    public async Task Get_answers_the_detail_of_a_finished_execution()
    {
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        await host.WaitForEndAsync(id);

        using var json = await host.GetJsonAsync($"/executions/{id}");
        var detail = json.RootElement;
        Assert.Equal(id, detail.GetProperty("id").GetString());
        Assert.Equal("succeeded", detail.GetProperty("status").GetString());
        Assert.Equal(2, detail.GetProperty("progress").GetProperty("completedTasks").GetInt32());
        Assert.False(detail.GetProperty("progress").TryGetProperty("currentTask", out _));
        Assert.Equal("compiled", detail.GetProperty("definitionVersion").GetString());
        Assert.True(detail.GetProperty("tokens").GetProperty("total").GetInt64() > 0);
        Assert.True(detail.TryGetProperty("startedAt", out _));
        Assert.True(detail.TryGetProperty("endedAt", out _));
        Assert.True(detail.GetProperty("durationMs").GetDouble() >= 0);

        var tasks = detail.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(new[] { "ApiResearch", "ApiWrite" }, tasks.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(new[] { "ApiAnalyst", "ApiWriter" }, tasks.Select(t => t.GetProperty("agent").GetString()));
        foreach (var task in tasks)
        {
            Assert.Equal("succeeded", task.GetProperty("status").GetString());
            Assert.Equal(1, task.GetProperty("llmCalls").GetInt32());
            Assert.Equal(0, task.GetProperty("retries").GetInt32());
            Assert.Equal(0, task.GetProperty("toolCalls").GetInt32());
            Assert.True(task.GetProperty("tokens").GetProperty("total").GetInt64() > 0);
            Assert.True(task.GetProperty("outputLength").GetInt32() > 0);
        }

        var history = detail.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ToList();
        Assert.Equal(new[] { "pending", "running", "succeeded" }, history);
        Assert.Empty(detail.GetProperty("toolCalls").EnumerateArray());
        Assert.Empty(detail.GetProperty("pendingInput").EnumerateArray());
    }

    [Fact]
    public async Task List_filters_by_crew_and_status_and_pages_newest_first()
    {
        await using var host = await ApiTestHost.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await host.StartAsync("ApiBriefCrew", $$"""{"topic":"t{{i}}"}"""));
            await host.WaitForEndAsync(ids[^1]);
        }

        var single = await host.StartAsync("ApiSingleCrew");
        await host.WaitForEndAsync(single);

        using (var all = await host.GetJsonAsync("/executions"))
        {
            Assert.Equal(4, all.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(0, all.RootElement.GetProperty("skip").GetInt32());
            Assert.Equal(50, all.RootElement.GetProperty("take").GetInt32());
            var items = all.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(4, items.Count);
            var created = items.Select(i => i.GetProperty("createdAt").GetDateTimeOffset()).ToList();
            Assert.Equal(created.OrderByDescending(c => c), created);
        }

        using (var byCrew = await host.GetJsonAsync("/executions?crew=ApiSingleCrew"))
        {
            Assert.Equal(1, byCrew.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(single, Assert.Single(byCrew.RootElement.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        }

        using (var byStatus = await host.GetJsonAsync("/executions?crew=ApiBriefCrew&status=Succeeded,failed"))
        {
            Assert.Equal(3, byStatus.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(ids.AsEnumerable().Reverse(), byStatus.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        }

        using (var none = await host.GetJsonAsync("/executions?status=running,canceled"))
        {
            Assert.Equal(0, none.RootElement.GetProperty("total").GetInt32());
            Assert.Empty(none.RootElement.GetProperty("items").EnumerateArray());
        }

        using (var page1 = await host.GetJsonAsync("/executions?crew=ApiBriefCrew&take=2"))
        using (var page2 = await host.GetJsonAsync("/executions?crew=ApiBriefCrew&skip=2&take=2"))
        {
            Assert.Equal(3, page1.RootElement.GetProperty("total").GetInt32());
            Assert.Equal(2, page1.RootElement.GetProperty("take").GetInt32());
            var first = page1.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
            var second = page2.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
            Assert.Equal(new[] { ids[2], ids[1] }, first);
            Assert.Equal(new[] { ids[0] }, second);
            Assert.Equal(2, page2.RootElement.GetProperty("skip").GetInt32());
        }
    }

    [Theory]
    [InlineData("take=0", "take")]
    [InlineData("take=201", "take")]
    [InlineData("take=ten", "take")]
    [InlineData("skip=-1", "skip")]
    [InlineData("status=sleeping", "status")]
    [InlineData("status=running,1", "status")]
    public async Task List_answers_400_for_invalid_query_values(string query, string parameter)
    {
        await using var host = await ApiTestHost.StartAsync();
        using var response = await host.Operator.GetAsync($"{ApiTestHost.Prefix}/executions?{query}", host.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Equal(parameter, problem.RootElement.GetProperty("parameter").GetString());
        Assert.Contains($"'{parameter}'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_accepts_take_200()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var json = await host.GetJsonAsync("/executions?take=200&status=running&status=pending");
        Assert.Equal(200, json.RootElement.GetProperty("take").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/executions/{id}")]
    [InlineData("POST", "/executions/{id}/cancel")]
    [InlineData("POST", "/executions/{id}/resume")]
    [InlineData("GET", "/executions/{id}/events")]
    public async Task An_unknown_id_answers_404_problem(string method, string path)
    {
        await using var host = await ApiTestHost.StartAsync();
        using var request = new System.Net.Http.HttpRequestMessage(new System.Net.Http.HttpMethod(method), ApiTestHost.Prefix + path.Replace("{id}", "nope", StringComparison.Ordinal));
        using var response = await host.Operator.SendAsync(request, host.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("nope", problem.RootElement.GetProperty("executionId").GetString());
        Assert.Contains("'nope'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

internal static class Problems
{
    /// <summary>Reads an RFC 7807 problem response, checking its content type and members.</summary>
    public static async Task<JsonDocument> ReadAsync(System.Net.Http.HttpResponseMessage response, System.Threading.CancellationToken cancellationToken)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal((int)response.StatusCode, json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
        Assert.StartsWith("https://", json.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("detail").GetString()));
        return json;
    }
}
