using Amsha;

namespace Amsha.Samples.Web;

// Three crews for the dashboard to show. Every model call goes to the offline model (see Program.cs).

/// <summary>What a briefing is about.</summary>
public sealed record BriefingRequest(string Topic, string Audience = "the leadership team");

/// <summary>A finished briefing.</summary>
public sealed record Briefing(string Title, string[] KeyPoints, string Recommendation);

[Agent(Role = "Analyst", Goal = "Find what matters and say why", Backstory = "Reads everything, trusts nothing unchecked.")]
public partial class Analyst;

[Agent(Role = "Writer", Goal = "Write short, clear texts for their readers", Backstory = "Writes short, plain and exact.")]
public partial class Writer;

[Agent(Role = "Reviewer", Goal = "Catch mistakes before anyone else does", Backstory = "A patient, exacting editor.")]
public partial class Reviewer;

[CrewTask(Agent = typeof(Analyst), Description = "Collect the facts about {Topic}.", ExpectedOutput = "A list of facts")]
public partial class CollectFacts;

[CrewTask(Agent = typeof(Analyst), Description = "Weigh the risks and opportunities of {Topic}.", ExpectedOutput = "Risks and opportunities",
          Context = [typeof(CollectFacts)])]
public partial class AssessRisks;

[CrewTask<Briefing>(Agent = typeof(Writer), Description = "Write a one-page briefing on {Topic} for {Audience}.", ExpectedOutput = "A titled briefing",
                    Context = [typeof(CollectFacts), typeof(AssessRisks)])]
public partial class WriteBriefing;

/// <summary>Three tasks in sequence, the last one typed.</summary>
[Crew<BriefingRequest>(Tasks = [typeof(CollectFacts), typeof(AssessRisks), typeof(WriteBriefing)])]
public partial class BriefingCrew;

/// <summary>A customer's message to answer.</summary>
public sealed record SupportTicket(string Customer, string Message);

[CrewTask(Agent = typeof(Analyst), Description = "Classify the message of {Customer}: {Message}", ExpectedOutput = "A category and an urgency")]
public partial class ClassifyTicket;

[CrewTask(Agent = typeof(Writer), Description = "Draft a reply to {Customer} about: {Message}", ExpectedOutput = "A friendly reply",
          Context = [typeof(ClassifyTicket)])]
public partial class DraftReply;

[CrewTask(Agent = typeof(Reviewer), Description = "Check the reply to {Customer} for tone and accuracy.", ExpectedOutput = "The reply, corrected",
          Context = [typeof(DraftReply)])]
public partial class ReviewReply;

/// <summary>Classify, draft, review.</summary>
[Crew<SupportTicket>(Tasks = [typeof(ClassifyTicket), typeof(DraftReply), typeof(ReviewReply)])]
public partial class SupportReplyCrew;

/// <summary>The release to write notes for.</summary>
public sealed record ReleaseRequest(string Product, string Version);

[CrewTask(Agent = typeof(Analyst), Description = "List the changes in {Product} {Version}.", ExpectedOutput = "The changes")]
public partial class ListChanges;

[CrewTask(Agent = typeof(Writer), Description = "Write the release notes of {Product} {Version}.", ExpectedOutput = "Release notes",
          Context = [typeof(ListChanges)])]
public partial class WriteReleaseNotes;

/// <summary>Two tasks: the shortest crew of the sample.</summary>
[Crew<ReleaseRequest>(Tasks = [typeof(ListChanges), typeof(WriteReleaseNotes)])]
public partial class ReleaseNotesCrew;
