namespace Amsha.Tests.DependencyInjection;

// A real crew: the generator in this project emits its constructor, members and AddAmshaCrews().
public sealed record GuideRequest(string Topic, string Audience = "engineers");

[Agent(Role = "Analyst", Goal = "Find what matters about {Topic}", Backstory = "Reads everything.", Llm = "evaluation")]
public partial class Analyst;

[Agent(Role = "Author", Goal = "Explain {topic} to {AUDIENCE}", Backstory = "Writes {{plainly}}.", Llm = "creative")]
public partial class Author;

[CrewTask(Agent = typeof(Analyst), Description = "Analyse {Topic}.", ExpectedOutput = "Key points")]
public partial class Analyse;

[CrewTask(Agent = typeof(Author), Description = "Write a guide to {Topic} for {Audience}.", ExpectedOutput = "A guide", Context = [typeof(Analyse)])]
public partial class WriteGuide;

[Crew<GuideRequest>(Tasks = [typeof(Analyse), typeof(WriteGuide)])]
public partial class GuideCrew;
