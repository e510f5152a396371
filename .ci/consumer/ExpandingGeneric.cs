// A task output that reaches an expanding recursive generic: FzG<int> holds FzG<List<int>>, which
// holds FzG<List<List<int>>>, and so on. No serializer can exist for it; the build must report
// AMSHA010 for it and finish, never overflow the compiler's stack.
using Amsha;

Console.WriteLine(typeof(FzCrew).Name);

public sealed record FzG<T>(T Value, FzG<List<T>>? Next);

public sealed record FzOut(FzG<int> Root);

public sealed record FzInput(string Topic);

[Agent(Role = "Worker", Goal = "Work on {Topic}", Backstory = "Works.")]
public partial class FzAgent;

[CrewTask<FzOut>(Agent = typeof(FzAgent), Description = "Work on {Topic}", ExpectedOutput = "Out")]
public partial class FzT1;

[Crew<FzInput>(Tasks = [typeof(FzT1)])]
public partial class FzCrew;
