namespace Amsha.Mcp.TestServer;

public sealed record BriefingRequest(string Topic, int Words = 50);

public sealed record Briefing(string Title, string Summary);

[Agent(Role = "Analyst", Goal = "Brief readers on {Topic}", Backstory = "Concise and exact.")]
public partial class Analyst;

[CrewTask<Briefing>(Agent = typeof(Analyst), Description = "Write a briefing about {Topic} in about {Words} words.", ExpectedOutput = "A titled briefing")]
public partial class WriteBriefing;

[Crew<BriefingRequest>(Tasks = [typeof(WriteBriefing)])]
public partial class BriefingCrew;
