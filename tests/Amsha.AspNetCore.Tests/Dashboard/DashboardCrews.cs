using Amsha;

namespace Amsha.AspNetCore.Tests.Dashboard;

/// <summary>The input of the dashboard tests' crew.</summary>
public sealed record DashboardTopic(string Topic);

[Agent(Role = "Analyst", Goal = "Study {Topic}", Backstory = "A careful analyst.")]
public partial class DashboardAnalyst;

[Agent(Role = "Editor", Goal = "Polish writing about {Topic}", Backstory = "An exacting editor.")]
public partial class DashboardEditor;

[CrewTask(Agent = typeof(DashboardAnalyst), Description = "Outline {Topic}.", ExpectedOutput = "An outline")]
public partial class DashboardOutline;

[CrewTask(Agent = typeof(DashboardAnalyst), Description = "Draft a note on {Topic}.", ExpectedOutput = "A draft",
          Context = [typeof(DashboardOutline)])]
public partial class DashboardDraft;

[CrewTask(Agent = typeof(DashboardEditor), Description = "Review the note on {Topic}.", ExpectedOutput = "A reviewed note",
          Context = [typeof(DashboardDraft)])]
public partial class DashboardReview;

/// <summary>Three tasks, one model call each: with <see cref="StepGateChatClient"/> a test lets them finish one at a time.</summary>
[Crew<DashboardTopic>(Tasks = [typeof(DashboardOutline), typeof(DashboardDraft), typeof(DashboardReview)])]
public partial class DashboardGateCrew;
