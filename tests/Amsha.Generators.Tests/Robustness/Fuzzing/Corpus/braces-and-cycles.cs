// Unbalanced braces in every template, a context cycle, a task listed twice and a missing agent.
using Amsha;

namespace Fuzz;

[Agent(Role = "{{{", Goal = "}{Topic}{", Backstory = "{Topic.Length}{0}{ Topic }{{Topic}}}")]
public partial class FzAgent;

[CrewTask(Agent = typeof(FzAgent), Description = "{Topic", ExpectedOutput = "}", Context = [typeof(FzT2)])]
public partial class FzT1;

[CrewTask(Agent = typeof(FzMissing), Description = "Topic}", ExpectedOutput = "{}", Context = [typeof(FzT1), typeof(FzT2)])]
public partial class FzT2;

public sealed record FzInput(string Topic);

[Crew<FzInput>(Tasks = [typeof(FzT1), typeof(FzT2), typeof(FzT1)], Process = CrewProcess.Graph)]
public partial class FzCrew;
