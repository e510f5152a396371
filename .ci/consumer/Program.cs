using Amsha;
using Amsha.Sqlite;
using Microsoft.Extensions.DependencyInjection;

// Background runs go to a SQLite database (package Amsha.Sqlite) in a temporary folder.
var database = Path.Combine(Path.GetTempPath(), $"amsha-consumer-{Guid.NewGuid():N}.db");
var registrations = new ServiceCollection();
registrations.AddAmsha().UseStore(new SqliteExecutionStore(database)).AddAmshaCrews();
using var services = registrations.BuildServiceProvider();
var crew = services.GetRequiredService<TripCrew>();

var result = await crew.RunAsync(new TripRequest("Lisbon", 3));
Console.WriteLine($"consumer: {result.CrewName} ran {result.TaskOutputs.Count} tasks");
Console.WriteLine($"{result.Output.Title}: {string.Join(", ", result.Output.Days)}");

var session = services.GetRequiredService<ExecutionSession>();
var job = await crew.StartBackgroundAsync(new TripRequest("Porto", 2));
var background = await job.ResultAsync();
var stored = await session.GetExecutionAsync(job.ExecutionId);
Console.WriteLine($"consumer: background run {job.ExecutionId} is {stored.Status} in the SQLite store");

// An [AmshaLlmCall] method with a plain record result: the generator emits its codec, no [ExecutionState] needed.
var verdict = await new Judge(session).JudgeAsync("Lisbon is the capital of Portugal");
Console.WriteLine($"consumer: verdict supported={verdict.Supported} confidence={verdict.Confidence} reason={verdict.Reason}");

return result.TaskOutputs.Count == 2 && result.Output.Days.Length > 0 && background.Output.Title.Length > 0 && stored.Status == ExecutionStatus.Succeeded && verdict.Reason.Length > 0 ? 0 : 1;

public sealed record TripRequest(string City, int Days);
public sealed record Itinerary(string Title, string[] Days);

[Agent(Role = "Travel planner", Goal = "Plan {Days} days in {City}", Backstory = "Knows every city.")]
public partial class Planner;

[CrewTask(Agent = typeof(Planner), Description = "List sights in {City}.", ExpectedOutput = "A list")]
public partial class Sights;

[CrewTask<Itinerary>(Agent = typeof(Planner), Description = "Plan {days} days in {city}.", ExpectedOutput = "A day-by-day plan", Context = [typeof(Sights)])]
public partial class PlanDays;

[Crew<TripRequest>(Tasks = [typeof(Sights), typeof(PlanDays)])]
public partial class TripCrew;

public sealed record Verdict(bool Supported, double Confidence, string Reason);

public sealed partial class Judge(ExecutionSession session)
{
    [AmshaLlmCall(Prompt = "Judge the claim: {claim}")]
    public partial Task<Verdict> JudgeAsync(string claim, CancellationToken cancellationToken = default);
}
