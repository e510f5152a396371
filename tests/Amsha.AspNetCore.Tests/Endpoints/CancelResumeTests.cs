using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>Canceling and resuming executions, and when each is refused.</summary>
public sealed class CancelResumeTests
{
    [Fact]
    public async Task A_running_execution_is_canceled_and_its_resume_completes()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { OpenModel = false });
        var id = await host.StartAsync();
        await host.Model.WaitForCallAsync(host.Token);
        var handle = host.Session.FindRunning(id)!;

        using (var cancel = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{id}/cancel", null, host.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            using var summary = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync(host.Token));
            Assert.Equal(id, summary.RootElement.GetProperty("id").GetString());
        }

        Assert.Equal(ExecutionStatus.Canceled, await handle.WaitAsync(host.Token));
        using (var canceled = await host.GetJsonAsync($"/executions/{id}"))
        {
            Assert.Equal("canceled", canceled.RootElement.GetProperty("status").GetString());
            var task = Assert.Single(canceled.RootElement.GetProperty("tasks").EnumerateArray());
            Assert.Equal("pending", task.GetProperty("status").GetString());
        }

        // Not running any more: a second cancel conflicts.
        using (var again = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{id}/cancel", null, host.Token))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            using var problem = await Problems.ReadAsync(again, host.Token);
            Assert.Equal("canceled", problem.RootElement.GetProperty("executionStatus").GetString());
        }

        host.Model.Open();
        using (var resume = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{id}/resume", null, host.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
            Assert.Equal($"{ApiTestHost.Prefix}/executions/{id}", resume.Headers.Location!.OriginalString);
        }

        Assert.Equal(ExecutionStatus.Succeeded, await host.WaitForEndAsync(id));
        using (var done = await host.GetJsonAsync($"/executions/{id}"))
        {
            var history = done.RootElement.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString());
            Assert.Equal(new[] { "pending", "running", "canceled", "running", "succeeded" }, history);
            Assert.All(done.RootElement.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("succeeded", t.GetProperty("status").GetString()));
        }

        // Succeeded: nothing to resume.
        using var late = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{id}/resume", null, host.Token);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        using var lateProblem = await Problems.ReadAsync(late, host.Token);
        Assert.Equal("succeeded", lateProblem.RootElement.GetProperty("executionStatus").GetString());
    }

    [Fact]
    public async Task Resuming_an_execution_that_runs_here_conflicts()
    {
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { OpenModel = false });
        var id = await host.StartAsync();
        await host.Model.WaitForCallAsync(host.Token);

        using var response = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{id}/resume", null, host.Token);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Contains("already running", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        host.Session.FindRunning(id)!.Cancel();
    }

    [Fact]
    public async Task Canceling_an_execution_that_runs_in_another_process_conflicts()
    {
        await using var host = await ApiTestHost.StartAsync();
        var record = await host.Store.SaveAsync(OtherProcess.Record("elsewhere", ExecutionStatus.Running), host.Token);

        using var response = await host.Operator.PostAsync($"{ApiTestHost.Prefix}/executions/{record.ExecutionId}/cancel", null, host.Token);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var problem = await Problems.ReadAsync(response, host.Token);
        Assert.Equal("running", problem.RootElement.GetProperty("executionStatus").GetString());
        Assert.Contains("not running in this process", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>Records as another process sharing the store would write them.</summary>
internal static class OtherProcess
{
    public static ExecutionRecord Record(string id, ExecutionStatus status, long revision = 0)
    {
        var at = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        return new ExecutionRecord
        {
            ExecutionId = id,
            CrewName = "ApiSingleCrew",
            InputJson = """{"topic":"far away"}""",
            Status = status,
            TotalTasks = 1,
            StatusHistory = [new ExecutionStatusChange(ExecutionStatus.Pending, at), new ExecutionStatusChange(ExecutionStatus.Running, at.AddSeconds(1))],
            CreatedAt = at,
            UpdatedAt = at.AddSeconds(1),
            Revision = revision,
        };
    }
}
