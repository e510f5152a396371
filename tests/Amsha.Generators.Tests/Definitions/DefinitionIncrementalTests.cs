using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Helpers;
using Amsha.Generators.Tests.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Definitions;

/// <summary>
/// The generator stays incremental with definition files: a C# edit that does not touch the named types leaves every
/// YAML crew's output cached, and a YAML edit re-emits only the crews whose models it changes.
/// </summary>
public sealed class DefinitionIncrementalTests
{
    private const string Agents = """
        researcher:
          role: Senior researcher
          goal: Uncover the key facts about {topic}
          backstory: A meticulous analyst.
        writer:
          role: Writer
          goal: Explain {topic}
          backstory: A clear writer.
        """;

    private const string Tasks = """
        research:
          description: Research {topic}.
          expected_output: Facts
          agent: researcher
          output: ResearchNotes
        write:
          description: Write about {topic}.
          expected_output: An article
          agent: writer
        summarize:
          description: Summarize {topic}.
          expected_output: A summary
          agent: writer
        """;

    private const string Crews = """
        research_crew:
          tasks: [research, write]
          input: ResearchRequest
        summary_crew:
          tasks: [summarize]
          input: ResearchRequest
        """;

    private const string Unrelated = """
        namespace Other;

        public static class Unrelated
        {
            public static int Compute(int value) => value + 1;
        }
        """;

    private static readonly DefinitionFileSet Files = DefinitionFileSet.Of(("/app/agents.yaml", Agents), ("/app/tasks.yaml", Tasks), ("/app/crews.yaml", Crews));

    private static readonly string[] DefinitionSteps =
    {
        TrackingNames.DefinitionDocuments, TrackingNames.DefinitionCatalog, TrackingNames.DefinitionOptions,
        TrackingNames.DefinitionTypeFacts, TrackingNames.DefinitionCrewModels, TrackingNames.DefinitionSerializableTypes,
    };

    [Theory]
    [InlineData("edit an unrelated method body")]
    [InlineData("add an unrelated file")]
    [InlineData("edit a member beside the named types")]
    public void An_unrelated_CSharp_edit_leaves_the_yaml_crews_outputs_cached(string edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(DefinitionFixtures.Types + "\npublic static class Helpers { public static int One() => 1; }\n", Unrelated);
        var first = Files.Run(compilation);
        Assert.Empty(first.CompilationErrors);
        Assert.Contains("Sample.ResearchCrew.DefinedCrew.g.cs", first.Sources.Keys);
        Assert.Contains("Sample.SummaryCrew.DefinedCrew.g.cs", first.Sources.Keys);

        var edited = edit switch
        {
            "edit an unrelated method body" => Replace(compilation, 1, "value + 1", "value * 2 + 1"),
            "add an unrelated file" => compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public sealed class Added { }", GeneratorHarness.ParseOptions, "Added.cs")),
            _ => Replace(compilation, 0, "One() => 1", "One() => 2 - 1"),
        };
        var second = first.Driver.RunGenerators(edited).GetRunResult();
        var steps = Steps(second);

        foreach (var name in DefinitionSteps)
        {
            Assert.True(steps.ContainsKey(name), $"Step '{name}' did not run.");
            Assert.All(steps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        }

        // Every output (YAML crews, their codecs, the registration) is cached.
        Assert.All(second.Results.SelectMany(r => r.TrackedOutputSteps).SelectMany(p => p.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_a_task_of_one_crew_re_emits_only_that_crew()
    {
        var compilation = GeneratorHarness.CreateCompilation(DefinitionFixtures.Types);
        var first = Files.Run(compilation);
        var tasks = Files.Definitions.Single(d => d.Path == "/app/tasks.yaml");

        var driver = first.Driver.ReplaceAdditionalText(tasks, tasks.WithText(Tasks.Replace("Summarize {topic}.", "Summarize {topic} briefly.", StringComparison.Ordinal)));
        var second = driver.RunGenerators(compilation).GetRunResult();
        var crewGenerator = second.Results.Single(r => r.Generator.GetGeneratorType() == typeof(Amsha.Generators.Crews.CrewGenerator));
        var steps = crewGenerator.TrackedSteps.ToDictionary(p => p.Key, p => p.Value);

        // The one file was read again; the other two were not.
        var documents = steps[TrackingNames.DefinitionDocuments].SelectMany(s => s.Outputs).ToList();
        Assert.Single(documents, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(2, documents.Count(o => o.Reason == IncrementalStepRunReason.Cached));

        // Of the two crew models, only summary_crew's changed; the types the files name did not.
        var models = steps[TrackingNames.DefinitionCrewModels].SelectMany(s => s.Outputs).ToList();
        Assert.Single(models, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(models, o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached);
        Assert.All(steps[TrackingNames.DefinitionTypeFacts].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(steps[TrackingNames.CrewRegistrations].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        // Only that crew's source was written again; the serializer wrote nothing.
        var outputs = crewGenerator.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(" briefly.", crewGenerator.GeneratedSources.Single(s => s.HintName == "Sample.SummaryCrew.DefinedCrew.g.cs").SourceText.ToString(), StringComparison.Ordinal);
        var serializer = second.Results.Single(r => r.Generator.GetGeneratorType() == typeof(Amsha.Generators.Serialization.SerializerGenerator));
        Assert.All(serializer.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void A_yaml_edit_that_changes_no_model_writes_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation(DefinitionFixtures.Types);
        var first = Files.Run(compilation);
        var crews = Files.Definitions.Single(d => d.Path == "/app/crews.yaml");

        var second = first.Driver.ReplaceAdditionalText(crews, crews.WithText("# crews of the app\n" + Crews)).RunGenerators(compilation).GetRunResult();

        Assert.All(second.Results.SelectMany(r => r.TrackedOutputSteps).SelectMany(p => p.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_a_named_type_updates_the_crews_that_use_it()
    {
        // The control experiment: the facts step does see the compilation.
        var compilation = GeneratorHarness.CreateCompilation(DefinitionFixtures.Types);
        var first = Files.Run(compilation);

        var edited = Replace(compilation, 0, "record ResearchNotes(string[] Facts, string[] Sources)", "record ResearchNotes(string[] Facts, string[] Sources, int Count = 0)");
        var second = first.Driver.RunGenerators(edited).GetRunResult();

        var facts = Steps(second)[TrackingNames.DefinitionTypeFacts].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(facts, o => o.Reason == IncrementalStepRunReason.Modified);
        var serializer = second.Results.Single(r => r.Generator.GetGeneratorType() == typeof(Amsha.Generators.Serialization.SerializerGenerator));
        Assert.Contains("\"count\"", serializer.GeneratedSources.Single(s => s.HintName == "Sample.ResearchNotes.JsonCodec.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Definition_step_outputs_hold_no_compiler_objects()
    {
        var run = Files.Run(GeneratorHarness.CreateCompilation(DefinitionFixtures.Types));
        var steps = Steps(run.Result);

        var walked = 0;
        foreach (var name in DefinitionSteps)
        {
            foreach (var output in steps[name].SelectMany(s => s.Outputs))
            {
                walked += ModelWalker.AssertNoCompilerObjects(output.Value, name);
            }
        }

        Assert.True(walked > 50, $"Only {walked} objects were walked.");
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int treeIndex, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees[treeIndex];
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(oldText, newText, StringComparison.Ordinal))));
    }

    private static Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> Steps(GeneratorDriverRunResult result) =>
        result.Results.SelectMany(r => r.TrackedSteps)
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Value).ToImmutableArray());
}
