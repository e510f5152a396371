using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.Generators.Tests.Definitions;

/// <summary>
/// Every mistake in a definition file is reported at its line and column in the file, with the id the same mistake
/// gets with attributes. Expected diagnostics are written as markup in the YAML (<c>{|AMSHA004:topik|}</c>).
/// </summary>
public sealed class DefinitionDiagnosticsTests
{
    private const string Types = """
        namespace Sample;

        public sealed record ArticleRequest(string Topic, string Audience);

        public sealed record Notes(string[] Facts);
        """;

    private const string Agents = """
        researcher:
          role: Senior researcher
          goal: Uncover the key facts about {topic}
          backstory: A meticulous analyst.
        writer:
          role: Writer
          goal: Explain {topic} to {audience}
          backstory: A clear writer.
        """;

    private const string Tasks = """
        research:
          description: Research {topic}.
          expected_output: Facts
          agent: researcher
        write:
          description: Write about {topic} for {audience}.
          expected_output: An article
          agent: writer
          context: [research]
        """;

    /// <summary>Files as (path, markup); the C# of the project; every AMSHA diagnostic must be marked, at its exact span, line and column.</summary>
    private static async Task<ImmutableArray<Diagnostic>> VerifyAsync(string csharp, params (string Path, string Markup)[] files)
    {
        var parsed = files.Select(f => (f.Path, Parsed: AnalyzerHarness.ParseMarkup(f.Markup))).ToList();
        var set = DefinitionFileSet.Of(parsed.Select(p => (p.Path, p.Parsed.Source)).ToArray());
        var diagnostics = (await set.AnalyzeAsync(csharp)).Where(d => d.Id.StartsWith("AMSHA", StringComparison.Ordinal)).ToImmutableArray();

        var expected = parsed.SelectMany(p => p.Parsed.Expected.Select(e => (p.Path, e.Id, e.Span))).OrderBy(k => k.Path).ThenBy(k => k.Span.Start).ThenBy(k => k.Id).ToList();
        var actual = diagnostics.Select(d => (d.Location.GetLineSpan().Path, d.Id, d.Location.SourceSpan)).OrderBy(k => k.Path).ThenBy(k => k.SourceSpan.Start).ThenBy(k => k.Id).ToList();
        if (!expected.SequenceEqual(actual))
        {
            throw new DiagnosticMismatchException(Describe(parsed.ToDictionary(p => p.Path, p => p.Parsed.Source), expected, diagnostics));
        }

        // Line and column agree with the span in the file's text (what the IDE and the build log show).
        foreach (var diagnostic in diagnostics)
        {
            var lineSpan = diagnostic.Location.GetLineSpan();
            var text = SourceText.From(parsed.Single(p => p.Path == lineSpan.Path).Parsed.Source);
            Assert.Equal(text.Lines.GetLinePositionSpan(diagnostic.Location.SourceSpan), lineSpan.Span);
        }

        return diagnostics;
    }

    private static string Describe(Dictionary<string, string> sources, List<(string Path, string Id, TextSpan Span)> expected, ImmutableArray<Diagnostic> actual)
    {
        var text = new StringBuilder("Diagnostics differ.\nExpected:\n");
        foreach (var (path, id, span) in expected)
        {
            text.Append("  ").Append(id).Append(" in ").Append(path).Append(" at ").Append(span).Append(" '").Append(sources[path].Substring(span.Start, span.Length)).AppendLine("'");
        }

        text.AppendLine("Actual:");
        foreach (var d in actual)
        {
            var lineSpan = d.Location.GetLineSpan();
            var span = d.Location.SourceSpan;
            var snippet = sources.TryGetValue(lineSpan.Path ?? "", out var source) && span.End <= source.Length ? source.Substring(span.Start, span.Length) : d.Location.ToString();
            text.Append("  ").Append(d.Id).Append(" in ").Append(lineSpan.Path).Append(" at ").Append(span).Append(' ').Append(lineSpan.Span.Start).Append(" '").Append(snippet).Append("': ").AppendLine(d.GetMessage(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string Message(ImmutableArray<Diagnostic> diagnostics, string id) =>
        diagnostics.Single(d => d.Id == id).GetMessage(CultureInfo.InvariantCulture);

    private static (string, string)[] Files(string agents, string tasks, string crews) =>
        [("/app/agents.yaml", agents), ("/app/tasks.yaml", tasks), ("/app/crews.yaml", crews)];

    [Fact]
    public async Task Correct_files_of_both_layouts_get_no_diagnostic_at_all()
    {
        await VerifyAsync(Types, Files(Agents, Tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));
        await VerifyAsync(DefinitionFixtures.Types,
            ("/app/amsha/job.yaml", DefinitionFixtures.AmshaJob),
            ("/app/amsha/agents/senior_researcher.yaml", DefinitionFixtures.AmshaAgent),
            ("/app/amsha/agents/writer.yaml", DefinitionFixtures.AmshaWriter),
            ("/app/amsha/tasks/research.yaml", DefinitionFixtures.AmshaResearchTask),
            ("/app/amsha/tasks/write.yaml", DefinitionFixtures.AmshaWriteTask));
        await VerifyAsync(DefinitionFixtures.Types,
            ("/app/crews/agents.yaml", DefinitionFixtures.CrewAiAgents),
            ("/app/crews/tasks.yaml", DefinitionFixtures.CrewAiTasks),
            ("/app/crews/crews.yaml", DefinitionFixtures.CrewAiCrews));
    }

    [Fact]
    public async Task AMSHA002_an_agent_name_that_names_no_agent_with_a_suggestion()
    {
        var diagnostics = await VerifyAsync(Types, Files(Agents, Tasks.Replace("agent: researcher", "agent: {|AMSHA002:reseacher|}"), "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));

        Assert.Equal("Task 'research' names 'reseacher' as its agent, but no agent 'reseacher' is defined (did you mean 'researcher'?); define it or name another agent", Message(diagnostics, "AMSHA002"));
    }

    [Fact]
    public async Task AMSHA002_a_task_without_agent_in_a_crew_is_reported_at_the_task()
    {
        await VerifyAsync(Types, Files(Agents, Tasks + "\n{|AMSHA002:lonely|}:\n  description: Alone.\n  expected_output: Nothing\n", "article_crew:\n  tasks: [research, lonely]\n  input: ArticleRequest\n"));
    }

    [Fact]
    public async Task AMSHA003_unknown_tasks_in_a_crew_and_in_a_context()
    {
        var diagnostics = await VerifyAsync(Types, Files(
            Agents,
            Tasks.Replace("context: [research]", "context: [{|AMSHA003:reserch|}]"),
            "article_crew:\n  tasks: [research, {|AMSHA003:wrte|}]\n  input: ArticleRequest\n"));

        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture) == "'wrte' in the tasks of 'article_crew' is not a task (did you mean 'write'?); define a task named 'wrte' in a definition file or remove it from tasks");
        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture).StartsWith("'reserch' in the context of 'write' is not a task (did you mean 'research'?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMSHA004_a_misspelled_placeholder_inside_a_folded_block_is_reported_at_its_line_and_column()
    {
        var tasks = """
            research:
              description: >
                Research the subject
                named {{|AMSHA004:topik|}} in depth,
                for {audience}.
              expected_output: Facts
              agent: researcher
            """;

        var diagnostics = await VerifyAsync(Types, Files(Agents, tasks, "article_crew:\n  tasks: [research]\n  input: ArticleRequest\n"));

        var diagnostic = diagnostics.Single();
        Assert.Equal(new LinePosition(3, 11), diagnostic.Location.GetLineSpan().StartLinePosition);
        Assert.Equal("Placeholder '{topik}' in the description of 'research' has no matching member in 'Sample.ArticleRequest', the input of crew 'article_crew'; available: Topic, Audience (did you mean 'Topic'?)", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AMSHA004_placeholders_of_a_crew_without_input_and_in_agent_texts()
    {
        var agents = Agents.Replace("Explain {topic} to {audience}", "Explain {{|AMSHA004:topic|}} to {{|AMSHA004:audience|}}");
        var tasks = Tasks.Replace("Write about {topic} for {audience}.", "Write about {{|AMSHA004:topic|}} for {{|AMSHA004:audience|}}.").Replace("\n  context: [research]", "");

        var diagnostics = await VerifyAsync(Types, Files(agents, tasks, "article_crew:\n  tasks: [write]\n"));

        Assert.All(diagnostics, d => Assert.Contains("crew 'article_crew' has no input type; set 'input' to a C# type", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Braces_that_are_not_placeholders_are_text_and_get_no_diagnostic()
    {
        var tasks = Tasks.Replace("expected_output: An article", "expected_output: 'JSON like { \"a\": {}, \"b\": \"{{ x }}\" } or { topic } or {1st}'");

        await VerifyAsync(Types, Files(Agents, tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));
    }

    [Fact]
    public async Task AMSHA005_a_context_cycle_on_the_entry_that_closes_it()
    {
        // Reported on the entry that closes the cycle: write's context, back to research.
        var tasks = Tasks.Replace("  agent: researcher\n", "  agent: researcher\n  context: [write]\n").Replace("context: [research]", "context: [{|AMSHA005:research|}]");

        var diagnostics = await VerifyAsync(Types, Files(Agents, tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n  process: graph\n"));

        Assert.Equal("The tasks of crew 'article_crew' depend on each other in a cycle: research → write → research; remove one of these Context entries", Message(diagnostics, "AMSHA005"));
    }

    [Fact]
    public async Task AMSHA006_context_outside_the_crew_and_after_the_task()
    {
        var outside = await VerifyAsync(Types, Files(Agents, Tasks.Replace("context: [research]", "context: [{|AMSHA006:research|}]"), "article_crew:\n  tasks: [write]\n  input: ArticleRequest\n"));
        Assert.Contains("which is not a task of crew 'article_crew'", Message(outside, "AMSHA006"), StringComparison.Ordinal);

        var after = await VerifyAsync(Types, Files(Agents, Tasks.Replace("context: [research]", "context: [{|AMSHA006:research|}]"), "article_crew:\n  tasks: [write, research]\n  input: ArticleRequest\n"));
        Assert.Contains("list 'research' before 'write' in tasks or set process: graph", Message(after, "AMSHA006"), StringComparison.Ordinal);

        // A graph crew runs each task when its context is ready: the order of tasks does not matter.
        await VerifyAsync(Types, Files(Agents, Tasks, "article_crew:\n  tasks: [write, research]\n  input: ArticleRequest\n  process: graph\n"));
    }

    [Fact]
    public async Task AMSHA007_a_crew_without_tasks()
    {
        var diagnostics = await VerifyAsync(Types, Files(Agents, Tasks, "article_crew:\n  {|AMSHA007:tasks|}: []\n  input: ArticleRequest\n"));

        Assert.Equal("Crew 'article_crew' declares no tasks; list the tasks it runs under 'tasks' (or its steps under 'steps')", Message(diagnostics, "AMSHA007"));
    }

    [Fact]
    public async Task AMSHA008_a_task_listed_twice_is_a_warning_and_the_crew_is_still_generated()
    {
        var files = Files(Agents, Tasks, "article_crew:\n  tasks: [research, write, {|AMSHA008:research|}]\n  input: ArticleRequest\n");

        var diagnostics = await VerifyAsync(Types, files);

        Assert.Equal(DiagnosticSeverity.Warning, diagnostics.Single().Severity);
        var run = DefinitionFileSet.Of(files.Select(f => (f.Item1, AnalyzerHarness.ParseMarkup(f.Item2).Source)).ToArray()).Run(Types);
        Assert.Contains("Sample.ArticleCrew.DefinedCrew.g.cs", run.Sources.Keys);
    }

    [Fact]
    public async Task AMSHA010_an_output_type_that_cannot_be_serialized_at_the_output_value()
    {
        var types = Types + "\npublic sealed record Photo(System.IO.Stream Data);\npublic sealed record Draft(string Title, Photo Photo);\n";
        var tasks = Tasks.Replace("  agent: writer\n", "  agent: writer\n  output: {|AMSHA010:Draft|}\n");

        var diagnostics = await VerifyAsync(types, Files(Agents, tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));

        Assert.StartsWith("'Draft.Photo.Data' cannot be serialized at compile time: type 'System.IO.Stream' is not supported", Message(diagnostics, "AMSHA010"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMSHA011_missing_and_empty_texts()
    {
        var agents = """
            researcher:
              role: Senior researcher
              goal: {|AMSHA011:""|}
              backstory: A meticulous analyst.
            {|AMSHA011:writer|}:
              role: Writer
              goal: Write
            """;
        var tasks = Tasks.Replace("expected_output: Facts", "{|AMSHA011:expected_output|}:");

        var diagnostics = await VerifyAsync(Types, Files(agents, tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));

        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture) == "Agent 'researcher' has an empty goal; set goal to a non-empty text");
        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture) == "Agent 'writer' has no backstory; set backstory to a non-empty text");
        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture) == "Task 'research' has an empty expected_output; set expected_output to a non-empty text");
    }

    [Fact]
    public async Task AMSHA011_is_reported_for_definitions_no_crew_uses()
    {
        // Every definition is checked, used by a crew or not, as with attributes.
        await VerifyAsync(Types, Files(Agents + "\n{|AMSHA011:idle|}:\n  role: Idle\n  goal: Nothing\n", Tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));
    }

    [Fact]
    public async Task AMSHA001_and_AMSHA015_for_the_class_the_user_declares()
    {
        const string Crews = "{|AMSHA001:article_crew|}:\n  tasks: [research, write]\n  input: ArticleRequest\n";
        await VerifyAsync(Types + "\npublic class ArticleCrew { }\n", Files(Agents, Tasks, Crews));

        var conflict = await VerifyAsync(Types + "\npublic partial class ArticleCrew { public static string Definition => \"mine\"; }\n", Files(Agents, Tasks, Crews.Replace("AMSHA001", "AMSHA015")));
        Assert.Equal("Crew 'Sample.ArticleCrew' declares 'Definition', which the generator also emits, so no orchestrator is generated for the crew; rename or remove 'Definition'", Message(conflict, "AMSHA015"));

        // A prompt builder named after a task clashes too.
        await VerifyAsync(Types + "\npublic partial class ArticleCrew { private static void BuildResearchPrompt() { } }\n", Files(Agents, Tasks, Crews.Replace("AMSHA001", "AMSHA015")));
    }

    [Fact]
    public async Task AMSHA021_syntax_errors_and_values_of_the_wrong_shape()
    {
        var diagnostics = await VerifyAsync(Types, Files(Agents, Tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n  process: {|AMSHA021:hierarchical|}\n"));
        Assert.StartsWith("Definition file 'crews.yaml' is invalid: process 'hierarchical' of crew 'article_crew' is not supported", Message(diagnostics, "AMSHA021"), StringComparison.Ordinal);

        // A value of the wrong shape is reported where it starts, once: not again as a missing role (AMSHA011).
        var agents = Agents.Replace("role: Writer", "role: [Writer, Editor]");
        var shape = (await DefinitionFileSet.Of(Files(agents, Tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n")).AnalyzeAsync(Types)).Single(d => d.Id.StartsWith("AMSHA", StringComparison.Ordinal));
        Assert.Equal("AMSHA021", shape.Id);
        Assert.Equal(agents.IndexOf("[Writer", StringComparison.Ordinal), shape.Location.SourceSpan.Start);
        Assert.Equal(new LinePosition(5, 8), shape.Location.GetLineSpan().StartLinePosition);

        // A syntax error: the reader says where; checked by line here (the span is YamlDotNet's).
        var set = DefinitionFileSet.Of(("/app/agents.yaml", "researcher:\n  role: \"Senior researcher\n  goal: x\n"), ("/app/tasks.yaml", Tasks), ("/app/crews.yaml", "article_crew:\n  tasks: [research]\n"));
        var syntax = (await set.AnalyzeAsync(Types)).Where(d => d.Id == "AMSHA021").ToList();
        Assert.NotEmpty(syntax);
        Assert.All(syntax, d => Assert.Equal("/app/agents.yaml", d.Location.GetLineSpan().Path));
        Assert.Contains("is not valid YAML", syntax[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMSHA022_keys_a_compiled_crew_cannot_honour_are_warnings()
    {
        var tasks = Tasks.Replace("  agent: researcher\n", "  agent: researcher\n  {|AMSHA022:output_file|}: report.md\n  {|AMSHA022:expected_ouput|}: typo\n");

        var diagnostics = await VerifyAsync(Types, Files(Agents, tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));

        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture).Contains("did you mean 'expected_output'?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMSHA023_input_and_output_types_not_found_ambiguous_or_for_run_time_crews()
    {
        var notFound = await VerifyAsync(Types, Files(Agents, Tasks, "article_crew:\n  tasks: [research, write]\n  input: {|AMSHA023:ArticleRequst|}\n"));
        Assert.Equal("The input type 'ArticleRequst' of crew 'article_crew' was not found; write its full name (Namespace.Type), or the name of a type of this project", Message(notFound, "AMSHA023"));

        const string TwoNotes = "namespace Sample { public sealed record ArticleRequest(string Topic, string Audience); }\nnamespace Other { public sealed record Notes(string[] Facts); }\nnamespace Third { public sealed record Notes(string[] Facts); }\n";
        var ambiguous = await VerifyAsync(TwoNotes,
            Files(Agents, Tasks.Replace("  agent: writer\n", "  agent: writer\n  output: {|AMSHA023:Notes|}\n"), "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));
        Assert.Contains("is ambiguous: Other.Notes, Third.Notes have that name", Message(ambiguous, "AMSHA023"), StringComparison.Ordinal);

        await VerifyAsync(Types, Files(Agents, Tasks.Replace("  agent: writer\n", "  agent: writer\n  output: {|AMSHA023:json|}\n"), "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n"));

        // By full name, and string for text, are fine.
        await VerifyAsync(Types, Files(Agents, Tasks.Replace("  agent: writer\n", "  agent: writer\n  output: Sample.Notes\n").Replace("  agent: researcher\n", "  agent: researcher\n  output: string\n"), "article_crew:\n  tasks: [research, write]\n  input: global::Sample.ArticleRequest\n"));
    }

    [Fact]
    public async Task AMSHA024_duplicate_names_and_crew_classes()
    {
        var diagnostics = await VerifyAsync(Types,
            ("/app/agents.yaml", Agents),
            ("/app/tasks.yaml", Tasks),
            ("/app/more/tasks.yaml", "{|AMSHA024:research|}:\n  description: Again.\n  expected_output: Facts\n  agent: researcher\n"),
            ("/app/crews.yaml", "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n{|AMSHA024:ArticleCrew|}:\n  tasks: [research]\n  input: ArticleRequest\n"));

        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture).StartsWith("Task 'research' is defined twice: first in /app/tasks.yaml at line 1", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture) == "Crew 'ArticleCrew' generates the class 'Sample.ArticleCrew', as crew 'article_crew' does; rename one of them");

        // A [Crew] class of that name takes it too.
        var attributeCrew = Types + "\n[Amsha.Crew(Tasks = [typeof(T)])] public partial class ArticleCrew;\n[Amsha.Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\")] public partial class A;\n[Amsha.CrewTask(Agent = typeof(A), Description = \"D\", ExpectedOutput = \"E\")] public partial class T;\n";
        await VerifyAsync(attributeCrew, Files(Agents, Tasks, "{|AMSHA024:article_crew|}:\n  tasks: [research, write]\n  input: ArticleRequest\n"));
    }

    [Fact]
    public async Task Crew_class_names_that_differ_only_in_case_get_distinct_files_or_AMSHA024()
    {
        // Generated file names must differ ignoring case. A [Crew] class Articlecrew beside the YAML crew's ArticleCrew: both generated.
        var attributeCrew = Types + "\n[Amsha.Crew(Tasks = [typeof(T)])] public partial class Articlecrew;\n[Amsha.Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\")] public partial class A;\n[Amsha.CrewTask(Agent = typeof(A), Description = \"D\", ExpectedOutput = \"E\")] public partial class T;\n";
        var files = Files(Agents, Tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n");
        await VerifyAsync(attributeCrew, files);
        var run = DefinitionFileSet.Of(files).Run(attributeCrew);
        Assert.Empty(run.CompilationErrors);
        Assert.Contains("Sample.ArticleCrew.DefinedCrew.g.cs", run.Sources.Keys);
        Assert.Contains("Sample.Articlecrew.Crew.g.cs", run.Sources.Keys);

        // Two YAML crews whose classes differ only in case: the second is a duplicate.
        await VerifyAsync(Types, Files(Agents, Tasks, "article_crew:\n  tasks: [research, write]\n  input: ArticleRequest\n{|AMSHA024:articlecrew|}:\n  tasks: [research]\n  input: ArticleRequest\n"));
    }

    [Fact]
    public async Task AMSHA025_task_and_agent_files_that_cannot_be_followed()
    {
        var job = """
            crew:
              input: ResearchRequest
              steps:
                - task_file: {|AMSHA025:tasks/reserch.yaml|}
                  agent_file: agents/senior_researcher.yaml
                - task_file: tasks/write.yaml
                  agent_file: {|AMSHA025:../agents/writer.yaml|}
            """;

        var diagnostics = await VerifyAsync(DefinitionFixtures.Types,
            ("/app/amsha/job.yaml", job),
            ("/app/amsha/agents/senior_researcher.yaml", DefinitionFixtures.AmshaAgent),
            ("/app/amsha/agents/writer.yaml", DefinitionFixtures.AmshaWriter),
            ("/app/amsha/tasks/write.yaml", DefinitionFixtures.AmshaWriteTask.Replace("\n  context: [research]", "", StringComparison.Ordinal)));

        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture).Contains("is not one of the definition files", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage(CultureInfo.InvariantCulture).Contains("leaves the directory of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crew_is_generated_exactly_when_no_error_is_reported_for_it()
    {
        // Two crews; only the second uses the task with the error.
        var tasks = Tasks + "\nbroken:\n  description: Uses {nothing}.\n  expected_output: x\n  agent: researcher\n";
        var crews = "good_crew:\n  tasks: [research, write]\n  input: ArticleRequest\nbad_crew:\n  tasks: [broken]\n  input: ArticleRequest\n";
        var set = DefinitionFileSet.Of(Files(Agents, tasks, crews));

        var run = set.Run(Types);
        var diagnostics = await set.AnalyzeAsync(Types);

        Assert.Empty(run.CompilationErrors);
        Assert.Contains("Sample.GoodCrew.DefinedCrew.g.cs", run.Sources.Keys);
        Assert.DoesNotContain("Sample.BadCrew.DefinedCrew.g.cs", run.Sources.Keys);
        Assert.Single(diagnostics, d => d.Id == "AMSHA004");
    }

    [Fact]
    public void The_new_descriptors_have_their_ids_severities_and_pages()
    {
        var analyzer = new Amsha.Generators.Analyzers.Declarations.DefinitionFileAnalyzer();
        var byId = analyzer.SupportedDiagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.First());

        foreach (var (id, severity) in new[] { ("AMSHA021", DiagnosticSeverity.Error), ("AMSHA022", DiagnosticSeverity.Warning), ("AMSHA023", DiagnosticSeverity.Error), ("AMSHA024", DiagnosticSeverity.Error), ("AMSHA025", DiagnosticSeverity.Error) })
        {
            Assert.Equal(severity, byId[id].DefaultSeverity);
            Assert.Equal("Amsha.Declarations", byId[id].Category);
            Assert.Equal("https://github.com/amsha-dotnet/amsha/blob/main/docs/diagnostics/" + id + ".md", byId[id].HelpLinkUri);
        }

        // The same ids as the attribute mistakes, with the same severities.
        foreach (var id in new[] { "AMSHA001", "AMSHA002", "AMSHA003", "AMSHA004", "AMSHA005", "AMSHA006", "AMSHA007", "AMSHA008", "AMSHA010", "AMSHA011", "AMSHA015" })
        {
            var attributeDescriptor = GeneratorHarness.AllAnalyzers().Where(a => a is not Amsha.Generators.Analyzers.Declarations.DefinitionFileAnalyzer).SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id);
            Assert.Equal(attributeDescriptor.DefaultSeverity, byId[id].DefaultSeverity);
            Assert.Equal(attributeDescriptor.Title.ToString(CultureInfo.InvariantCulture), byId[id].Title.ToString(CultureInfo.InvariantCulture));
        }
    }
}
