using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using Amsha.Definitions;
using CsCheck;

namespace Amsha.Tests.Definitions;

/// <summary>
/// The shared definition-file reader, template scanner and catalog: every layout loaded from realistic files,
/// exact positions of values, keys and placeholders, and every way a file can be wrong reported as a problem
/// (never an exception).
/// </summary>
public sealed class DefinitionReaderTests
{
    // The shape `crewai create crew` generates: folded blocks, {topic} placeholders, Python-only keys.
    private const string CrewAiAgents = """
        researcher:
          role: >
            {topic} Senior Data Researcher
          goal: >
            Uncover cutting-edge developments in {topic}
          backstory: >
            You're a seasoned researcher with a knack for uncovering the latest
            developments in {topic}. Known for your ability to find the most relevant
            information and present it in a clear and concise manner.

        reporting_analyst:
          role: >
            {topic} Reporting Analyst
          goal: >
            Create detailed reports based on {topic} data analysis and research findings
          backstory: >
            You're a meticulous analyst with a keen eye for detail. You're known for
            your ability to turn complex data into clear and concise reports, making
            it easy for others to understand and act on the information you provide.
          verbose: true
          allow_delegation: false
          tools:
            - SerperDevTool
        """;

    private const string CrewAiTasks = """
        research_task:
          description: >
            Conduct a thorough research about {topic}
            Make sure you find any interesting and relevant information given
            the current year is {current_year}.
          expected_output: >
            A list with 10 bullet points of the most relevant information about {topic}
          agent: researcher

        reporting_task:
          description: >
            Review the context you got and expand each topic into a full section for a report.
            Make sure the report is detailed and contains any and all relevant information.
          expected_output: |
            A JSON object, exactly like this example:
            {"title": "{topic} report", "sections": [{ "heading": "...", "body": "..." }]}
            Braces such as {{, {} and { "a": 1 } stay as written.
          agent: reporting_analyst
          context:
            - research_task
          output_file: report.md
          async_execution: false
          human_input: false
        """;

    // Python Amsha: one agent per file, one task per file, and a job configuration that points at them.
    private const string AmshaAgent = """
        agent:
          role: "Expert Copywriter"
          goal: "Write compelling ad copy about {product}"
          backstory: "A world-class marketer with a flair for words."
          max_iter: 25
          allow_delegation: true
        """;

    private const string AmshaTask = """
        task:
          name: "Ad Copy Generation"
          description: |
            Generate five unique pieces of ad copy for {product}.
            Input:
            - Product data: {product_data} (a JSON object such as {"name": "...", "price": 1})
          expected_output: "A JSON array of five ad copy strings."
          markdown: true
        """;

    private const string AmshaJob = """
        crew_name: "Copy Crew"
        usecase: "copy"
        module_name: "copy"
        output_filepath: ".Amsha/output/intermediate/crew/crew_configurations.json"

        crews:
          copy_crew:
            knowledge_sources:
              - "./knowledge/products.json"
            steps:
              - task_key: "ad_copy_task"
                agent_key: "copywriter_agent"
                task_file: "tasks/ad_copy_task.yaml"
                agent_file: "agents/copywriter_agent.yaml"
                knowledge_sources: []

        pipeline:
          - "copy_crew"
        """;

    private const string Sectioned = """
        agents:
          researcher:
            role: Researcher
            goal: Find facts about {topic}
            backstory: Careful and curious.
            llm: fast
            tool_sources: [WebSearch, Calculator]
          writer:
            role: Writer
            goal: Write about {topic}
            backstory: Clear and short.
        tasks:
          research:
            description: Research {topic}.
            expected_output: Ten facts.
            agent: researcher
            tool_sources: WebSearch
          write:
            description: Write an article about {topic}.
            expected_output: An article.
            agent: writer
            context: research
            output: Article
        crews:
          article:
            process: Graph
            input: ArticleRequest
            tasks:
              - research
              - write
        """;

    // ----------------------------------------------------------------------------------------------------------
    // Layouts
    // ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void CrewAi_agents_yaml_loads_with_folded_values_and_placeholders()
    {
        var document = DefinitionReader.Read("config/agents.yaml", CrewAiAgents);

        Assert.Equal(new[] { "researcher", "reporting_analyst" }, document.Agents.Select(a => a.Name));
        Assert.Empty(document.Tasks);
        Assert.DoesNotContain(document.Problems, p => p.IsError);

        var researcher = document.Agents[0];
        Assert.Equal(At(CrewAiAgents, "researcher:"), researcher.NameRange.Start);
        Assert.Equal("{topic} Senior Data Researcher\n", researcher.Role!.Value);
        Assert.Equal(
            "You're a seasoned researcher with a knack for uncovering the latest developments in {topic}. Known for your ability to find the most relevant information and present it in a clear and concise manner.\n",
            researcher.Backstory!.Value);

        // The role's value starts at its '>' indicator (line 2, column 9); its placeholder's name on line 3, column 6.
        Assert.Equal(new TextPosition(2, 9, At(CrewAiAgents, ">").Offset), researcher.Role.Range.Start);
        var topic = Assert.Single(researcher.Role.Placeholders);
        Assert.Equal("topic", topic.Name);
        Assert.Equal(new TextPosition(3, 6, NameAt(CrewAiAgents, "topic", 0).Offset), topic.Range.Start);
        Assert.Equal(5, topic.Range.Length);
        Assert.Equal(NameAt(CrewAiAgents, "topic", 2), Assert.Single(researcher.Backstory.Placeholders).Range.Start);

        // verbose, allow_delegation and tools are warnings at their keys, each saying why.
        var ignored = document.Problems.Where(p => p.Kind == DefinitionProblemKind.IgnoredKey).ToList();
        Assert.Equal(3, ignored.Count);
        Assert.Equal(At(CrewAiAgents, "verbose"), ignored[0].Range.Start);
        Assert.Contains("'verbose' in agent 'reporting_analyst' is ignored", ignored[0].Message, StringComparison.Ordinal);
        Assert.Equal(At(CrewAiAgents, "allow_delegation"), ignored[1].Range.Start);
        Assert.Contains("L4", ignored[1].Message, StringComparison.Ordinal);
        Assert.Equal(At(CrewAiAgents, "tools:"), ignored[2].Range.Start);
        Assert.Contains("tool_sources", ignored[2].Message, StringComparison.Ordinal);
        Assert.All(ignored, p => Assert.False(p.IsError));
    }

    [Fact]
    public void CrewAi_tasks_yaml_loads_and_json_braces_in_an_expected_output_stay_literal()
    {
        var document = DefinitionReader.Read("config/tasks.yaml", CrewAiTasks);

        Assert.Equal(new[] { "research_task", "reporting_task" }, document.Tasks.Select(t => t.Name));
        Assert.DoesNotContain(document.Problems, p => p.IsError);

        var research = document.Tasks[0];
        Assert.Equal("researcher", research.Agent!.Value);
        Assert.Equal(new[] { "topic", "current_year" }, research.Description!.Placeholders.Select(p => p.Name));
        Assert.Equal(NameAt(CrewAiTasks, "current_year", 0), research.Description.Placeholders[1].Range.Start);
        Assert.Equal(5, research.Description.Placeholders[1].Range.Start.Line);

        var reporting = document.Tasks[1];
        Assert.Equal(
            "A JSON object, exactly like this example:\n{\"title\": \"{topic} report\", \"sections\": [{ \"heading\": \"...\", \"body\": \"...\" }]}\nBraces such as {{, {} and { \"a\": 1 } stay as written.\n",
            reporting.ExpectedOutput!.Value);

        // Only {topic} is a placeholder; the JSON example's braces are text.
        var topic = Assert.Single(reporting.ExpectedOutput.Placeholders);
        Assert.Equal("topic", topic.Name);
        var expected = NameAt(CrewAiTasks, "topic", 2);
        Assert.Equal(expected, topic.Range.Start);
        Assert.Equal(16, expected.Line);
        Assert.Equal(17, expected.Column);
        Assert.Equal("research_task", Assert.Single(reporting.Context).Value);
        Assert.Equal(
            new[] { "output_file", "async_execution" },
            document.Problems.Where(p => p.Kind == DefinitionProblemKind.IgnoredKey).Select(p => KeyAt(CrewAiTasks, p.Range)));

        // CrewAI's human_input is read: false is no review, written as such (it overrides a compiled task's review).
        Assert.Null(research.Review);
        Assert.Equal(0, reporting.Review!.Kind);
        Assert.Equal("human_input", reporting.Review.Key);
    }

    [Fact]
    public void Sectioned_layout_loads_agents_tasks_and_crews()
    {
        var document = DefinitionReader.Read("crews/article.yaml", Sectioned);

        Assert.Empty(document.Problems);
        Assert.Equal(new[] { "researcher", "writer" }, document.Agents.Select(a => a.Name));
        Assert.Equal(new[] { "research", "write" }, document.Tasks.Select(t => t.Name));
        var researcher = document.Agents[0];
        Assert.Equal("fast", researcher.Llm!.Value);
        Assert.Equal(new[] { "WebSearch", "Calculator" }, researcher.ToolSources.Select(t => t.Value));
        Assert.Equal(At(Sectioned, "Calculator"), researcher.ToolSources[1].Range.Start);
        Assert.Equal("WebSearch", Assert.Single(document.Tasks[0].ToolSources).Value);
        Assert.Equal("research", Assert.Single(document.Tasks[1].Context).Value);
        Assert.Equal("Article", document.Tasks[1].Output!.Value);

        var crew = Assert.Single(document.Crews);
        Assert.Equal("article", crew.Name);
        Assert.Equal("graph", crew.Process!.Value);
        Assert.Equal("ArticleRequest", crew.Input!.Value);
        Assert.Equal(new[] { "research", "write" }, crew.Steps.Select(s => s.Task.Value));
        Assert.All(crew.Steps, s => Assert.False(s.IsFileReference));
        Assert.Equal(At(Sectioned, "tasks:", 1), crew.StepsRange.Start);

        var catalog = DefinitionCatalog.Build(new[] { document });
        Assert.Empty(catalog.Problems);
        var steps = Assert.Single(catalog.Crews).Steps;
        Assert.Equal("writer", steps[1].Agent!.Entry.Name);
        Assert.Equal("writer", steps[1].AgentReference!.Value);
        Assert.Equal("crews/article.yaml", steps[1].Task!.Path);
    }

    [Fact]
    public void Json_is_read_like_yaml()
    {
        const string json = """
            {
            	"agents": { "analyst": { "role": "Analyst", "goal": "Explain {subject}", "backstory": "Patient." } },
            	"tasks": { "explain": { "description": "Explain {subject}.", "expected_output": "{\"answer\": \"...\"}", "agent": "analyst" } },
            	"crews": { "explainer": { "tasks": ["explain"], "process": "sequential" } }
            }
            """;

        var document = DefinitionReader.Read("definitions.json", json);

        Assert.Empty(document.Problems);
        var agent = Assert.Single(document.Agents);
        Assert.Equal("Explain {subject}", agent.Goal!.Value);
        Assert.Equal(NameAt(json, "subject", 0), Assert.Single(agent.Goal.Placeholders).Range.Start);
        var task = Assert.Single(document.Tasks);
        Assert.Equal("{\"answer\": \"...\"}", task.ExpectedOutput!.Value);
        Assert.Empty(task.ExpectedOutput.Placeholders);
        Assert.Equal("sequential", Assert.Single(document.Crews).Process!.Value);
    }

    [Fact]
    public void Python_amsha_agent_task_and_job_files_load_and_resolve_by_file()
    {
        var agent = DefinitionReader.Read("jobs/copy/agents/copywriter_agent.yaml", AmshaAgent);
        var task = DefinitionReader.Read("jobs/copy/tasks/ad_copy_task.yaml", AmshaTask);
        var job = DefinitionReader.Read("jobs/copy/job_config.yaml", AmshaJob);

        // No name: the agent is named after its file; the agent: key is where its name is.
        var copywriter = Assert.Single(agent.Agents);
        Assert.Equal("copywriter_agent", copywriter.Name);
        Assert.Equal(At(AmshaAgent, "agent:"), copywriter.NameRange.Start);
        Assert.Equal("Write compelling ad copy about {product}", copywriter.Goal!.Value);
        Assert.Equal(NameAt(AmshaAgent, "product", 0), Assert.Single(copywriter.Goal.Placeholders).Range.Start);
        Assert.Equal(new[] { "max_iter", "allow_delegation" }, agent.Problems.Select(p => KeyAt(AmshaAgent, p.Range)));
        Assert.All(agent.Problems, p => Assert.Equal(DefinitionProblemKind.IgnoredKey, p.Kind));

        // name: with spaces names the task.
        var adCopy = Assert.Single(task.Tasks);
        Assert.Equal("Ad Copy Generation", adCopy.Name);
        Assert.Equal(At(AmshaTask, "\"Ad Copy Generation\""), adCopy.NameRange.Start);
        Assert.Equal(new[] { "product", "product_data" }, adCopy.Description!.Placeholders.Select(p => p.Name));
        Assert.Equal(NameAt(AmshaTask, "product_data", 0), adCopy.Description.Placeholders[1].Range.Start);
        Assert.Equal("markdown", KeyAt(AmshaTask, Assert.Single(task.Problems).Range));

        // The job: crews keyed by name, steps by file; Python-only keys are warnings.
        var crew = Assert.Single(job.Crews);
        Assert.Equal("copy_crew", crew.Name);
        var step = Assert.Single(crew.Steps);
        Assert.True(step.IsFileReference);
        Assert.Equal("tasks/ad_copy_task.yaml", step.Task.Value);
        Assert.Equal("agents/copywriter_agent.yaml", step.Agent!.Value);
        Assert.DoesNotContain(job.Problems, p => p.IsError);
        Assert.Equal(
            new[] { "knowledge_sources", "knowledge_sources", "crew_name", "usecase", "module_name", "output_filepath", "pipeline" }.OrderBy(k => k, StringComparer.Ordinal),
            job.Problems.Select(p => KeyAt(AmshaJob, p.Range)).OrderBy(k => k, StringComparer.Ordinal));

        var catalog = DefinitionCatalog.Build(new[] { job, task, agent });
        Assert.DoesNotContain(catalog.Problems, p => p.IsError);
        var resolved = Assert.Single(Assert.Single(catalog.Crews).Steps);
        Assert.Same(adCopy, resolved.Task!.Entry);
        Assert.Equal("jobs/copy/tasks/ad_copy_task.yaml", resolved.Task.Path);
        Assert.Same(copywriter, resolved.Agent!.Entry);
        Assert.Equal("agents/copywriter_agent.yaml", resolved.AgentReference!.Value);
    }

    [Fact]
    public void A_job_with_a_single_crew_takes_its_name_from_name_or_the_file_and_tasks_as_names()
    {
        const string job = """
            crew:
              tasks:
                - research
                - { task: write, agent: editor }
              process: sequential
            """;

        var document = DefinitionReader.Read(@"C:\repo\jobs\weekly_report.yml", job);

        Assert.Empty(document.Problems);
        var crew = Assert.Single(document.Crews);
        Assert.Equal("weekly_report", crew.Name);
        Assert.Equal(At(job, "crew:"), crew.NameRange.Start);
        Assert.Equal(new[] { "research", "write" }, crew.Steps.Select(s => s.Task.Value));
        Assert.Null(crew.Steps[0].Agent);
        Assert.Equal("editor", crew.Steps[1].Agent!.Value);

        var named = DefinitionReader.Read("job.yaml", "crew_name: Weekly\ncrew:\n  steps: [a]\n");
        Assert.Equal("Weekly", Assert.Single(named.Crews).Name);
        var explicitName = DefinitionReader.Read("job.yaml", "crew_name: Weekly\ncrew:\n  name: Monthly Report\n  steps: [a]\n");
        Assert.Equal("Monthly Report", Assert.Single(explicitName.Crews).Name);
    }

    [Fact]
    public void Entries_are_classified_by_their_keys_or_by_the_file_name()
    {
        const string mixed = """
            analyst:
              role: Analyst
            summarize:
              expected_output: A summary.
            pipeline_crew:
              steps: [summarize]
            mystery:
              colour: blue
            """;

        var document = DefinitionReader.Read("things.yaml", mixed);
        Assert.Equal("analyst", Assert.Single(document.Agents).Name);
        Assert.Equal("summarize", Assert.Single(document.Tasks).Name);
        Assert.Equal("pipeline_crew", Assert.Single(document.Crews).Name);
        var unknown = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.InvalidValue, unknown.Kind);
        Assert.Equal(At(mixed, "mystery"), unknown.Range.Start);

        // In agents.yaml every entry is an agent, even one with no keys at all (its text is reported missing later).
        var agents = DefinitionReader.Read("config/Agents.YML", "empty_one:\nodd_one:\n  colour: blue\n");
        Assert.Equal(new[] { "empty_one", "odd_one" }, agents.Agents.Select(a => a.Name));
        Assert.Null(agents.Agents[0].Role);
        Assert.Equal(DefinitionProblemKind.IgnoredKey, Assert.Single(agents.Problems).Kind);

        var tasks = DefinitionReader.Read("tasks.yaml", "t1:\n  colour: blue\n");
        Assert.Equal("t1", Assert.Single(tasks.Tasks).Name);
        var crews = DefinitionReader.Read("crews.yaml", "c1: {}\n");
        Assert.Equal("c1", Assert.Single(crews.Crews).Name);

        // An agent called "agent" in CrewAI's agents.yaml is still an agent.
        var agentNamedAgent = DefinitionReader.Read("agents.yaml", "agent:\n  role: R\n");
        Assert.Equal("agent", Assert.Single(agentNamedAgent.Agents).Name);
    }

    [Fact]
    public void An_empty_file_declares_nothing_and_a_root_that_is_not_a_map_is_a_problem()
    {
        Assert.Empty(DefinitionReader.Read("a.yaml", "").Problems);
        Assert.Empty(DefinitionReader.Read("a.yaml", "# only a comment\n").Problems);
        Assert.Equal(DefinitionProblemKind.InvalidValue, Assert.Single(DefinitionReader.Read("a.yaml", "- a\n- b\n").Problems).Kind);
        Assert.Equal(DefinitionProblemKind.InvalidValue, Assert.Single(DefinitionReader.Read("a.yaml", "just text").Problems).Kind);
        var listSection = Assert.Single(DefinitionReader.Read("a.yaml", "tasks: [a, b]\n").Problems);
        Assert.Contains("'tasks' must be a map keyed by task name, not a list", listSection.Message, StringComparison.Ordinal);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Positions and values
    // ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void Positions_of_values_keys_and_placeholders_in_literal_blocks_are_exact()
    {
        const string yaml = "agents:\n  a:\n    role: |\n      first {x} line\n        indented {y}\n      {x} again\n    goal: g\n";

        var agent = Assert.Single(DefinitionReader.Read("a.yaml", yaml).Agents);

        Assert.Equal(new TextPosition(2, 3, 10), agent.NameRange.Start);
        Assert.Equal(new TextPosition(2, 4, 11), agent.NameRange.End);
        var role = agent.Role!;
        Assert.Equal("first {x} line\n  indented {y}\n{x} again\n", role.Value);
        Assert.Equal(new TextPosition(3, 11, 23), role.Range.Start);
        Assert.Equal(new TextPosition(6, 16, yaml.IndexOf(" again", StringComparison.Ordinal) + 6), role.Range.End);
        Assert.Equal(
            new[] { new TextPosition(4, 14, 38), new TextPosition(5, 19, 64), new TextPosition(6, 8, 74) },
            role.Placeholders.Select(p => p.Range.Start));
        Assert.Equal(new[] { "x", "y", "x" }, role.Placeholders.Select(p => p.Name));
        Assert.All(role.Placeholders, p => Assert.Equal(1, p.Range.Length));
        Assert.All(role.Placeholders, p => Assert.Equal(p.Name, yaml.Substring(p.Range.Start.Offset, p.Range.Length)));
    }

    [Theory]
    [InlineData(">", "one {a} two\nthree {b}\n")]
    [InlineData(">-", "one {a} two\nthree {b}")]
    [InlineData(">+", "one {a} two\nthree {b}\n\n")]
    [InlineData("|", "one {a}\ntwo\n\nthree {b}\n")]
    [InlineData("|-", "one {a}\ntwo\n\nthree {b}")]
    [InlineData("|+", "one {a}\ntwo\n\nthree {b}\n\n")]
    [InlineData("|1", " one {a}\n two\n\n three {b}\n")]
    public void Folded_and_literal_blocks_keep_yaml_semantics_and_placeholder_positions(string indicator, string expected)
    {
        var yaml = "t:\n  description: " + indicator + "\n    one {a}\n    two\n\n    three {b}\n\n  expected_output: e\n";

        var task = Assert.Single(DefinitionReader.Read("tasks.yaml", yaml).Tasks);

        Assert.Equal(expected, task.Description!.Value);
        Assert.Equal(new[] { "a", "b" }, task.Description.Placeholders.Select(p => p.Name));
        Assert.Equal(new TextPosition(3, 10, yaml.IndexOf("{a}", StringComparison.Ordinal) + 1), task.Description.Placeholders[0].Range.Start);
        Assert.Equal(new TextPosition(6, 12, yaml.IndexOf("{b}", StringComparison.Ordinal) + 1), task.Description.Placeholders[1].Range.Start);
        Assert.Equal(new TextPosition(2, 16, yaml.IndexOf(indicator, StringComparison.Ordinal)), task.Description.Range.Start);
    }

    [Fact]
    public void A_comment_on_a_block_header_does_not_move_placeholders()
    {
        const string yaml = "a:\n  role: > # about {topic}\n    All about {topic}\n";

        var role = Assert.Single(DefinitionReader.Read("agents.yaml", yaml).Agents).Role!;

        Assert.Equal("All about {topic}\n", role.Value);
        Assert.Equal(NameAt(yaml, "topic", 1), Assert.Single(role.Placeholders).Range.Start);
    }

    [Fact]
    public void Placeholders_in_quoted_and_multi_line_plain_scalars_are_found_where_written()
    {
        const string yaml = """
            a:
              role: "Say \"hi\" to {name}\t{name}"
              goal: 'It''s {goal_text}'
              backstory: Plain text that
                goes on about {subject}
                and {subject} again.
            """;

        var agent = Assert.Single(DefinitionReader.Read("agents.yaml", yaml).Agents);

        Assert.Equal("Say \"hi\" to {name}\t{name}", agent.Role!.Value);
        Assert.Equal(new[] { NameAt(yaml, "name", 0), NameAt(yaml, "name", 1) }, agent.Role.Placeholders.Select(p => p.Range.Start));
        Assert.Equal(new TextPosition(2, 9, yaml.IndexOf('"', StringComparison.Ordinal)), agent.Role.Range.Start);
        Assert.Equal("It's {goal_text}", agent.Goal!.Value);
        Assert.Equal(NameAt(yaml, "goal_text", 0), Assert.Single(agent.Goal.Placeholders).Range.Start);
        Assert.Equal("Plain text that goes on about {subject} and {subject} again.", agent.Backstory!.Value);
        Assert.Equal(new[] { NameAt(yaml, "subject", 0), NameAt(yaml, "subject", 1) }, agent.Backstory.Placeholders.Select(p => p.Range.Start));
        Assert.Equal(5, agent.Backstory.Placeholders[0].Range.Start.Line);
    }

    [Fact]
    public void A_placeholder_written_with_an_escape_points_at_its_value()
    {
        const string yaml = "a:\n  role: \"\\x7Btopic} and {topic}\"\n";

        var role = Assert.Single(DefinitionReader.Read("agents.yaml", yaml).Agents).Role!;

        Assert.Equal("{topic} and {topic}", role.Value);
        Assert.Equal(2, role.Placeholders.Count);

        // The first {topic} of the value is the first written one; the escaped one has no written name.
        Assert.Equal(NameAt(yaml, "topic", 0), role.Placeholders[0].Range.Start);
        Assert.Equal(role.Range, role.Placeholders[1].Range);
    }

    [Fact]
    public void Crlf_line_ends_and_a_byte_order_mark_give_the_same_lines_and_true_offsets()
    {
        const string yaml = "\uFEFFa:\r\n  role: >\r\n    x {topic}\r\n  goal: g\r\n";

        var agent = Assert.Single(DefinitionReader.Read("agents.yaml", yaml).Agents);

        Assert.Equal("a", agent.Name);
        Assert.Equal(new TextPosition(1, 1, 1), agent.NameRange.Start);
        var topic = Assert.Single(agent.Role!.Placeholders);
        Assert.Equal(new TextPosition(3, 8, yaml.IndexOf("topic", StringComparison.Ordinal)), topic.Range.Start);
        Assert.Equal(new TextPosition(4, 9, yaml.IndexOf("g\r\n", StringComparison.Ordinal)), agent.Goal!.Range.Start);
    }

    [Fact]
    public void An_empty_value_is_empty_text_at_its_key()
    {
        const string yaml = "a:\n  role:\n  goal: ~\n  backstory: \"\"\n";

        var agent = Assert.Single(DefinitionReader.Read("agents.yaml", yaml).Agents);

        Assert.Equal(string.Empty, agent.Role!.Value);
        Assert.Equal(At(yaml, "role"), agent.Role.Range.Start);
        Assert.Equal(4, agent.Role.Range.Length);
        Assert.Equal(string.Empty, agent.Goal!.Value);
        Assert.Equal(At(yaml, "goal"), agent.Goal.Range.Start);

        // Quoted, an empty value is written where it is.
        Assert.Equal(string.Empty, agent.Backstory!.Value);
        Assert.Equal(At(yaml, "\"\""), agent.Backstory.Range.Start);
    }

    [Fact]
    public void Tags_are_ignored_and_values_are_only_text()
    {
        const string yaml = "a:\n  role: !!python/object/apply:os.system [\"echo pwned\"]\n  goal: !!python/object:builtins.str Goal\n  backstory: !!int 42\n";

        var document = DefinitionReader.Read("agents.yaml", yaml);

        var agent = Assert.Single(document.Agents);
        Assert.Equal("Goal", agent.Goal!.Value);
        Assert.Equal("42", agent.Backstory!.Value);

        // A list where text belongs is a problem, whatever its tag.
        Assert.Null(agent.Role);
        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.InvalidValue, problem.Kind);
        Assert.Contains("must be text, not a list", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_keys_and_anchors_are_followed()
    {
        const string yaml = """
            base: &base
              goal: Shared goal for {topic}
              backstory: Shared backstory.
            analyst:
              <<: *base
              role: Analyst
            critic:
              <<: *base
              role: Critic
              goal: Own goal
            """;

        var document = DefinitionReader.Read("agents.yaml", yaml);

        Assert.Empty(document.Problems);
        var analyst = document.Agents.Single(a => a.Name == "analyst");
        Assert.Equal("Shared goal for {topic}", analyst.Goal!.Value);
        Assert.Equal(NameAt(yaml, "topic", 0), Assert.Single(analyst.Goal.Placeholders).Range.Start);
        Assert.Equal("Own goal", document.Agents.Single(a => a.Name == "critic").Goal!.Value);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Keys and values a crew cannot use
    // ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void Unknown_keys_are_warnings_at_the_key_with_the_nearest_known_key()
    {
        const string yaml = "t:\n  description: d\n  expected-output: e\n  Agent: a\n  colour: blue\n";

        var document = DefinitionReader.Read("tasks.yaml", yaml);

        Assert.Equal(3, document.Problems.Count);
        Assert.All(document.Problems, p => Assert.Equal(DefinitionProblemKind.IgnoredKey, p.Kind));
        Assert.Equal(At(yaml, "expected-output"), document.Problems[0].Range.Start);
        Assert.Equal("expected-output".Length, document.Problems[0].Range.Length);
        Assert.Contains("unknown key 'expected-output' in task 't' is ignored; did you mean 'expected_output'?", document.Problems[0].Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("did you mean 'agent'?", document.Problems[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", document.Problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("description, expected_output, agent, context, output, tool_sources, review and human_input", document.Problems[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_and_maps_where_text_belongs_are_invalid_values()
    {
        const string yaml = "a:\n  role:\n    - one\n    - two\n  goal: { x: 1 }\n  tool_sources: [ok, [nested]]\n";

        var document = DefinitionReader.Read("agents.yaml", yaml);

        var problems = document.Problems;
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.Equal(DefinitionProblemKind.InvalidValue, p.Kind));
        Assert.Equal(At(yaml, "- one"), problems[0].Range.Start);
        Assert.Contains("'role' of agent 'a' must be text, not a list", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("not a map", problems[1].Message, StringComparison.Ordinal);
        Assert.Equal(At(yaml, "[nested]"), problems[2].Range.Start);
        Assert.Equal("ok", Assert.Single(Assert.Single(document.Agents).ToolSources).Value);
    }

    [Theory]
    [InlineData("review: approve", 1, "approve")]
    [InlineData("review: Edit", 2, "Edit")]
    [InlineData("review: approve, edit", 3, "approve, edit")]
    [InlineData("review: [approve, edit]", 3, "[approve")]
    [InlineData("review:\n    - edit\n    - approve", 3, "- edit")]
    [InlineData("review: none", 0, "none")]
    [InlineData("human_input: true", 1, "true")]
    [InlineData("human_input: True", 1, "True")]
    [InlineData("human_input: yes", 1, "yes")]
    [InlineData("human_input: false", 0, "false")]
    public void Review_and_human_input_are_read_as_review_kinds(string line, int kind, string at)
    {
        var yaml = "t:\n  description: d\n  expected_output: e\n  " + line + "\n";

        var document = DefinitionReader.Read("tasks.yaml", yaml);

        Assert.Empty(document.Problems);
        var review = Assert.Single(document.Tasks).Review!;
        Assert.Equal(kind, review.Kind);
        Assert.Equal(line.Substring(0, line.IndexOf(':', StringComparison.Ordinal)), review.Key);
        Assert.Equal(At(yaml, at), review.Range.Start);
    }

    [Theory]
    [InlineData("review: approved", "approved", "review 'approved' of task 't' is not known; write none, approve")]
    [InlineData("review: true", "true", "review 'true' of task 't' is not known")]
    [InlineData("review: none, edit", "none, edit", "'review' of task 't' says both none and edit")]
    [InlineData("review: [approve, [edit]]", "[edit]", "'review' of task 't' lists what the reviewer may do; this item is a list")]
    [InlineData("review: { approve: true }", "{ approve", "'review' of task 't' must be text or a list, not a map")]
    [InlineData("review: ' , '", "' , '", "'review' of task 't' is empty")]
    [InlineData("review:", "review", "'review' of task 't' is empty")]
    [InlineData("human_input: maybe", "maybe", "'human_input' of task 't' must be true or false, not 'maybe'")]
    [InlineData("human_input: [true]", "[true]", "'human_input' of task 't' must be true or false, not a list")]
    [InlineData("human_input:", "human_input", "'human_input' of task 't' is empty")]
    public void A_review_that_is_not_known_is_an_invalid_value_where_it_is_written(string line, string at, string message)
    {
        var yaml = "t:\n  description: d\n  expected_output: e\n  " + line + "\n";

        var document = DefinitionReader.Read("tasks.yaml", yaml);

        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.InvalidValue, problem.Kind);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Equal(At(yaml, at), problem.Range.Start);
        Assert.Null(Assert.Single(document.Tasks).Review);
    }

    [Fact]
    public void Review_and_human_input_together_read_the_first_and_report_the_second()
    {
        const string yaml = "t:\n  description: d\n  expected_output: e\n  review: edit\n  human_input: true\n";

        var document = DefinitionReader.Read("tasks.yaml", yaml);

        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.InvalidValue, problem.Kind);
        Assert.Equal(At(yaml, "human_input"), problem.Range.Start);
        Assert.Contains("has both 'review' and 'human_input'", problem.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(document.Tasks).Review!.Kind);
    }

    [Fact]
    public void Human_input_on_an_agent_is_ignored_with_where_it_belongs()
    {
        var document = DefinitionReader.Read("agents.yaml", "a:\n  role: r\n  goal: g\n  backstory: b\n  human_input: true\n");

        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.IgnoredKey, problem.Kind);
        Assert.Contains("read on tasks only (review: approve, or human_input: true)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hierarchical_process_is_an_error_that_explains_law_L4()
    {
        const string yaml = "crews:\n  c:\n    process: hierarchical\n    manager_llm: gpt-4o\n    tasks: [a]\n";

        var document = DefinitionReader.Read("crews.yaml", yaml);

        var error = Assert.Single(document.Problems, p => p.IsError);
        Assert.Equal(DefinitionProblemKind.InvalidValue, error.Kind);
        Assert.Equal(At(yaml, "hierarchical"), error.Range.Start);
        Assert.Contains("client's job in Amsha (law L4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("sequential", error.Message, StringComparison.Ordinal);
        Assert.Null(Assert.Single(document.Crews).Process);
        Assert.Equal(At(yaml, "manager_llm"), Assert.Single(document.Problems, p => !p.IsError).Range.Start);

        var unknown = DefinitionReader.Read("crews.yaml", "crews:\n  c:\n    process: parallel\n    tasks: [a]\n");
        Assert.Contains("sequential or graph", Assert.Single(unknown.Problems).Message, StringComparison.Ordinal);
        var upper = DefinitionReader.Read("crews.yaml", "crews:\n  c:\n    process: SEQUENTIAL\n    tasks: [a]\n");
        Assert.Equal("sequential", Assert.Single(upper.Crews).Process!.Value);
    }

    [Fact]
    public void Steps_that_mix_names_and_files_or_lack_a_task_are_invalid()
    {
        const string yaml = """
            crews:
              c:
                steps:
                  - task_file: tasks/a.yaml
                    agent: writer
                  - agent: writer
                  - agent_file: agents/w.yaml
                  - [a]
                  -
                  - task: ok
            """;

        var document = DefinitionReader.Read("job.yaml", yaml);

        Assert.Equal(5, document.Problems.Count);
        Assert.All(document.Problems, p => Assert.Equal(DefinitionProblemKind.InvalidValue, p.Kind));
        Assert.Equal("ok", Assert.Single(Assert.Single(document.Crews).Steps).Task.Value);
    }

    [Fact]
    public void Duplicate_keys_in_one_map_are_problems_and_the_first_wins()
    {
        const string yaml = "a:\n  role: First\n  role: Second\nb:\n  role: B\na:\n  role: Again\n";

        var document = DefinitionReader.Read("agents.yaml", yaml);

        Assert.Equal(new[] { "a", "b" }, document.Agents.Select(a => a.Name));
        Assert.Equal("First", document.Agents[0].Role!.Value);
        Assert.Equal(2, document.Problems.Count);
        Assert.All(document.Problems, p => Assert.Equal(DefinitionProblemKind.DuplicateName, p.Kind));
        var role = Assert.Single(document.Problems, p => p.Range.Start == At(yaml, "role", 1));
        Assert.Contains("'role' is written twice in agent 'a' (first at line 2)", role.Message, StringComparison.Ordinal);
        var agent = Assert.Single(document.Problems, p => p.Range.Start == At(yaml, "a:", 1));
        Assert.Contains("first at line 1", agent.Message, StringComparison.Ordinal);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Malformed and hostile files
    // ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("a:\n  role: \"unclosed\n  goal: g\n", 2)]
    [InlineData("a:\n  role: r\n goal: g\n", 3)]
    [InlineData("a:\n\trole: r\n", 1)]
    [InlineData("a: [1, 2\nb: c\n", 1)]
    [InlineData("a: b: c\n", 1)]
    [InlineData("a:\n  role: r\n  - x\n", 3)]
    [InlineData("a: *missing\n", 1)]
    [InlineData("a: !<tag:yaml.org,2002:str x\n", 1)]
    public void Malformed_yaml_is_a_syntax_problem_with_a_position(string yaml, int line)
    {
        var document = DefinitionReader.Read("agents.yaml", yaml);

        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.Syntax, problem.Kind);
        Assert.True(problem.IsError);
        Assert.Equal("agents.yaml", problem.Path);
        Assert.Equal(line, problem.Range.Start.Line);
        Assert.InRange(problem.Range.Start.Offset, 0, yaml.Length);
        Assert.Empty(document.Agents);
    }

    [Fact]
    public void Python_amsha_input_sources_and_crew_llms_are_warnings()
    {
        const string yaml = """
            crews:
              story:
                llm: gpt-4o
                steps:
                  - task_key: write_story
                    agent_key: StoryTeller
                input:
                  - key_name: theme
                    source: direct
                    value: Magical Forest
            """;

        var document = DefinitionReader.Read("job_config.yaml", yaml);

        Assert.Equal(new[] { "llm", "input" }, document.Problems.Select(p => KeyAt(yaml, p.Range)));
        Assert.All(document.Problems, p => Assert.Equal(DefinitionProblemKind.IgnoredKey, p.Kind));
        Assert.Contains("input: TypeName", document.Problems[1].Message, StringComparison.Ordinal);
        var crew = Assert.Single(document.Crews);
        Assert.Null(crew.Input);

        // Without files, task_key and agent_key name the task and the agent.
        var step = Assert.Single(crew.Steps);
        Assert.False(step.IsFileReference);
        Assert.Equal("write_story", step.Task.Value);
        Assert.Equal("StoryTeller", step.Agent!.Value);
    }

    [Fact]
    public void Problems_of_one_file_are_capped()
    {
        var yaml = string.Concat(Enumerable.Range(0, 3000).Select(i => $"k{i}: text\n"));

        var document = DefinitionReader.Read("agents.yaml", yaml);

        Assert.Equal(DefinitionReader.MaxProblems + 1, document.Problems.Count);
        Assert.Contains("more than 1,000 problems", document.Problems[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_document_is_not_read()
    {
        var document = DefinitionReader.Read("agents.yaml", "a:\n  role: A\n---\nb:\n  role: B\n");

        Assert.Equal("a", Assert.Single(document.Agents).Name);
        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.InvalidValue, problem.Kind);
        Assert.Equal(3, problem.Range.Start.Line);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_not_read()
    {
        var text = "a:\n  role: " + new string('x', DefinitionReader.MaxFileCharacters) + "\n";

        var document = DefinitionReader.Read("agents.yaml", text);

        Assert.Empty(document.Agents);
        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.Syntax, problem.Kind);
        Assert.Contains("1,000,000", problem.Message, StringComparison.Ordinal);

        // At the limit it is read.
        var atLimit = "a:\n  role: " + new string('x', DefinitionReader.MaxFileCharacters - 12) + "\n";
        Assert.Equal(DefinitionReader.MaxFileCharacters, atLimit.Length);
        Assert.Single(DefinitionReader.Read("agents.yaml", atLimit).Agents);
    }

    [Fact]
    public void An_alias_bomb_is_a_problem_not_a_hang()
    {
        // Each level repeats the previous one ten times: 10^9 names if expanded.
        var yaml = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            var previous = "*l" + (level - 1);
            yaml.Append('l').Append(level).Append(": &l").Append(level).Append(" [")
                .Append(string.Join(", ", Enumerable.Repeat(previous, 10))).Append("]\n");
        }

        // Tasks whose context is the big list, and maps merged again and again.
        yaml.Append("m0: &m0 {").Append(string.Join(", ", Enumerable.Range(0, 2000).Select(i => "k" + i + ": v"))).Append("}\n");
        for (var i = 0; i < 200; i++)
        {
            yaml.Append('t').Append(i).Append(": {description: d, context: *l1, <<: *m0}\n");
        }

        // Bounded by the node limit, not by a clock: were it expanded, this test would never end.
        var document = DefinitionReader.Read("tasks.yaml", yaml.ToString());

        Assert.Empty(document.Tasks);
        var problem = Assert.Single(document.Problems);
        Assert.Equal(DefinitionProblemKind.Syntax, problem.Kind);
        Assert.Contains("100,000", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_a_problem_not_a_hang()
    {
        // Bounded by the depth limit (the parser slows with the square of the depth), not by a clock.
        var flow = DefinitionReader.Read("a.yaml", new string('[', DefinitionReader.MaxFileCharacters));
        var closed = DefinitionReader.Read("a.yaml", "a: " + new string('{', 300_000) + new string('}', 300_000));

        Assert.Equal(DefinitionProblemKind.Syntax, Assert.Single(flow.Problems).Kind);
        Assert.Equal(DefinitionProblemKind.Syntax, Assert.Single(closed.Problems).Kind);
    }

    [Fact]
    public void Cancellation_is_the_one_exception()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => DefinitionReader.Read("agents.yaml", CrewAiAgents, cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => DefinitionCatalog.Build(new[] { DefinitionReader.Read("a.yaml", Sectioned) }, cancelled.Token));
    }

    [Fact]
    public void Read_never_throws_on_random_or_mangled_text()
    {
        string[] pieces =
        {
            "a", "role", "tasks", "agents:", "crews:", "agent:", "task:", "steps:", "task_file: ../x.yaml", "{x}", "{", "}", "[", "]",
            ":", ": ", "-", "- ", ",", "#", "&a", "*a", "!!python/object", "!", "|", ">", "|-", ">+", "|9", "'", "\"", "\\",
            "\n", "\r\n", "\r", "\t", " ", "  ", "    ", "---", "...", "%YAML 1.2", "<<", "? ", "\u2028", "\uFEFF", "😀",
            "\ud800", "\u0000", "\u0085", "@", "`", "%",
        };
        var piece = Gen.Int[0, pieces.Length - 1].Select(i => pieces[i]);
        var random = piece.Array[0, 60].Select(string.Concat);

        string[] fixtures = { CrewAiAgents, CrewAiTasks, AmshaAgent, AmshaTask, AmshaJob, Sectioned };
        var mangled = Gen.Select(Gen.Int[0, fixtures.Length - 1], Gen.Select(Gen.Int[0, 4000], Gen.Int[0, 3], piece).Array[1, 6], (f, edits) =>
        {
            var text = new StringBuilder(fixtures[f]);
            foreach (var (at, kind, inserted) in edits)
            {
                var position = Math.Min(at, text.Length);
                var length = Math.Min(kind + 1, text.Length - position);
                switch (kind)
                {
                    case 0:
                        text.Insert(position, inserted);
                        break;
                    case 1:
                        text.Remove(position, length);
                        break;
                    default:
                        text.Remove(position, length).Insert(position, inserted);
                        break;
                }
            }

            return text.ToString();
        });

        Gen.OneOf(random, mangled).Sample(text =>
        {
            var document = DefinitionReader.Read("config/tasks.yaml", text);
            Assert.NotNull(document);
            foreach (var problem in document.Problems)
            {
                Assert.InRange(problem.Range.Start.Offset, 0, text.Length);
                Assert.InRange(problem.Range.End.Offset, problem.Range.Start.Offset, text.Length);
                Assert.True(problem.Range.Start.Line >= 1 && problem.Range.Start.Column >= 1);
            }

            foreach (var placeholder in document.Tasks.SelectMany(t => new[] { t.Description, t.ExpectedOutput }).SelectMany(t => t?.Placeholders ?? Array.Empty<PlaceholderUse>()))
            {
                Assert.InRange(placeholder.Range.End.Offset, 0, text.Length);
            }

            DefinitionCatalog.Build(new[] { document, DefinitionReader.Read("config/job.yaml", text) });
        }, iter: 3000);
    }

    // ----------------------------------------------------------------------------------------------------------
    // The catalog
    // ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void Names_defined_twice_across_files_are_reported_at_the_second_naming_the_first()
    {
        var first = DefinitionReader.Read("config/agents.yaml", CrewAiAgents);
        var second = DefinitionReader.Read("more/agents.yaml", "other:\n  role: O\nresearcher:\n  role: Again\n");
        var crews = DefinitionReader.Read("a.yaml", "crews:\n  c:\n    tasks: [x]\n");
        var crewsAgain = DefinitionReader.Read("b.yaml", "\n\ncrews:\n  c:\n    tasks: [y]\n");

        var catalog = DefinitionCatalog.Build(new[] { first, second, crews, crewsAgain });

        var duplicates = catalog.Problems.Where(p => p.Kind == DefinitionProblemKind.DuplicateName).ToList();
        Assert.Equal(2, duplicates.Count);
        Assert.Equal("more/agents.yaml", duplicates[0].Path);
        Assert.Equal(new TextPosition(3, 1, 17), duplicates[0].Range.Start);
        Assert.Contains("Agent 'researcher' is defined twice: first in config/agents.yaml at line 1", duplicates[0].Message, StringComparison.Ordinal);
        Assert.Equal("b.yaml", duplicates[1].Path);
        Assert.Contains("first in a.yaml at line 2", duplicates[1].Message, StringComparison.Ordinal);

        // The first definition wins.
        Assert.Equal("config/agents.yaml", catalog.Agents["researcher"].Path);
        Assert.Equal(3, catalog.Agents.Count);
        Assert.Equal("x", Assert.Single(Assert.Single(catalog.Crews).Steps).Step.Task.Value);

        // The documents' own problems come first.
        Assert.Equal(first.Problems, catalog.Problems.Take(first.Problems.Count));
    }

    [Theory]
    [InlineData("../secret.yaml", "leaves the directory")]
    [InlineData("tasks/../../secret.yaml", "leaves the directory")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData(@"C:\secrets\task.yaml", "absolute path")]
    [InlineData(@"\\server\share\task.yaml", "absolute path")]
    [InlineData("~/task.yaml", "absolute path")]
    [InlineData("tasks/missing.yaml", "is not one of the definition files")]
    [InlineData("agents/writer.yaml", "declares 0 tasks")]
    public void File_references_outside_the_directory_or_to_missing_files_are_problems(string reference, string message)
    {
        var job = $"crews:\n  c:\n    steps:\n      - task_file: \"{reference.Replace(@"\", @"\\", StringComparison.Ordinal)}\"\n        agent_file: agents/writer.yaml\n";
        var documents = new[]
        {
            DefinitionReader.Read("jobs/job.yaml", job),
            DefinitionReader.Read("jobs/agents/writer.yaml", "agent:\n  role: Writer\n"),
            DefinitionReader.Read("jobs/tasks/write.yaml", "task:\n  description: Write.\n"),
            DefinitionReader.Read("secret.yaml", "task:\n  description: Secret.\n"),
        };

        var catalog = DefinitionCatalog.Build(documents);

        var problem = Assert.Single(catalog.Problems);
        Assert.Equal(DefinitionProblemKind.FileReference, problem.Kind);
        Assert.Equal("jobs/job.yaml", problem.Path);
        Assert.Equal(new TextPosition(4, 20, job.IndexOf('"', StringComparison.Ordinal)), problem.Range.Start);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        var step = Assert.Single(Assert.Single(catalog.Crews).Steps);
        Assert.Null(step.Task);
        Assert.Equal("Writer", step.Agent!.Entry.Role!.Value);
    }

    [Fact]
    public void File_references_are_relative_to_the_crew_file_and_normalized()
    {
        var documents = new[]
        {
            DefinitionReader.Read(@"C:\repo\jobs\job.yaml", "crews:\n  c:\n    steps:\n      - task_file: ./tasks/sub/../write.yaml\n"),
            DefinitionReader.Read("C:/repo/jobs/tasks/write.yaml", "task:\n  description: Write.\n  agent: writer\n"),
            DefinitionReader.Read("C:/repo/agents.yaml", "writer:\n  role: Writer\n"),
        };

        var catalog = DefinitionCatalog.Build(documents);

        Assert.Empty(catalog.Problems);
        var step = Assert.Single(Assert.Single(catalog.Crews).Steps);
        Assert.Equal("write", step.Task!.Entry.Name);

        // No agent_file: the task's own agent, by name.
        Assert.Equal("C:/repo/agents.yaml", step.Agent!.Path);
        Assert.Equal("writer", step.AgentReference!.Value);
    }

    [Fact]
    public void Steps_whose_task_or_agent_is_not_found_resolve_to_null_for_the_consumer_to_report()
    {
        var document = DefinitionReader.Read("a.yaml", "tasks:\n  t:\n    description: d\n    agent: nobody\ncrews:\n  c:\n    tasks: [t, missing]\n");

        var catalog = DefinitionCatalog.Build(new[] { document });

        Assert.Empty(catalog.Problems);
        var steps = Assert.Single(catalog.Crews).Steps;
        Assert.NotNull(steps[0].Task);
        Assert.Null(steps[0].Agent);
        Assert.Equal("nobody", steps[0].AgentReference!.Value);
        Assert.Null(steps[1].Task);
        Assert.Null(steps[1].AgentReference);
    }

    // ----------------------------------------------------------------------------------------------------------
    // The placeholder rule
    // ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Research {topic}.", "Research |{topic}|.")]
    [InlineData("{a}{b_2}", "{a}|{b_2}")]
    [InlineData("{ \"a\": 1 }", "{ \"a\": 1 }")]
    [InlineData("{}", "{}")]
    [InlineData("{{", "{{")]
    [InlineData("{{topic}}", "{|{topic}|}")]
    [InlineData("{\"x\": {y}}", "{\"x\": |{y}|}")]
    [InlineData("{1st} {a-b} {a b} {é}", "{1st} {a-b} {a b} {é}")]
    [InlineData("{_private}", "{_private}")]
    [InlineData("{{{x", "{{{x")]
    [InlineData("", "")]
    public void Only_braced_identifiers_are_placeholders(string text, string expected)
    {
        var pieces = DefinitionTemplate.Parse(text);

        Assert.Equal(expected, string.Join("|", pieces.Select(p => p.IsPlaceholder ? "{" + p.Text + "}" : p.Text)));

        // The pieces tile the text, and each placeholder's span is its braces and name.
        var offset = 0;
        foreach (var piece in pieces)
        {
            Assert.Equal(offset, piece.Offset);
            Assert.Equal(piece.IsPlaceholder ? "{" + piece.Text + "}" : piece.Text, text.Substring(piece.Offset, piece.Length));
            offset += piece.Length;
        }

        Assert.Equal(text.Length, offset);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers
    // ----------------------------------------------------------------------------------------------------------

    /// <summary>Where the <paramref name="occurrence"/>-th <paramref name="needle"/> starts in a text with LF line ends.</summary>
    private static TextPosition At(string text, string needle, int occurrence = 0)
    {
        var index = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            index = text.IndexOf(needle, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"'{needle}' #{occurrence} is not in the text");
        }

        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new TextPosition(line, index - lineStart + 1, index);
    }

    /// <summary>Where the name of the <paramref name="occurrence"/>-th <c>{name}</c> is written.</summary>
    private static TextPosition NameAt(string text, string name, int occurrence)
    {
        var brace = At(text, "{" + name + "}", occurrence);
        return brace with { Column = brace.Column + 1, Offset = brace.Offset + 1 };
    }

    /// <summary>The text a problem's range covers (a key, in the tests that use it).</summary>
    private static string KeyAt(string text, TextRange range) => text.Substring(range.Start.Offset, range.Length);
}
