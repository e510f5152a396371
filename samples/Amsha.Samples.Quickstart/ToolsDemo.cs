using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Samples.Quickstart;

/// <summary>Units <see cref="TravelTools.ConvertDistance"/> converts to.</summary>
public enum DistanceUnit { Kilometers, Miles }

/// <summary>What to look up in the guide.</summary>
public sealed record GuideQuery(string City, string[] Interests);

/// <summary>One guide entry.</summary>
public sealed record GuideEntry(string Name, string Summary);

/// <summary>What the planner returns.</summary>
public sealed record TripPlan(string Title, string[] Stops);

/// <summary>A toolbox: its tools' JSON Schemas are written at compile time, their arguments read by generated codecs.</summary>
[Toolbox]
public partial class TravelTools
{
    /// <summary>Finds guide entries.</summary>
    /// <param name="query">The city and what the traveller likes.</param>
    /// <param name="top">How many entries to return.</param>
    [Tool(Description = "Looks up places in the city guide.")]
    public Task<List<GuideEntry>> SearchGuideAsync(GuideQuery query, int top = 2, CancellationToken cancellationToken = default) =>
        Task.FromResult(Enumerable.Range(1, Math.Clamp(top, 1, 5))
            .Select(i => new GuideEntry($"{query.City} stop {i}", $"Good for {string.Join(" and ", query.Interests.DefaultIfEmpty("everyone"))}."))
            .ToList());

    [Tool(Description = "Converts a distance given in kilometers.")]
    public double ConvertDistance([Description("The distance in kilometers.")] double kilometers, DistanceUnit unit) =>
        unit == DistanceUnit.Miles ? Math.Round(kilometers * 0.621371, 1) : kilometers;

    [Tool(Description = "Tells the local time zone of a city.", Idempotent = true)]
    public string TimeZone(string city) => city.Length % 2 == 0 ? "UTC+1" : "UTC+0";
}

[Agent(Role = "Travel planner", Goal = "Plan a day in {City}", Backstory = "Checks the guide before suggesting anything.",
       Tools = [typeof(TravelTools)])]
public partial class Planner;

[CrewTask<TripPlan>(Agent = typeof(Planner), Description = "Plan a day in {City} with your tools.", ExpectedOutput = "A titled plan with stops")]
public partial class PlanDay;

/// <summary>The trip to plan.</summary>
public sealed record TripRequest(string City);

[Crew<TripRequest>(Tasks = [typeof(PlanDay)])]
public partial class TripCrew;

/// <summary><c>--tools</c>: a tool-using agent on the offline model, which calls each offered tool once and then answers.</summary>
internal static class ToolsDemo
{
    public static async Task<int> RunAsync()
    {
        var services = new ServiceCollection();
        services.AddAmsha().AddAmshaCrews(); // also registers TravelTools, so its constructor could take services
        using var provider = services.BuildServiceProvider();

        var handle = provider.GetRequiredService<TripCrew>().Start(new TripRequest("Lisbon"));
        await foreach (var e in handle.StreamAsync())
        {
            switch (e)
            {
                case ToolCallStartedEvent started:
                    Console.WriteLine($"🔧 {started.ToolName} called (round {started.Round}, call {started.CallId})");
                    break;
                case ToolCallCompletedEvent completed:
                    Console.WriteLine($"✔ {completed.ToolName} returned in {completed.Duration.TotalMilliseconds:0.0} ms");
                    break;
                case ToolCallFailedEvent failed:
                    Console.WriteLine($"✖ {failed.ToolName} failed: {failed.Message}");
                    break;
            }
        }

        var result = await handle.ResultAsync();
        Console.WriteLine($"Plan: {result.Output.Title} — {string.Join("; ", result.Output.Stops)}");
        Console.WriteLine($"Tool calls: {result.Metrics.ToolCallCount} ({result.Metrics.FailedToolCallCount} failed), LLM calls: {result.Metrics.LlmCallCount}");
        return handle.Status == ExecutionStatus.Succeeded && result.Metrics.ToolCallCount == 3 ? 0 : 1;
    }
}
