using Amsha;

namespace Amsha.CrashHost;

public sealed record CrashRequest(string Topic);

[Agent(Role = "Planner", Goal = "Plan a text about {Topic}", Backstory = "Methodical.")]
public partial class Planner;

[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Fluent.")]
public partial class Writer;

[CrewTask(Agent = typeof(Planner), Description = "Outline {Topic}.", ExpectedOutput = "An outline")]
public partial class Outline;

[CrewTask(Agent = typeof(Writer), Description = "Draft {Topic} from the outline.", ExpectedOutput = "A draft", Context = [typeof(Outline)])]
public partial class Draft;

[CrewTask(Agent = typeof(Writer), Description = "Polish {Topic} from the draft.", ExpectedOutput = "A final text", Context = [typeof(Draft)])]
public partial class Polish;

[Crew<CrashRequest>(Tasks = [typeof(Outline), typeof(Draft), typeof(Polish)])]
public partial class CrashCrew;
