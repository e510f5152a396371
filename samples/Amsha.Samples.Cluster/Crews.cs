using Amsha;

namespace Amsha.Samples.Cluster;

/// <summary>What a report is about.</summary>
public sealed record ReportRequest(string Topic);

[Agent(Role = "Analyst", Goal = "Understand {Topic}", Backstory = "Runs on whichever silo the cluster picks.")]
public partial class Analyst;

[CrewTask(Agent = typeof(Analyst), Description = "Collect the facts about {Topic}.", ExpectedOutput = "Facts")]
public partial class CollectFacts;

[CrewTask(Agent = typeof(Analyst), Description = "Weigh the facts about {Topic}.", ExpectedOutput = "An assessment", Context = [typeof(CollectFacts)])]
public partial class WeighFacts;

[CrewTask(Agent = typeof(Analyst), Description = "Write a short report on {Topic}.", ExpectedOutput = "A report", Context = [typeof(WeighFacts)])]
public partial class WriteReport;

/// <summary>Three tasks in sequence; every call goes to the offline model.</summary>
[Crew<ReportRequest>(Tasks = [typeof(CollectFacts), typeof(WeighFacts), typeof(WriteReport)])]
public partial class ReportCrew;
