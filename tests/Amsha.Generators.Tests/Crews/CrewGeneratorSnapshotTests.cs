using System.Linq;

namespace Amsha.Generators.Tests.Crews;

public sealed class CrewGeneratorSnapshotTests
{
    internal const string ArticleCrew = """
        using Amsha;

        namespace Sample;

        public sealed record ArticleRequest(string Topic, string Audience = "engineers");

        [Agent(Role = "Senior researcher", Goal = "Uncover the key facts about {Topic}", Backstory = "A meticulous analyst.", Llm = "evaluation")]
        public partial class Researcher;

        [Agent(Role = "Writer", Goal = "Explain {topic} to {AUDIENCE}", Backstory = "Writes {{clearly}}.", Llm = "creative")]
        public partial class Writer;

        [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic}.\nList \"ten\" facts.", ExpectedOutput = "Facts with their sources")]
        public partial class Research;

        [CrewTask(Agent = typeof(Writer), Description = "Write about {Topic} for {Audience}.", ExpectedOutput = "A titled article", Context = [typeof(Research)])]
        public partial class WriteArticle;

        [Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(WriteArticle)])]
        public partial class ArticleCrew;
        """;

    [Fact]
    public void Crew_with_input_matches_snapshot()
    {
        var run = GeneratorHarness.Run(ArticleCrew);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Snapshot.Match(run.Sources["Sample.ArticleCrew.Crew.g.cs"], "ArticleCrew.Crew");
        Snapshot.Match(run.Sources["AmshaCrews.ServiceCollectionExtensions.g.cs"], "ArticleCrew.ServiceCollectionExtensions");
    }

    [Fact]
    public void Nested_crew_without_input_in_global_namespace_matches_snapshot()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            [Agent(Role = "Poet", Goal = "Write verse", Backstory = "Loves rhyme.")]
            public partial class Poet;

            [CrewTask(Agent = typeof(Poet), Description = "Write a haiku.", ExpectedOutput = "Three lines")]
            public partial class Haiku;

            public static partial class Outer<T>
            {
                [Crew(Tasks = [typeof(Haiku)])]
                internal partial class PoetryCrew;
            }
            """);

        Assert.Empty(run.CompilationErrors);
        Snapshot.Match(run.Sources["Outer_T_.PoetryCrew.Crew.g.cs"], "PoetryCrew.Crew");
        Assert.DoesNotContain("PoetryCrew", run.Sources["AmshaCrews.ServiceCollectionExtensions.g.cs"]);
    }

    [Fact]
    public void Graph_crew_is_emitted_in_dependency_order()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class A;

            [CrewTask(Agent = typeof(A), Description = "Summarize.", ExpectedOutput = "Summary", Context = [typeof(Collect)])]
            public partial class Summarize;

            [CrewTask(Agent = typeof(A), Description = "Collect.", ExpectedOutput = "Notes")]
            public partial class Collect;

            [Crew(Tasks = [typeof(Summarize), typeof(Collect)], Process = CrewProcess.Graph)]
            public partial class GraphCrew;
            """);

        Assert.Empty(run.CompilationErrors);
        var source = run.Sources["GraphCrew.Crew.g.cs"];
        Assert.True(source.IndexOf("(\"Collect\"", System.StringComparison.Ordinal) < source.IndexOf("(\"Summarize\"", System.StringComparison.Ordinal));
        Assert.Contains("new int[] { 0 }, BuildSummarizePrompt", source);
    }

    [Theory]
    [InlineData("[CrewTask(Agent = typeof(NotAnAgent), Description = \"d\", ExpectedOutput = \"e\")]")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"about {Missing}\", ExpectedOutput = \"e\")]")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"unbalanced {Topic\", ExpectedOutput = \"e\")]")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"\", ExpectedOutput = \"e\")]")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"d\", ExpectedOutput = \"e\", Context = [typeof(Only)])]")]
    public void Invalid_declarations_produce_no_crew_source_and_no_generator_error(string taskAttribute)
    {
        var run = GeneratorHarness.Run($$"""
            using Amsha;

            public sealed record Input(string Topic);
            public partial class NotAnAgent;

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher;

            {{taskAttribute}}
            public partial class Only;

            [Crew<Input>(Tasks = [typeof(Only)])]
            public partial class BrokenCrew;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("BrokenCrew"));
        Assert.Empty(run.CompilationErrors);
    }

    [Theory]
    [InlineData("public static int Definition => 1;")]
    [InlineData("public BrokenCrew(ExecutionSession session) { }")]
    [InlineData("public System.Threading.Tasks.Task<CrewResult<string>> RunAsync(Input input, System.Threading.CancellationToken cancellationToken = default) => null!;")]
    [InlineData("private static TaskPrompt BuildOnlyPrompt(Input input, CrewTaskContext context) => default;")]
    [InlineData("public System.Threading.Tasks.Task<ExecutionHandle<string>> ResumeAsync(string executionId, ExecutionOptions? options = null, System.Threading.CancellationToken cancellationToken = default) => null!;")]
    public void A_crew_declaring_a_generated_member_gets_no_source_and_still_compiles(string member)
    {
        var run = GeneratorHarness.Run($$"""
            using Amsha;
            using Amsha.Generated;

            public sealed record Input(string Topic);

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = "About {Topic}.", ExpectedOutput = "e")]
            public partial class Only;

            [Crew<Input>(Tasks = [typeof(Only)])]
            public partial class BrokenCrew
            {
                {{member}}
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("BrokenCrew"));
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void An_overload_with_other_parameters_does_not_block_generation()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            public sealed record Input(string Topic);

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = "About {Topic}.", ExpectedOutput = "e")]
            public partial class Only;

            [Crew<Input>(Tasks = [typeof(Only)])]
            public partial class FineCrew
            {
                public System.Threading.Tasks.Task<CrewResult<string>> RunAsync(string topic) => RunAsync(new Input(topic));
            }
            """);

        Assert.Contains("FineCrew.Crew.g.cs", run.Sources.Keys);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Context_null_lists_no_context_like_leaving_it_out()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            public sealed record Input(string Topic);

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = "About {Topic}.", ExpectedOutput = "e", Context = null)]
            public partial class Only;

            [Crew<Input>(Tasks = [typeof(Only)])]
            public partial class NullContextCrew;
            """);

        Assert.Contains("NullContextCrew.Crew.g.cs", run.Sources.Keys);
        Assert.Empty(run.CompilationErrors);
    }
}
