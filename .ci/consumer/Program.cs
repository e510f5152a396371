using Amsha;
using Microsoft.Extensions.DependencyInjection;

using var services = new ServiceCollection().AddAmsha().AddAmshaCrews().BuildServiceProvider();
var crew = services.GetRequiredService<TripCrew>();
var result = await crew.RunAsync(new TripRequest("Lisbon", 3));

Console.WriteLine($"consumer: {result.CrewName} ran {result.TaskOutputs.Count} tasks");
Console.WriteLine(result.Output);
return result.TaskOutputs.Count == 2 && result.Output.Length > 0 ? 0 : 1;

public sealed record TripRequest(string City, int Days);

[Agent(Role = "Travel planner", Goal = "Plan {Days} days in {City}", Backstory = "Knows every city.")]
public partial class Planner;

[CrewTask(Agent = typeof(Planner), Description = "List sights in {City}.", ExpectedOutput = "A list")]
public partial class Sights;

[CrewTask(Agent = typeof(Planner), Description = "Plan {days} days in {city}.", ExpectedOutput = "A day-by-day plan", Context = [typeof(Sights)])]
public partial class Itinerary;

[Crew<TripRequest>(Tasks = [typeof(Sights), typeof(Itinerary)])]
public partial class TripCrew;
