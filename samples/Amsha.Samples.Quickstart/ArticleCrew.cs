using Amsha;

namespace Amsha.Samples.Quickstart;

/// <summary>What the crew writes about, and for whom.</summary>
public sealed record ArticleRequest(string Topic, string Audience = "engineers");

/// <summary>What the researcher found.</summary>
public sealed record ResearchNotes(string[] Facts, string[] Sources);

/// <summary>The finished article.</summary>
public sealed record Article(string Title, string Body, int WordCount);

[Agent(Role = "Senior researcher", Goal = "Uncover the key facts about {Topic}",
       Backstory = "A meticulous analyst who checks every source.", Llm = "evaluation")]
public partial class Researcher;

[Agent(Role = "Writer", Goal = "Explain {Topic} to {Audience}",
       Backstory = "A clear writer who never wastes a word.", Llm = "creative")]
public partial class Writer;

[CrewTask<ResearchNotes>(Agent = typeof(Researcher),
    Description = "Research {Topic}. List the five most important facts.",
    ExpectedOutput = "Facts with their sources")]
public partial class Research;

[CrewTask<Article>(Agent = typeof(Writer), OutputRepairs = 1,
    Description = "Write a short article about {Topic} for {audience} from the research.",
    ExpectedOutput = "A titled article", Context = [typeof(Research)])]
public partial class WriteArticle;

[Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(WriteArticle)])]
public partial class ArticleCrew;
