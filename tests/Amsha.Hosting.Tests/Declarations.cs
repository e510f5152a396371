namespace Amsha.Hosting.Tests;

public sealed record HostTopic(string Topic);

[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Writes in three steps.")]
public partial class HostWriter;

[CrewTask(Agent = typeof(HostWriter), Description = "Outline {Topic}", ExpectedOutput = "An outline")]
public partial class HostOutline;

[CrewTask(Agent = typeof(HostWriter), Description = "Draft {Topic} from the outline", ExpectedOutput = "A draft")]
public partial class HostDraft;

[CrewTask(Agent = typeof(HostWriter), Description = "Polish the draft about {Topic}", ExpectedOutput = "A polished text")]
public partial class HostPolish;

[Crew<HostTopic>(Tasks = [typeof(HostOutline), typeof(HostDraft), typeof(HostPolish)])]
public partial class HostCrew;
