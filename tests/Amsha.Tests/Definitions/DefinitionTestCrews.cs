using Amsha;

namespace Amsha.Tests.Definitions;

// Compiled crews that run-time definitions overlay in the tests; their names are unique in the test assembly
// because definitions match compiled agents and tasks by name.
public sealed record OverlayRequest(string Topic, string Audience);

public sealed record OverlayVerdict(string Verdict, int Score);

[Agent(Role = "Writer on {Topic}", Goal = "Explain {Topic} to {Audience}", Backstory = "A clear writer.")]
public partial class OverlayWriter;

[Agent(Role = "Reviewer", Goal = "Judge drafts", Backstory = "A strict editor.")]
public partial class OverlayReviewer;

[CrewTask(Agent = typeof(OverlayWriter), Description = "Draft a note about {Topic}.", ExpectedOutput = "A short note")]
public partial class OverlayDraft;

[CrewTask<OverlayVerdict>(Agent = typeof(OverlayReviewer), Description = "Review the draft for {Audience}.", ExpectedOutput = "A verdict {{\"verdict\": \"ok\"}}", Context = [typeof(OverlayDraft)])]
public partial class OverlayReview;

[Crew<OverlayRequest>(Tasks = [typeof(OverlayDraft), typeof(OverlayReview)])]
public partial class OverlayCrew;
