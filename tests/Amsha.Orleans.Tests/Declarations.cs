namespace Amsha.Orleans.Tests;

public sealed record ClusterTopic(string Topic);

[Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Writes on whichever silo the cluster picks.")]
public partial class ClusterWriter;

[CrewTask(Agent = typeof(ClusterWriter), Description = "Outline {Topic}", ExpectedOutput = "An outline")]
public partial class ClusterOutline;

[CrewTask(Agent = typeof(ClusterWriter), Description = "Draft {Topic} from the outline", ExpectedOutput = "A draft", Context = [typeof(ClusterOutline)])]
public partial class ClusterDraft;

[CrewTask(Agent = typeof(ClusterWriter), Description = "Polish the draft about {Topic}", ExpectedOutput = "A polished text", Context = [typeof(ClusterDraft)])]
public partial class ClusterPolish;

[Crew<ClusterTopic>(Tasks = [typeof(ClusterOutline), typeof(ClusterDraft), typeof(ClusterPolish)])]
public partial class ClusterCrew;
