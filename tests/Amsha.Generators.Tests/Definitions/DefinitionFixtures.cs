using System.Linq;

namespace Amsha.Generators.Tests.Definitions;

/// <summary>Definition files in the layouts users already have, and the C# types they name.</summary>
internal static class DefinitionFixtures
{
    /// <summary>The C# side of every fixture: the input and output types the files name.</summary>
    public const string Types = """
        namespace Sample;

        public sealed record ResearchRequest(string Topic, int Year);

        public sealed record ResearchNotes(string[] Facts, string[] Sources);

        public sealed record Report(string Title, string Body, int WordCount);
        """;

    // ---- CrewAI's layout: agents.yaml and tasks.yaml keyed by id (the files' names say what they hold), plus crews.

    public const string CrewAiAgents = """
        # agents.yaml, as `crewai create crew` writes it
        researcher:
          role: >
            {topic} Senior Data Researcher
          goal: >
            Uncover cutting-edge developments in {topic}
          backstory: >
            You're a seasoned researcher with a knack for uncovering the latest
            developments in {topic}. Known for your ability to find the most relevant
            information and present it in a clear and concise manner.
          llm: evaluation

        reporting_analyst:
          role: >
            {topic} Reporting Analyst
          goal: >
            Create detailed reports based on {topic} data analysis and research findings
          backstory: >
            You're a meticulous analyst with a keen eye for detail.
          llm: creative
        """;

    public const string CrewAiTasks = """
        research_task:
          description: >
            Conduct a thorough research about {topic}.
            Make sure you find any interesting and relevant information given
            the current year is {year}.
          expected_output: >
            A list with 10 bullet points of the most relevant information about {topic}
          agent: researcher
          output: ResearchNotes

        reporting_task:
          description: >
            Review the context you got and expand each topic into a full section for a report.
          expected_output: |
            A fully fledged report as JSON, e.g. { "title": "...", "body": "..." }
          agent: reporting_analyst
          context: [research_task]
          output: Report
        """;

    public const string CrewAiCrews = """
        research_crew:
          tasks:
            - research_task
            - reporting_task
          process: sequential
          input: ResearchRequest
        """;

    public static DefinitionFileSet CrewAi(string? rootNamespace = "Sample", string? definitionsNamespace = null) => new(
        new[]
        {
            new InMemoryAdditionalText("/app/crews/agents.yaml", CrewAiAgents),
            new InMemoryAdditionalText("/app/crews/tasks.yaml", CrewAiTasks),
            new InMemoryAdditionalText("/app/crews/crews.yaml", CrewAiCrews),
        },
        rootNamespace,
        definitionsNamespace);

    // ---- Python Amsha's layout: one agent or task per file, and a job file whose steps name them by file.

    public const string AmshaAgent = """
        agent:
          role: "Senior researcher"
          goal: "Uncover the key facts about {topic}"
          backstory: "A meticulous analyst."
          llm: evaluation
        """;

    public const string AmshaWriter = """
        agent:
          role: Writer
          goal: Explain {topic} clearly
          backstory: Writes short, plain sentences.
        """;

    public const string AmshaResearchTask = """
        task:
          description: |
            Research {topic}.
            List the ten most important facts.
          expected_output: Facts with their sources
        """;

    public const string AmshaWriteTask = """
        task:
          description: Write a short article about {topic} from the research.
          expected_output: A titled article
          context: [research]
        """;

    public const string AmshaJob = """
        crew_name: Research Job
        crew:
          process: sequential
          input: ResearchRequest
          steps:
            - task_key: research
              task_file: tasks/research.yaml
              agent_file: agents/senior_researcher.yaml
            - task_key: write
              task_file: tasks/write.yaml
              agent_file: agents/writer.yaml
        """;

    public static DefinitionFileSet PythonAmsha() => DefinitionFileSet.Of(
        ("/app/amsha/job.yaml", AmshaJob),
        ("/app/amsha/agents/senior_researcher.yaml", AmshaAgent),
        ("/app/amsha/agents/writer.yaml", AmshaWriter),
        ("/app/amsha/tasks/research.yaml", AmshaResearchTask),
        ("/app/amsha/tasks/write.yaml", AmshaWriteTask));

    // ---- A small text-only crew in the sectioned layout: the golden snapshot and the prompt checks.

    public const string Poetry = """
        agents:
          poet:
            role: Poet
            goal: Write verse about {topic}
            backstory: Loves rhyme and literal braces like {this one} and {{ these }}.
            llm: creative
        tasks:
          draft:
            description: Draft a haiku about {Topic}.
            expected_output: 'Three lines, as JSON: { "lines": [] }'
            agent: poet
          polish task:
            description: Polish the draft for {AUDIENCE}.
            expected_output: A poem
            agent: poet
            context: [draft]
        crews:
          poetry_crew:
            tasks: [draft, polish task]
            input: PoemRequest
        """;

    public const string PoetryTypes = """
        namespace Sample;

        public sealed record PoemRequest(string Topic, string Audience);
        """;

    public static DefinitionFileSet PoetrySet(string? rootNamespace = "Sample") => new(new[] { new InMemoryAdditionalText("/app/poetry.yaml", Poetry) }, rootNamespace);

    /// <summary>Every file of <paramref name="sets"/> in one set.</summary>
    public static DefinitionFileSet Merge(params DefinitionFileSet[] sets) => new(sets.SelectMany(s => s.Definitions));
}
