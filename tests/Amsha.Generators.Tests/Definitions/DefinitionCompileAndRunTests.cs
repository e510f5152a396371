using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Amsha.Generators.Tests.Definitions;

/// <summary>YAML crews generated, compiled, loaded and run on the offline model: the same typed crews attributes make.</summary>
public sealed class DefinitionCompileAndRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private sealed class ScriptedModel
    {
        public ConcurrentQueue<(string System, string User, string Answer)> Calls { get; } = new();

        public OfflineChatClient Client() => new(new OfflineChatClientOptions
        {
            Responder = conversation =>
            {
                var answer = $"ANSWER-{Calls.Count + 1}";
                Calls.Enqueue((conversation[0].Text, conversation[1].Text, answer));
                return answer;
            },
        });
    }

    private static Assembly Compile(DefinitionFileSet files, params string[] sources)
    {
        var run = files.Run(sources);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        return GeneratorHarness.EmitAndLoad(run.Output);
    }

    private static ExecutionSession Session(IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return new ExecutionSession(options);
    }

    // RunAsync(input, CancellationToken) of a generated crew, its CrewResult<T> returned as object (T is a type of the loaded assembly).
    private static async Task<dynamic> RunAsync(object crew, object input)
    {
        var run = crew.GetType().GetMethods().Single(m => m.Name == "RunAsync" && m.GetParameters().Length == 2);
        var task = (Task)run.Invoke(crew, new[] { input, CancellationToken.None })!;
        await task.WaitAsync(Timeout);
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    [Fact]
    public async Task CrewAi_layout_crew_runs_with_typed_outputs_named_as_in_the_files()
    {
        var assembly = Compile(DefinitionFixtures.CrewAi(), DefinitionFixtures.Types);
        var crewType = assembly.GetType("Sample.ResearchCrew")!;
        var crew = Activator.CreateInstance(crewType, new ExecutionSession())!;
        var input = Activator.CreateInstance(assembly.GetType("Sample.ResearchRequest")!, "Rust", 2025)!;

        var result = await RunAsync(crew, input);

        // The last task's output type is the crew's result type, parsed from the offline model's schema-valid JSON.
        Assert.Equal(assembly.GetType("Sample.Report"), ((object)result.Output).GetType());
        Assert.Equal("research_crew", (string)result.CrewName);
        var outputs = ((System.Collections.Generic.IEnumerable<TaskOutput>)result.TaskOutputs).ToList();
        Assert.Equal(new[] { "research_task", "reporting_task" }, outputs.Select(o => o.TaskName));
        Assert.Equal(new[] { "researcher", "reporting_analyst" }, outputs.Select(o => o.AgentName));
    }

    [Fact]
    public async Task CrewAi_layout_renders_folded_blocks_placeholders_and_context_and_routes_use_cases()
    {
        var assembly = Compile(DefinitionFixtures.CrewAi(), DefinitionFixtures.Types);
        var evaluation = new OfflineChatClient();
        var creative = new OfflineChatClient();
        var options = new AmshaOptions();
        options.Llm.UseChatClient("evaluation", evaluation).UseChatClient("creative", creative);
        var crew = Activator.CreateInstance(assembly.GetType("Sample.ResearchCrew")!, new ExecutionSession(options))!;

        await RunAsync(crew, Activator.CreateInstance(assembly.GetType("Sample.ResearchRequest")!, "Go", 2024)!);

        Assert.Equal((1, 1), (evaluation.CallCount, creative.CallCount));
    }

    [Fact]
    public async Task Sectioned_layout_renders_prompts_with_definition_file_placeholders()
    {
        var assembly = Compile(DefinitionFixtures.PoetrySet(), DefinitionFixtures.PoetryTypes);
        var model = new ScriptedModel();
        var crew = Activator.CreateInstance(assembly.GetType("Sample.PoetryCrew")!, Session(model.Client()))!;

        var result = await RunAsync(crew, Activator.CreateInstance(assembly.GetType("Sample.PoemRequest")!, "autumn", "children")!);

        var calls = model.Calls.ToArray();
        Assert.Equal(2, calls.Length);

        // Only {identifier} is a placeholder (matched ignoring case); every other brace is text, none is an escape.
        Assert.Equal("You are Poet.\nGoal: Write verse about autumn\nBackstory: Loves rhyme and literal braces like {this one} and {{ these }}.", calls[0].System);
        Assert.Equal("Task: Draft a haiku about autumn.\n\nExpected output: Three lines, as JSON: { \"lines\": [] }", calls[0].User);
        Assert.StartsWith("Task: Polish the draft for children.\n\nExpected output: A poem", calls[1].User);
        Assert.EndsWith("\n\nContext from draft:\n" + calls[0].Answer, calls[1].User);
        Assert.Equal(calls[1].Answer, (string)result.Output);
        Assert.Equal(new[] { "draft", "polish task" }, ((System.Collections.Generic.IEnumerable<TaskOutput>)result.TaskOutputs).Select(o => o.TaskName));
    }

    [Fact]
    public async Task Python_Amsha_job_with_task_and_agent_files_runs()
    {
        var assembly = Compile(DefinitionFixtures.PythonAmsha(), DefinitionFixtures.Types);
        var model = new ScriptedModel();

        // crew_name "Research Job" names the crew; its class is the name in PascalCase.
        var crew = Activator.CreateInstance(assembly.GetType("Sample.ResearchJob")!, Session(model.Client()))!;

        var result = await RunAsync(crew, Activator.CreateInstance(assembly.GetType("Sample.ResearchRequest")!, "Zig", 2025)!);

        var calls = model.Calls.ToArray();
        Assert.Equal("You are Senior researcher.\nGoal: Uncover the key facts about Zig\nBackstory: A meticulous analyst.", calls[0].System);
        Assert.Equal("Task: Research Zig.\nList the ten most important facts.\n\n\nExpected output: Facts with their sources", calls[0].User);
        Assert.StartsWith("You are Writer.\nGoal: Explain Zig clearly", calls[1].System);
        Assert.EndsWith("Context from research:\n" + calls[0].Answer, calls[1].User);
        Assert.Equal("Research Job", (string)result.CrewName);

        // One-entry files are named by their files.
        var outputs = ((System.Collections.Generic.IEnumerable<TaskOutput>)result.TaskOutputs).ToList();
        Assert.Equal(new[] { "research", "write" }, outputs.Select(o => o.TaskName));
        Assert.Equal(new[] { "senior_researcher", "writer" }, outputs.Select(o => o.AgentName));
    }

    [Fact]
    public async Task Generated_class_is_partial_registered_and_has_every_execution_member()
    {
        var extension = """
            namespace Sample;

            public partial class ResearchCrew
            {
                public string Describe() => "research: " + Definition.Tasks.Count;
            }
            """;
        var files = DefinitionFixtures.CrewAi();
        var run = files.Run(DefinitionFixtures.Types, extension);
        Assert.Empty(run.CompilationErrors);

        var crewType = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.ResearchCrew")!;
        Assert.True(crewType.IsPublic, "The user's declaration makes the class public.");
        Assert.Equal("research: 2", crewType.GetMethod("Describe")!.Invoke(Activator.CreateInstance(crewType, new ExecutionSession()), null));
        foreach (var member in new[] { "RunAsync", "Start", "StartBackground", "StartBackgroundAsync", "Resume", "ResumeAsync" })
        {
            Assert.Contains(crewType.GetMethods(), m => m.Name == member);
        }

        // AddAmshaCrews registers it with the attribute crews.
        Assert.Contains("global::Sample.ResearchCrew", run.Sources["AmshaCrews.ServiceCollectionExtensions.g.cs"], StringComparison.Ordinal);

        // Its input and output types got compile-time codecs.
        Assert.Contains("Sample.ResearchRequest.JsonCodec.g.cs", run.Sources.Keys);
        Assert.Contains("Sample.ResearchNotes.JsonCodec.g.cs", run.Sources.Keys);
        Assert.Contains("Sample.Report.JsonCodec.g.cs", run.Sources.Keys);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("Sample", null, "Sample.PoetryCrew")]
    [InlineData("Sample", "Sample.Crews", "Sample.Crews.PoetryCrew")]
    [InlineData(null, null, "PoetryCrew")]
    [InlineData("Not a namespace!", null, "PoetryCrew")]
    public void Crews_go_into_the_definitions_namespace_else_the_root_namespace_else_the_global_one(string? rootNamespace, string? definitionsNamespace, string expected)
    {
        // The input type is found by its full name whatever the namespaces.
        var yaml = DefinitionFixtures.Poetry.Replace("input: PoemRequest", "input: Sample.PoemRequest", StringComparison.Ordinal);
        var files = new DefinitionFileSet(new[] { new InMemoryAdditionalText("/app/poetry.yaml", yaml) }, rootNamespace, definitionsNamespace);

        var run = files.Run(DefinitionFixtures.PoetryTypes);

        Assert.Empty(run.CompilationErrors);
        Assert.NotNull(run.Output.GetTypeByMetadataName(expected));
    }

    [Fact]
    public void Types_are_found_by_simple_name_when_no_namespace_holds_them()
    {
        var types = """
            namespace Elsewhere.Deep;

            public sealed record PoemRequest(string Topic, string Audience);
            """;

        var run = DefinitionFixtures.PoetrySet().Run(types);

        Assert.Empty(run.CompilationErrors);
        Assert.Contains("global::Elsewhere.Deep.PoemRequest input", run.Sources["Sample.PoetryCrew.DefinedCrew.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Names_that_are_no_identifiers_or_hold_xml_characters_compile_with_documentation_checked()
    {
        // Names as written in the files: class and prompt-builder names are made identifiers, and names quoted in
        // generated documentation comments must not break them (GenerateDocumentationFile with warnings as errors).
        var yaml = DefinitionFixtures.Poetry
            .Replace("poet:", "\"poet <lead> & co\":", StringComparison.Ordinal)
            .Replace("agent: poet", "agent: \"poet <lead> & co\"", StringComparison.Ordinal)
            .Replace("polish task", "polish & <finish>", StringComparison.Ordinal)
            .Replace("[draft, polish & <finish>]", "[draft, \"polish & <finish>\"]", StringComparison.Ordinal)
            .Replace("  polish & <finish>:", "  \"polish & <finish>\":", StringComparison.Ordinal)
            .Replace("poetry_crew:", "\"2nd poetry crew!\":", StringComparison.Ordinal);
        var documented = GeneratorHarness.ParseOptions.WithDocumentationMode(Microsoft.CodeAnalysis.DocumentationMode.Diagnose);
        var files = new DefinitionFileSet(new[] { new InMemoryAdditionalText("/app/poetry.yaml", yaml) }) { ParseOptions = documented };
        var compilation = GeneratorHarness.CreateCompilation(new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(DefinitionFixtures.PoetryTypes, documented, "Types.cs") });

        var run = files.Run(compilation);

        Assert.Contains("Sample._2ndPoetryCrew.DefinedCrew.g.cs", run.Sources.Keys);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591"));
    }

    [Fact]
    public void Additional_files_without_the_definition_mark_are_not_read()
    {
        var files = new DefinitionFileSet(Array.Empty<InMemoryAdditionalText>(), otherFiles: new[] { new InMemoryAdditionalText("/app/poetry.yaml", DefinitionFixtures.Poetry) });

        var run = files.Run(DefinitionFixtures.PoetryTypes);

        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("PoetryCrew", StringComparison.Ordinal));
        Assert.Empty(run.CompilationErrors);
    }
}
