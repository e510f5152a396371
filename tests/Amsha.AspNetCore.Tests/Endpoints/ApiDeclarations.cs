using Amsha;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>The input of the endpoint tests' crews.</summary>
public sealed record ApiBrief(string Topic, int Words = 100);

[Agent(Role = "Analyst", Goal = "Study {Topic}", Backstory = "A careful analyst.")]
public partial class ApiAnalyst;

[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "A clear writer.")]
public partial class ApiWriter;

[CrewTask(Agent = typeof(ApiAnalyst), Description = "Research {Topic}.", ExpectedOutput = "Key facts")]
public partial class ApiResearch;

[CrewTask(Agent = typeof(ApiWriter), Description = "Write {Words} words about {Topic}.", ExpectedOutput = "A note",
          Context = [typeof(ApiResearch)])]
public partial class ApiWrite;

/// <summary>Two tasks, one model call each.</summary>
[Crew<ApiBrief>(Tasks = [typeof(ApiResearch), typeof(ApiWrite)])]
public partial class ApiBriefCrew;

/// <summary>One task.</summary>
[Crew<ApiBrief>(Tasks = [typeof(ApiResearch)])]
public partial class ApiSingleCrew;
