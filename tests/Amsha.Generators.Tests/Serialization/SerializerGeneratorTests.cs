using Amsha.Generators.Helpers;
using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Serialization;

public sealed class SerializerGeneratorTests
{
    private const string TypedCrew = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using Amsha;

        namespace Sample;

        public sealed record ArticleRequest(string Topic, string Audience = "engineers");

        public enum Tone { Calm, Excited }

        public sealed record Author(string Name, [property: JsonPropertyName("mail")] string? Email);

        public sealed record ResearchNotes(string[] Facts, IReadOnlyList<string> Sources, Dictionary<string, double> Scores);

        public sealed record Article(string Title, string Body, int WordCount, Tone Tone, Author? Author, DateTimeOffset Published, TimeSpan ReadingTime, Guid Id, int? Rank, List<List<int>> Grid);

        [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.")]
        public partial class Researcher;

        [CrewTask<ResearchNotes>(Agent = typeof(Researcher), Description = "Research {Topic}.", ExpectedOutput = "Notes")]
        public partial class Research;

        [CrewTask<Article>(Agent = typeof(Researcher), Description = "Write about {Topic}.", ExpectedOutput = "An article", Context = [typeof(Research)], OutputRepairs = 2)]
        public partial class WriteArticle;

        [Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(WriteArticle)])]
        public partial class ArticleCrew;

        [ExecutionState]
        public sealed partial class Progress
        {
            public int Done { get; set; }
            public required string Stage { get; init; }
            public string? Note { get; init; }
        }
        """;

    [Fact]
    public void Emitted_codecs_and_schemas_match_snapshots()
    {
        var run = GeneratorHarness.Run(TypedCrew);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning));
        Snapshot.Match(run.Sources["Sample.Article.JsonCodec.g.cs"], "Article.JsonCodec");
        Snapshot.Match(run.Sources["Sample.Tone.JsonCodec.g.cs"], "Tone.JsonCodec");
        Snapshot.Match(run.Sources["Sample.Progress.JsonCodec.g.cs"], "Progress.JsonCodec");
        Snapshot.Match(run.Sources["AmshaJsonCodecs.Registration.g.cs"], "Registration");
        Snapshot.Match(run.Sources["Sample.ArticleCrew.Crew.g.cs"], "ArticleCrew.TypedCrew");
    }

    [Fact]
    public void Codecs_have_no_nullable_warnings_when_the_analysis_is_on()
    {
        // Codecs turn the nullable flow analysis's warnings off (it costs more than compiling them); compiled here
        // with the warnings on, a codec that would warn still fails.
        var run = GeneratorHarness.Run(TypedCrew + """

            public sealed class Tree { public string Name { get; set; } = ""; public List<Tree>? Children { get; set; } public Tree? Parent { get; set; } }
            public readonly record struct Point(double X, double Y);
            public sealed record Shapes(Tree Root, Point? Origin, Point[] Corners, Dictionary<string, List<Point?>?> Paths, IReadOnlyList<string?> Labels, int?[]? Marks, Tone? Mood = null, string Unit = "cm");

            [ExecutionState]
            public sealed partial class Drawing { public required Shapes Shapes { get; init; } public Dictionary<string, Tree?>? Index { get; set; } }

            public partial class Painter(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Draw {what}.")]
                public partial System.Threading.Tasks.Task<List<Shapes?>> DrawAsync(string what);
            }
            """);
        Assert.Empty(run.CompilationErrors);

        var codecs = run.Result.Results.SelectMany(r => r.GeneratedSources)
            .Where(s => s.HintName.EndsWith(".JsonCodec.g.cs", System.StringComparison.Ordinal))
            .Select(s => s.SourceText.ToString())
            .ToList();
        Assert.All(codecs, codec => Assert.Contains("#nullable disable warnings\n", codec, System.StringComparison.Ordinal));

        var withWarnings = run.Input.AddSyntaxTrees(
            run.Result.Results.SelectMany(r => r.GeneratedSources).Select(s => CSharpSyntaxTree.ParseText(s.SourceText.ToString().Replace("#nullable disable warnings\n", ""), GeneratorHarness.ParseOptions)));
        Assert.Empty(withWarnings.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.True(codecs.Count >= 10, $"Only {codecs.Count} codecs were checked.");
    }

    [Fact]
    public void Every_reachable_type_and_the_crew_input_get_a_codec()
    {
        var run = GeneratorHarness.Run(TypedCrew);

        var codecs = run.Sources.Keys.Where(k => k.EndsWith(".JsonCodec.g.cs", System.StringComparison.Ordinal)).OrderBy(k => k).ToArray();
        Assert.Equal(
            ["Sample.Article.JsonCodec.g.cs", "Sample.ArticleRequest.JsonCodec.g.cs", "Sample.Author.JsonCodec.g.cs", "Sample.Progress.JsonCodec.g.cs", "Sample.ResearchNotes.JsonCodec.g.cs", "Sample.Tone.JsonCodec.g.cs"],
            codecs);
    }

    [Fact]
    public void LlmCall_results_get_codecs_for_themselves_and_everything_they_reach_each_type_once()
    {
        // A generic name loses its marks in a file name, so the file name ends in a hash of the type's full name.
        var reviewListCodecFile = "System.Collections.Generic.List_Sample.Review_." + GeneratedNames.Hash("System.Collections.Generic.List<Sample.Review>") + ".JsonCodec.g.cs";
        // Article is both a task output and an [AmshaLlmCall] result; ArticleRequest is the input of both crews.
        var run = GeneratorHarness.Run(TypedCrew + """

            public sealed record Review(Article Article, Tone Verdict, string[] Notes);

            [Crew<ArticleRequest>(Tasks = [typeof(WriteArticle)])]
            public partial class ShortCrew;

            public partial class Editor(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Review {title}.")]
                public partial System.Threading.Tasks.Task<Review> ReviewAsync(string title);

                [AmshaLlmCall(Prompt = "Rewrite {title}.")]
                public partial System.Threading.Tasks.ValueTask<Article> RewriteAsync(string title);

                [AmshaLlmCall(Prompt = "List the reviews of {title}.")]
                public partial System.Threading.Tasks.Task<System.Collections.Generic.List<Review>> ReviewsAsync(string title);
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var codecs = run.Sources.Keys.Where(k => k.EndsWith(".JsonCodec.g.cs", System.StringComparison.Ordinal)).OrderBy(k => k, System.StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["Sample.Article.JsonCodec.g.cs", "Sample.ArticleRequest.JsonCodec.g.cs", "Sample.Author.JsonCodec.g.cs", "Sample.Progress.JsonCodec.g.cs", "Sample.ResearchNotes.JsonCodec.g.cs", "Sample.Review.JsonCodec.g.cs", "Sample.Tone.JsonCodec.g.cs", reviewListCodecFile],
            codecs);
        Snapshot.Match(run.Sources[reviewListCodecFile], "ReviewList.JsonCodec");

        // The registration names every codec once, in name order.
        var registrations = run.Sources["AmshaJsonCodecs.Registration.g.cs"].Split('\n').Where(l => l.Contains("JsonCodecs.Register(", System.StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(codecs.Length, registrations.Count);
        Assert.Equal(registrations.OrderBy(l => l, System.StringComparer.Ordinal), registrations);
    }

    [Fact]
    public void A_list_result_codec_round_trips_and_reads_strictly()
    {
        var run = GeneratorHarness.Run(""""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Amsha;

            namespace Sample;

            public sealed record Verdict(bool Supported, double Confidence, string Reason);

            public partial class Judge(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Judge {claims}.")]
                public partial Task<Verdict[]> JudgeAllAsync(string claims);
            }

            public static class Probe
            {
                public static string RoundTrip() => global::Amsha.Serialization.JsonCodecs.Serialize(
                    global::Amsha.Serialization.JsonCodecs.Deserialize<Verdict[]>("""[{"supported":true,"confidence":0.5,"reason":"r"}]"""));

                public static string Schema() => global::Amsha.Serialization.JsonCodecs.Get<Verdict[]>().Schema;

                public static string Error()
                {
                    try
                    {
                        global::Amsha.Serialization.JsonCodecs.Deserialize<Verdict[]>("""[{"supported":true,"confidence":0.5,"reason":"r"},{"supported":"no"}]""");
                        return "";
                    }
                    catch (System.Text.Json.JsonException e)
                    {
                        return e.Path + " " + e.Message;
                    }
                }
            }
            """");
        Assert.Empty(run.CompilationErrors);

        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Probe")!;
        string Call(string name) => (string)probe.GetMethod(name)!.Invoke(null, null)!;

        Assert.Equal("""[{"supported":true,"confidence":0.5,"reason":"r"}]""", Call("RoundTrip"));
        Assert.Equal("""{"type":"array","items":{"$ref":"#/$defs/Sample_Verdict"},"$defs":{"Sample_Verdict":{"type":"object","properties":{"supported":{"type":"boolean"},"confidence":{"type":"number"},"reason":{"type":"string"}},"required":["supported","confidence","reason"],"additionalProperties":false}}}""", Call("Schema"));
        Assert.StartsWith("$[1].supported Expected a boolean", Call("Error"), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_with_more_members_than_one_switch_holds_reads_them_in_chunks_on_both_paths()
    {
        // 150 constructor parameters and 140 settable properties: three chunk methods each (64 cases at most).
        static string MemberType(int i) => (i % 4) switch { 0 => "int", 1 => "string", 2 => "List<int>?", _ => "double" };
        var parameters = string.Join(", ", Enumerable.Range(0, 150).Select(i => $"{MemberType(i)} P{i}"));
        var properties = string.Join("\n", Enumerable.Range(0, 140).Select(i => $"    public {MemberType(i)} S{i} {{ get; set; }} = default!;"));
        var run = GeneratorHarness.Run($$""""
            using System.Collections.Generic;
            using Amsha;

            namespace Sample;

            public sealed record Wide({{parameters}});

            [ExecutionState]
            public sealed partial class HoldsWide
            {
                public Wide? Item { get; set; }
            }

            [ExecutionState]
            public sealed partial class WideState
            {
            {{properties}}
            }

            public static class Probe
            {
                public static string Json<T>(string json) => global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<T>(json));

                public static string Utf8<T>(string json)
                {
                    var codec = global::Amsha.Serialization.JsonCodecs.Get<T>();
                    var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
                    reader.Read();
                    var value = codec.Read(ref reader);
                    var buffer = new System.IO.MemoryStream();
                    using (var writer = new System.Text.Json.Utf8JsonWriter(buffer)) codec.Write(writer, value);
                    return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
                }

                public static string Error<T>(string json, bool utf8)
                {
                    try
                    {
                        _ = utf8 ? Utf8<T>(json) : Json<T>(json);
                        return "";
                    }
                    catch (System.Text.Json.JsonException e)
                    {
                        return e.Path + " " + e.Message;
                    }
                }
            }
            """");
        Assert.Empty(run.CompilationErrors);
        Assert.Contains("ReadMembers2(", run.Sources["Sample.Wide.JsonCodec.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("ReadMembers3(", run.Sources["Sample.Wide.JsonCodec.g.cs"], StringComparison.Ordinal);
        Assert.Contains("ReadMembers2(", run.Sources["Sample.WideState.JsonCodec.g.cs"], StringComparison.Ordinal);

        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Probe")!;
        var wide = probe.Assembly.GetType("Sample.Wide")!;
        var state = probe.Assembly.GetType("Sample.WideState")!;
        string Call(string name, Type type, params object[] arguments) => (string)probe.GetMethod(name)!.MakeGenericMethod(type).Invoke(null, arguments)!;

        static string Value(int i) => (i % 4) switch { 0 => $"{i}", 1 => $"\"s{i}\"", 2 => $"[{i},{i + 1}]", _ => $"{i}.5" };
        static string Object(string prefix, int count, Func<int, bool>? include = null) =>
            "{" + string.Join(",", Enumerable.Range(0, count).Where(include ?? (_ => true)).Select(i => $"\"{prefix}{i}\":{Value(i)}")) + "}";
        var wideJson = Object("p", 150);
        var stateJson = Object("s", 140);

        foreach (var (type, json, prefix) in new[] { (wide, wideJson, "p"), (state, stateJson, "s") })
        {
            Assert.Equal(json, Call("Json", type, json));
            Assert.Equal(json, Call("Utf8", type, json));

            // Names in any case, in any order, and unknown ones skipped, in every chunk.
            var shuffled = "{\"unknown\":[1,{\"a\":2}]," + string.Join(",", Enumerable.Range(0, type == wide ? 150 : 140).Reverse().Select(i => $"\"{(i % 2 == 0 ? prefix.ToUpperInvariant() : prefix)}{i}\":{Value(i)}")) + "}";
            Assert.Equal(json, Call("Json", type, shuffled));
            Assert.Equal(json, Call("Utf8", type, shuffled));

            foreach (var utf8 in new[] { false, true })
            {
                // A wrong value in the second chunk is reported at its member; a duplicate in the last chunk is refused.
                Assert.StartsWith($"$.{prefix}100 Expected a number that fits Int32", Call("Error", type, json.Replace($"\"{prefix}100\":100", $"\"{prefix}100\":\"x\""), utf8), StringComparison.Ordinal);
                Assert.Equal($"$.{prefix}129 Property '{prefix}129' of {type.Name} appears more than once.", Call("Error", type, json.Replace("}", $",\"{prefix}129\":{Value(129)}}}"), utf8));
            }
        }

        // A record's constructor parameters are required, however far down the list they are.
        Assert.Equal("$.p149 Missing required property 'p149' of Wide.", Call("Error", wide, Object("p", 150, i => i != 149), false));
        Assert.Equal("$.p149 Missing required property 'p149' of Wide.", Call("Error", wide, Object("p", 150, i => i != 149), true));
    }

    [Fact]
    public void A_generic_output_whose_type_argument_does_not_resolve_gets_no_codec()
    {
        // Found by the fuzz test while typing: Box<T> never uses T, so only the type's spelling names Missing, and
        // the generated codec did not compile. The user's own error (CS0246) stays the only one.
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using Amsha;

            namespace Sample;

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Writer;

            public sealed class Box<T>
            {
                public string Label { get; set; } = "";
            }

            [CrewTask<Box<Missing>>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Direct;

            [CrewTask<Box<List<Missing[]>>>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Nested;

            [CrewTask<Box<List<int>>>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Resolved;
            """);

        var generated = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        Assert.DoesNotContain(run.CompilationErrors, d => generated.Contains(d.Location.SourceTree!));
        Assert.All(run.CompilationErrors, d => Assert.Equal("CS0246", d.Id));
        Assert.DoesNotContain(run.Sources.Keys, name => name.Contains("Missing", StringComparison.Ordinal));
        Assert.Contains(run.Sources.Keys, name => name.Contains("Box", StringComparison.Ordinal));
    }

    [Fact]
    public void A_collection_crew_input_gets_a_codec_of_its_own()
    {
        // Durable executions persist the input: a collection root needs its own codec, as an [AmshaLlmCall] result does.
        var run = GeneratorHarness.Run("""
            using Amsha;

            namespace Sample;

            [Agent(Role = "W", Goal = "G", Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<string[]>(Tasks = [typeof(Write)])]
            public partial class TopicsCrew;
            """);

        Assert.Empty(run.CompilationErrors);
        var hash = GeneratedNames.Hash("string[]");
        Assert.Equal([$"string__.{hash}.JsonCodec.g.cs"], run.Sources.Keys.Where(k => k.EndsWith(".JsonCodec.g.cs", System.StringComparison.Ordinal)));
        Assert.Contains($"JsonCodecs.Register(string___{hash}JsonCodec.Instance);", run.Sources["AmshaJsonCodecs.Registration.g.cs"], System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_typed_crew_returns_the_last_tasks_output_type()
    {
        var run = GeneratorHarness.Run(TypedCrew);
        var crew = run.Sources["Sample.ArticleCrew.Crew.g.cs"];

        Assert.Contains("global::Amsha.CrewResult<global::Sample.Article>> RunAsync(", crew, System.StringComparison.Ordinal);
        Assert.Contains("new global::Amsha.Generated.JsonOutputFormat<global::Sample.ResearchNotes>(0)", crew, System.StringComparison.Ordinal);
        Assert.Contains("new global::Amsha.Generated.JsonOutputFormat<global::Sample.Article>(2)", crew, System.StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_member_means_no_codec_and_no_crew()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            public sealed record Photo(System.IO.Stream Data);
            public sealed record Article(string Title, Photo Photo);

            [Agent(Role = "W", Goal = "G", Backstory = "B")]
            public partial class Writer;

            [CrewTask<Article>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("Article", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Closed_generic_nested_global_and_keyword_named_types_compile()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            public sealed record Box<T>(T Value, string @class);

            public static class Outer
            {
                public sealed class Inner { public int @event { get; set; } public Box<Outer.Inner>? Next { get; set; } }
            }

            [Agent(Role = "W", Goal = "G", Backstory = "B")]
            public partial class Writer;

            [CrewTask<Box<int>>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class BoxTask;

            [CrewTask<Outer.Inner>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class InnerTask;

            [Crew(Tasks = [typeof(BoxTask), typeof(InnerTask)])]
            public partial class GenericCrew;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Contains(run.Sources.Keys, k => k.StartsWith("Box_int_.", System.StringComparison.Ordinal));
        Assert.Contains("CrewResult<global::Outer.Inner>>", run.Sources["GenericCrew.Crew.g.cs"], System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[ExecutionState] public partial record S(")]
    [InlineData("[CrewTask<>(Agent = typeof(X))] public partial class T;")]
    [InlineData("[CrewTask<Missing>(Agent = typeof(X))] public partial class T;")]
    [InlineData("[ExecutionState] public partial class S { public S(int x) {} public int Y { get; set; } }")]
    [InlineData("[ExecutionState] public partial class S<T> { public T Value { get; set; } = default!; }")]
    [InlineData("[ExecutionState] public partial struct S { public S Self { get; set; } }")]
    [InlineData("[ExecutionState] public partial class S { public System.Collections.Generic.Dictionary<int, S> Map { get; set; } = new(); }")]
    [InlineData("[Crew<int>(Tasks = [])] public partial class C;")]
    public void Half_typed_or_invalid_code_never_throws(string source)
    {
        var run = GeneratorHarness.Run("using Amsha;\n" + source);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
    }

    [Fact]
    public void Unrelated_edits_leave_every_serializer_step_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(TypedCrew);
        var first = GeneratorHarness.Run(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public static class Unrelated { public const int X = 1; }", GeneratorHarness.ParseOptions));

        var second = first.Driver.RunGenerators(edited).GetRunResult();

        var steps = second.Results.SelectMany(r => r.TrackedSteps)
            .Where(s => s.Key is "TaskOutputTypes" or "ExecutionStateTypes" or "CrewInputTypes" or "LlmCallResultTypes" or "AllSerializableTypes" or "SerializableTypes" or "CodecRegistrations")
            .SelectMany(s => s.Value)
            .SelectMany(step => step.Outputs)
            .ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void Generated_code_compiles_runs_and_round_trips()
    {
        var run = GeneratorHarness.Run(TypedCrew + """

            public static class Probe
            {
                public static string RoundTrip()
                {
                    var article = new Article("T", "B", 3, Tone.Excited, new Author("A", null), new System.DateTimeOffset(2024, 5, 1, 12, 0, 0, System.TimeSpan.FromHours(2)), System.TimeSpan.FromMinutes(90), System.Guid.Empty, null, new() { new() { 1, 2 } });
                    var json = global::Amsha.Serialization.JsonCodecs.Serialize(article);
                    return global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<Article>(json));
                }
            }
            """);
        Assert.Empty(run.CompilationErrors);

        var assembly = GeneratorHarness.EmitAndLoad(run.Output);
        var json = (string)assembly.GetType("Sample.Probe")!.GetMethod("RoundTrip")!.Invoke(null, null)!;

        Assert.Equal(
            """{"title":"T","body":"B","wordCount":3,"tone":"Excited","author":{"name":"A","mail":null},"published":"2024-05-01T12:00:00+02:00","readingTime":"01:30:00","id":"00000000-0000-0000-0000-000000000000","rank":null,"grid":[[1,2]]}""",
            json);
    }
}
