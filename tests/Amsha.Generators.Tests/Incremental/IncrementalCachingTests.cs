using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Incremental;

/// <summary>An unrelated edit must leave every tracked step cached, and no step may hold compiler objects.</summary>
public sealed class IncrementalCachingTests
{
    private const string CrewSource = """
        using Amsha;

        namespace Sample;

        public sealed record ArticleRequest(string Topic, string Audience = "engineers");

        [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.", Llm = "evaluation")]
        public partial class Researcher;

        [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic} for {Audience}.", ExpectedOutput = "Facts")]
        public partial class Research;

        [CrewTask(Agent = typeof(Researcher), Description = "Summarize.", ExpectedOutput = "Summary", Context = [typeof(Research)])]
        public partial class Summarize;

        [Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(Summarize)])]
        public partial class ArticleCrew
        {
            public int Helper() => 1;
        }

        [CrewTask(Agent = typeof(Poet), Description = "Write a haiku.", ExpectedOutput = "Three lines")]
        public partial class Haiku;

        [Agent(Role = "Poet", Goal = "Write verse", Backstory = "Loves rhyme.")]
        public partial class Poet;

        [Crew(Tasks = [typeof(Haiku)])]
        public partial class PlainCrew;

        public sealed record Notes(string[] Facts, int Count);

        [CrewTask<Notes>(Agent = typeof(Researcher), Description = "Collect notes on {Topic}.", ExpectedOutput = "Notes")]
        public partial class CollectNotes;

        [Crew<ArticleRequest>(Tasks = [typeof(CollectNotes)])]
        public partial class NotesCrew;

        [ExecutionState]
        public sealed partial record Progress(int Done, string? Last);

        public sealed record Verdict(bool Supported, double Confidence, string Reason);

        public sealed partial class Summaries(ExecutionSession session)
        {
            [AmshaLlmCall(Prompt = "Summarize {text} in {words} words.")]
            public partial System.Threading.Tasks.Task<string> SummarizeAsync(string text, int words, System.Threading.CancellationToken cancellationToken = default);

            [AmshaLlmCall(Prompt = "Judge the claim: {claim}")]
            public partial System.Threading.Tasks.Task<Verdict> JudgeAsync(string claim);

            [AmshaLlmCall(Prompt = "Take notes on {text}.")]
            public partial System.Threading.Tasks.ValueTask<Notes> NotesAsync(string text);
        }

        public enum Units { Metric, Imperial }

        [Toolbox]
        public partial class WeatherTools
        {
            [Tool(Description = "Looks up the weather.")]
            public System.Threading.Tasks.Task<Notes> ForecastAsync(string city, Units units = Units.Metric) => System.Threading.Tasks.Task.FromResult(new Notes(new[] { city }, 1));
        }

        [Agent(Role = "Forecaster", Goal = "Forecast for {Topic}", Backstory = "Precise.", Tools = [typeof(WeatherTools)])]
        public partial class Forecaster;

        [CrewTask(Agent = typeof(Forecaster), Description = "Forecast {Topic}.", ExpectedOutput = "A forecast")]
        public partial class Forecast;

        [Crew<ArticleRequest>(Tasks = [typeof(Forecast)])]
        public partial class WeatherCrew;
        """;

    private const string UnrelatedSource = """
        namespace Sample;

        public static class Unrelated
        {
            public static int Compute(int value) => value + 1;
        }
        """;

    // A YAML crew over the same types, so the definition-file steps run too (they track nothing without files).
    private static readonly DefinitionFileSet Definitions = DefinitionFileSet.Of(("/app/crews.yaml", """
        agents:
          analyst:
            role: Analyst
            goal: Study {Topic}
            backstory: Careful.
        tasks:
          study:
            description: Study {Topic} for {Audience}.
            expected_output: Notes
            agent: analyst
            output: Notes
        crews:
          study_crew:
            tasks: [study]
            input: ArticleRequest
        """));

    private static readonly string[] TrackedStepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    public static TheoryData<string> Edits => new() { "add an unrelated file", "edit an unrelated method body", "edit a method body beside the crew" };

    [Theory]
    [MemberData(nameof(Edits))]
    public void Unrelated_edit_leaves_every_tracked_step_cached(string edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(CrewSource, UnrelatedSource);
        var first = Definitions.Run(compilation);
        Assert.Empty(first.CompilationErrors);
        Assert.Contains("Sample.StudyCrew.DefinedCrew.g.cs", first.Sources.Keys);

        var edited = edit switch
        {
            "add an unrelated file" => compilation.AddSyntaxTrees(Parse("namespace Other; public sealed class Added { public string Name => \"x\"; }", "Added.cs")),
            "edit an unrelated method body" => Replace(compilation, 1, "value + 1", "value * 2 + 1"),
            _ => Replace(compilation, 0, "Helper() => 1", "Helper() => 2 + 40"),
        };
        var secondRun = first.Driver.RunGenerators(edited).GetRunResult();
        var second = Steps(secondRun);

        var firstSteps = Steps(first.Result);
        foreach (var name in TrackedStepNames)
        {
            Assert.True(firstSteps.ContainsKey(name), $"Tracked step '{name}' did not run; is its WithTrackingName still in the pipeline? Steps: {string.Join(", ", firstSteps.Keys)}");
            Assert.True(second.ContainsKey(name), $"Tracked step '{name}' did not run after the edit.");
            var reasons = second[name].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
            Assert.All(reasons, reason => Assert.True(
                reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step '{name}' reported {reason} after an unrelated edit ({edit})."));
        }

        Assert.All(
            secondRun.Results.SelectMany(r => r.TrackedOutputSteps).SelectMany(pair => pair.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Related_edit_reruns_the_crew_steps()
    {
        // The control experiment: the caching test above would also pass if nothing were ever tracked.
        var compilation = GeneratorHarness.CreateCompilation(CrewSource, UnrelatedSource);
        var first = GeneratorHarness.Run(compilation);

        var edited = Replace(compilation, 0, "Description = \"Summarize.\"", "Description = \"Summarize briefly.\"");
        var secondRun = first.Driver.RunGenerators(edited).GetRunResult();
        var second = Steps(secondRun);

        Assert.Contains(second[TrackingNames.GenericCrewModels].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Summarize briefly.", secondRun.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "Sample.ArticleCrew.Crew.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Editing_one_crew_leaves_the_other_crews_outputs_and_the_registration_cached()
    {
        // Mapperly's AddingNewMapperDoesNotRegenerateOriginal, for crews: one output per crew, and the DI
        // registration fed by the crews' names only.
        var compilation = GeneratorHarness.CreateCompilation(CrewSource, UnrelatedSource);
        var first = GeneratorHarness.Run(compilation);

        var edited = Replace(compilation, 0, "Description = \"Collect notes on {Topic}.\"", "Description = \"Collect careful notes on {Topic}.\"");
        var secondRun = first.Driver.RunGenerators(edited).GetRunResult();
        var second = Steps(secondRun);

        // NotesCrew changed; ArticleCrew (the same pipeline) and PlainCrew (the other one) did not.
        var crewOutputs = second[TrackingNames.GenericCrewModels].SelectMany(s => s.Outputs).ToList();
        Assert.Single(crewOutputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(crewOutputs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.All(second[TrackingNames.CrewModels].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(second[TrackingNames.CrewRegistrations].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        // Only the edited crew's source was produced again: every other output of the crew generator is cached.
        var crewGenerator = secondRun.Results.Single(r => r.Generator.GetGeneratorType() == typeof(Amsha.Generators.Crews.CrewGenerator));
        var outputs = crewGenerator.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs).ToList();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(outputs.Count - 1, outputs.Count(o => o.Reason == IncrementalStepRunReason.Cached));
        Assert.Contains("Collect careful notes on", secondRun.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "Sample.NotesCrew.Crew.g.cs").SourceText.ToString());
    }

    public static TheoryData<string, string, string, string> SerializedTypeEdits => new()
    {
        // An [ExecutionState] type.
        { "record Progress(int Done, string? Last)", "record Progress(int Done, string? Last, int Total = 0)", "Sample.Progress.JsonCodec.g.cs", "\"total\"" },
        // An [AmshaLlmCall] result.
        { "record Verdict(bool Supported, double Confidence, string Reason)", "record Verdict(bool Supported, double Confidence, string Reason, string? Source = null)", "Sample.Verdict.JsonCodec.g.cs", "\"source\"" },
        // A task output that is also an [AmshaLlmCall] result: reached from two roots, emitted once.
        { "record Notes(string[] Facts, int Count)", "record Notes(string[] Facts, int Count, string[]? Sources = null)", "Sample.Notes.JsonCodec.g.cs", "\"sources\"" },
        // The input of two crews.
        { "record ArticleRequest(string Topic, string Audience = \"engineers\")", "record ArticleRequest(string Topic, string Audience = \"engineers\", int Words = 800)", "Sample.ArticleRequest.JsonCodec.g.cs", "\"words\"" },
    };

    [Theory]
    [MemberData(nameof(SerializedTypeEdits))]
    public void Editing_one_serialized_type_leaves_the_other_codecs_and_the_registration_cached(string oldText, string newText, string hintName, string newMember)
    {
        // The serializer equivalent of the crew test above: one output per serialized type, each type once however
        // many roots reach it, and the module initializer fed by the codecs' names only.
        var compilation = GeneratorHarness.CreateCompilation(CrewSource, UnrelatedSource);
        var first = GeneratorHarness.Run(compilation);
        Assert.Empty(first.CompilationErrors);
        var codecCount = first.Sources.Keys.Count(k => k.EndsWith(".JsonCodec.g.cs", StringComparison.Ordinal));
        Assert.Equal(5, codecCount); // ArticleRequest, Notes, Progress, Units (a tool argument), Verdict.

        var secondRun = first.Driver.RunGenerators(Replace(compilation, 0, oldText, newText)).GetRunResult();
        var second = Steps(secondRun);

        // One type item changed; every other one compared equal to the item it replaced.
        var typeItems = second[TrackingNames.SerializableTypes].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(codecCount, typeItems.Count);
        Assert.Single(typeItems, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(typeItems.Where(o => o.Reason != IncrementalStepRunReason.Modified), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(second[TrackingNames.CodecRegistrations].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        // Only the edited type's codec was written again: every other output of the serializer generator, the registration included, is cached.
        var serializerGenerator = secondRun.Results.Single(r => r.Generator.GetGeneratorType() == typeof(Amsha.Generators.Serialization.SerializerGenerator));
        var outputs = serializerGenerator.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs).ToList();
        Assert.Equal(codecCount + 1, outputs.Count);
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(outputs.Count - 1, outputs.Count(o => o.Reason == IncrementalStepRunReason.Cached));

        var sources = serializerGenerator.GeneratedSources;
        Assert.Single(sources, s => s.HintName == hintName);
        Assert.Contains(newMember, sources.Single(s => s.HintName == hintName).SourceText.ToString(), StringComparison.Ordinal);
        Assert.Equal(codecCount + 2, sources.Length); // the codecs, the registration and the class that composes schemas
    }

    [Fact]
    public void Tracked_step_outputs_hold_no_compiler_objects()
    {
        var run = Definitions.Run(GeneratorHarness.CreateCompilation(CrewSource, UnrelatedSource));
        var steps = Steps(run.Result);

        var walked = 0;
        foreach (var name in TrackedStepNames)
        {
            foreach (var output in steps[name].SelectMany(step => step.Outputs))
            {
                walked += ModelWalker.AssertNoCompilerObjects(output.Value, name);
            }
        }

        // The walk must have reached the models themselves, not just empty containers.
        Assert.True(walked > 20, $"Only {walked} objects were walked.");
    }

    [Fact]
    public void Model_walker_detects_a_symbol_deep_in_a_graph()
    {
        var compilation = GeneratorHarness.CreateCompilation(CrewSource);
        var symbol = compilation.GetTypeByMetadataName("Sample.ArticleCrew")!;
        var graph = new { Name = "x", Items = new List<object?> { 1, ("pair", new[] { (object)symbol }) } };

        var error = Assert.ThrowsAny<Exception>(() => ModelWalker.AssertNoCompilerObjects(graph, "probe"));
        Assert.Contains("ISymbol", error.Message);
    }

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path);

    private static CSharpCompilation Replace(CSharpCompilation compilation, int treeIndex, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees[treeIndex];
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(oldText, newText))));
    }

    // Every Amsha generator runs in the driver; Roslyn's internal steps repeat per generator, so steps are grouped by name.
    private static Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> Steps(GeneratorDriverRunResult result) =>
        result.Results.SelectMany(r => r.TrackedSteps)
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Value).ToImmutableArray());
}

/// <summary>Walks an object graph reflectively (fields, through collections) looking for Roslyn objects.</summary>
internal static class ModelWalker
{
    private static readonly Type[] Forbidden = { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location) };

    /// <returns>How many objects were walked.</returns>
    public static int AssertNoCompilerObjects(object? root, string stepName)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        if (root is not null)
        {
            pending.Push((root, stepName));
        }

        var count = 0;
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            var type = value.GetType();
            if (!type.IsValueType && !visited.Add(value))
            {
                continue;
            }

            count++;
            if (Forbidden.FirstOrDefault(f => f.IsInstanceOfType(value)) is { } forbidden)
            {
                throw new InvalidOperationException($"Step '{stepName}' holds a {forbidden.Name} ({type.FullName}) at {path}; pipeline models must be plain values.");
            }

            if (type.IsPrimitive || type.IsEnum || value is string || value is Type || value is Pointer)
            {
                continue;
            }

            if (value is IEnumerable sequence and not string)
            {
                var index = 0;
                foreach (var item in sequence)
                {
                    if (item is not null)
                    {
                        pending.Push((item, $"{path}[{index}]"));
                    }

                    index++;
                }
            }

            for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            {
                foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    {
                        continue;
                    }

                    if (field.GetValue(value) is { } child)
                    {
                        pending.Push((child, $"{path}.{field.Name}"));
                    }
                }
            }
        }

        return count;
    }

}
