// Issue 20, found 1: each level is a new constructed type (FzG<int>, FzG<List<int>>, ...); walking it never ends.
using System.Collections.Generic;
using Amsha;

namespace Fuzz;

public sealed record FzG<T>(T Value, FzG<List<T>>? Next);
public sealed record FzOut(FzG<int> Root);

[Agent(Role = "Worker", Goal = "Work", Backstory = "Works.")]
public partial class FzAgent;

[CrewTask<FzOut>(Agent = typeof(FzAgent), Description = "Work on {Topic}", ExpectedOutput = "Out")]
public partial class FzT1;

public sealed record FzInput(string Topic);

[Crew<FzInput>(Tasks = [typeof(FzT1)])]
public partial class FzCrew;
