using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Serialization;

/// <summary>
/// Types a user can type that no finite set of codecs covers, or that nest very deeply: the generator neither
/// crashes (no CS8785, no exception) nor walks without end, AMSHA010 names the member and the reason, and the
/// finite ones compile, round-trip and have valid schemas.
/// </summary>
public sealed class UnboundedTypeTests
{
    private const string Declarations = """
        using System.Collections.Generic;
        using Amsha;

        [Agent(Role = "W", Goal = "G", Backstory = "B")]
        public partial class FzAgent;

        public sealed record FzInput(string Topic);

        """;

    private const string TaskAndCrew = """

        [CrewTask<FzOut>(Agent = typeof(FzAgent), Description = "Work on {Topic}", ExpectedOutput = "Out")]
        public partial class FzT1 { }

        [Crew<FzInput>(Tasks = [typeof(FzT1)])]
        public partial class FzCrew;
        """;

    public static TheoryData<string, string> ExpandingTypes => new()
    {
        // The shapes: a record whose member nests its type argument one level deeper, and a class whose
        // member nests the type itself.
        {
            "public sealed record FzG<T>(T Value, FzG<List<T>>? Next);\npublic sealed record FzOut(FzG<int> Root);",
            "'FzOut.Root' cannot be serialized at compile time: type 'FzG<int>' expands without end: member 'FzG<T>.Next' is of type 'FzG<System.Collections.Generic.List<T>>?'"
        },
        {
            "public class FzH<T> { public FzH<FzH<T>>? Inner { get; set; } }\npublic sealed record FzOut(FzH<int> Root);",
            "'FzOut.Root' cannot be serialized at compile time: type 'FzH<int>' expands without end: member 'FzH<T>.Inner' is of type 'FzH<FzH<T>>?'"
        },
        // Through two definitions, an array and a dictionary.
        {
            "public sealed record FzA<T>(Dictionary<string, FzB<T[]>> B);\npublic sealed record FzB<U>(FzA<U>? A);\npublic sealed record FzOut(string Title, List<FzA<int>> Root);",
            "'FzOut.Root' cannot be serialized at compile time: type 'FzA<int>' expands without end: member 'FzA<T>.B' is of type 'System.Collections.Generic.Dictionary<string, FzB<T[]>>'"
        },
    };

    [Theory]
    [MemberData(nameof(ExpandingTypes))]
    public async Task A_generic_type_that_expands_without_end_is_reported_and_nothing_is_emitted_for_it(string types, string message)
    {
        var source = Declarations + types + TaskAndCrew;

        var run = GeneratorHarness.Run(source);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.Empty(run.CompilationErrors);
        Assert.Contains("FzInput.JsonCodec.g.cs", run.Sources.Keys);
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("FzOut", System.StringComparison.Ordinal) || k.Contains("FzCrew", System.StringComparison.Ordinal));

        // Nothing was walked into the expansion: FzInput and FzOut are the only types described.
        Assert.Equal(2, SerializationRules.WorkFor(run.Input).DescribedTypes);

        var diagnostic = Assert.Single(await AnalyzeAsync(run.Input));
        Assert.StartsWith(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.EndsWith("give that member a type whose type arguments do not grow", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[CrewTask<FzG<int>>(Agent = typeof(FzAgent), Description = \"D\", ExpectedOutput = \"E\")] public partial class FzT2;", "'FzG' cannot")]
    [InlineData("[ExecutionState] public sealed partial class FzState { public FzG<string>? G { get; set; } }", "'FzState.G' cannot")]
    [InlineData("public partial class FzJudge(ExecutionSession session) { [AmshaLlmCall(Prompt = \"p\")] public partial System.Threading.Tasks.Task<List<FzG<int>>> AllAsync(); }", "'List<FzG<int>>' cannot")]
    public async Task An_expanding_type_is_reported_wherever_a_root_reaches_it(string declaration, string start)
    {
        var source = Declarations + "public sealed record FzG<T>(T Value, FzG<List<T>>? Next);\n" + declaration;

        var run = GeneratorHarness.Run(source);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("FzG", System.StringComparison.Ordinal));
        var diagnostic = Assert.Single(await AnalyzeAsync(run.Input));
        Assert.StartsWith(start, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Contains("expands without end: member 'FzG<T>.Next'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generic_types_whose_arguments_do_not_grow_are_serialized()
    {
        // Each is close to an expanding type, but reaches finitely many types: arguments that are swapped, fixed
        // (Loop<List<int>> is written out, not grown from T), or handed to a type that does not serialize them.
        var source = Declarations + """
            public sealed record Node<T>(T Value, List<Node<T>> Children);
            public sealed record Box<T>(T Value);
            public sealed record Swap<T, U>(T First, U Second, Swap<U, T>? Swapped);
            public sealed record Loop<T>(LoopBack<T> Back);
            public sealed record LoopBack<U>(Loop<List<int>>? Fixed);
            public sealed record Phantom<P>(int Count);
            public sealed record Holder<T>(Phantom<Holder<List<T>>> Inner);
            public sealed class Tree { public string Name { get; set; } = ""; public List<Tree>? Children { get; set; } }
            public sealed record FzOut(Node<string> Node, Box<Box<Box<int>>> Boxed, Swap<int, string> Pair, Loop<int> Loop, Holder<int> Holder, Tree Tree);

            public static class Probe
            {
                public static string RoundTrip()
                {
                    var value = new FzOut(
                        new Node<string>("a", [new Node<string>("b", [])]),
                        new Box<Box<Box<int>>>(new Box<Box<int>>(new Box<int>(7))),
                        new Swap<int, string>(1, "one", new Swap<string, int>("two", 2, null)),
                        new Loop<int>(new LoopBack<int>(new Loop<List<int>>(new LoopBack<List<int>>(null)))),
                        new Holder<int>(new Phantom<Holder<List<int>>>(3)),
                        new Tree { Name = "root", Children = [new Tree { Name = "leaf" }] });
                    return global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<FzOut>(global::Amsha.Serialization.JsonCodecs.Serialize(value)));
                }

                public static string Schema() => global::Amsha.Serialization.JsonCodecs.Get<FzOut>().Schema;
            }
            """ + TaskAndCrew;

        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.CompilationErrors);
        Assert.Empty(await AnalyzeAsync(run.Input));
        // FzOut, Node<string>, Box<int> three deep, Swap both ways, Loop<int>, LoopBack<int>, Loop<List<int>>,
        // LoopBack<List<int>>, Holder<int>, Phantom<Holder<List<int>>>, Tree; and the crew's input.
        Assert.Equal(15, run.Sources.Keys.Count(k => k.EndsWith(".JsonCodec.g.cs", System.StringComparison.Ordinal)));
        Assert.Contains("FzCrew.Crew.g.cs", run.Sources.Keys);

        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Probe")!;
        Assert.Equal(
            """{"node":{"value":"a","children":[{"value":"b","children":[]}]},"boxed":{"value":{"value":{"value":7}}},"pair":{"first":1,"second":"one","swapped":{"first":"two","second":2,"swapped":null}},"loop":{"back":{"fixed":{"back":{"fixed":null}}}},"holder":{"inner":{"count":3}},"tree":{"name":"root","children":[{"name":"leaf","children":null}]}}""",
            Call(probe, "RoundTrip"));
        Assert.Equal(13, JsonSchemaRules.AssertValid(Call(probe, "Schema")));
    }

    [Fact]
    public void A_chain_of_a_thousand_records_is_walked_without_recursion()
    {
        // record R(i)(string Text, List<R(i-1)>? Prev) as a task output: the old walker recursed once per record
        // and overflowed the stack. Now each record is described once and its codec refers to the next.
        var run = GeneratorHarness.Run(Declarations + Chain(1000, "FzOut") + TaskAndCrew);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.Equal(1001, run.Sources.Keys.Count(k => k.EndsWith(".JsonCodec.g.cs", System.StringComparison.Ordinal)));
        Assert.Contains("FzCrew.Crew.g.cs", run.Sources.Keys);

        var work = SerializationRules.WorkFor(run.Input);
        Assert.Equal(1001, work.DescribedTypes);

        // Each codec describes its own type only; the schema refers to the next record.
        var codec = run.Sources["R500.JsonCodec.g.cs"];
        Assert.Contains("""{\"$ref\":\"#/$defs/R499\"}""", codec, System.StringComparison.Ordinal);
        Assert.DoesNotContain("R498", codec, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_chain_compiles_round_trips_and_composes_its_schema_at_run_time()
    {
        var run = GeneratorHarness.Run(Declarations + Chain(250, "FzOut") + """

            public static class Probe
            {
                public static string RoundTrip() => global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<FzOut>(
                    global::Amsha.Serialization.JsonCodecs.Serialize(new FzOut("top", [new R248("a", [new R247("b", null)])]))));

                public static string Schema() => global::Amsha.Serialization.JsonCodecs.Get<FzOut>().Schema;
            }
            """ + TaskAndCrew);

        Assert.Empty(run.CompilationErrors);
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Probe")!;
        Assert.Equal("""{"text":"top","prev":[{"text":"a","prev":[{"text":"b","prev":null}]}]}""", Call(probe, "RoundTrip"));

        // Every record of the chain once in "$defs", each reference resolved.
        Assert.Equal(249, JsonSchemaRules.AssertValid(Call(probe, "Schema")));
    }

    [Fact]
    public void A_member_nested_64_levels_deep_compiles_and_round_trips()
    {
        var run = GeneratorHarness.Run(Declarations + $$"""
            [ExecutionState]
            public sealed partial class FzState { public {{Nested(63)}}? Deep { get; set; } }

            public static class Probe
            {
                public static string RoundTrip(string json) => global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<FzState>(json));
            }
            """);

        Assert.Empty(run.CompilationErrors);
        var json = """{"deep":""" + new string('[', 63) + "1" + new string(']', 63) + "}";
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Probe")!;
        Assert.Equal(json, (string)probe.GetMethod("RoundTrip")!.Invoke(null, [json])!);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(200)]
    public async Task A_member_nested_deeper_than_64_levels_is_reported(int lists)
    {
        var run = GeneratorHarness.Run(Declarations + $$"""
            [ExecutionState]
            public sealed partial class FzState { public string Name { get; set; } = ""; public {{Nested(lists)}}? Deep { get; set; } }
            """);

        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("FzState", System.StringComparison.Ordinal));
        var diagnostic = Assert.Single(await AnalyzeAsync(run.Input));
        Assert.Equal(
            "'FzState.Deep' cannot be serialized at compile time: type 'List<List<List<…>>>' nests deeper than 64 levels (arrays, collections, nullable values and type arguments); flatten it, or wrap some levels in records",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Nested_collections_cost_the_same_code_at_every_level()
    {
        // The code for a member grows with its nesting, not with the square of it: no level spells the type of
        // the levels below it, and indentation stops growing.
        int Size(int lists) => GeneratorHarness.Run(Declarations + $"[ExecutionState] public sealed partial class FzState {{ public {Nested(lists)}? Deep {{ get; set; }} }}")
            .Sources["FzState.JsonCodec.g.cs"].Length;

        var (l16, l32, l63) = (Size(16), Size(32), Size(63));

        var perLevel = (l63 - l32) / 31.0;
        Assert.True(perLevel > 0, "Deeper nesting emitted no more code: the shape did not reach the generator.");
        Assert.InRange(l32 - l16, 0.8 * 16 * perLevel, 1.2 * 16 * perLevel);
    }

    // R0 ... R(n-2), then the top record `top` referring to R(n-2).
    private static string Chain(int records, string top)
    {
        var text = new System.Text.StringBuilder("public sealed record R0(string Text, List<R0>? Prev);\n");
        for (var i = 1; i < records - 1; i++)
        {
            text.Append($"public sealed record R{i}(string Text, List<R{i - 1}>? Prev);\n");
        }

        return text.Append($"public sealed record {top}(string Text, List<R{records - 2}>? Prev);\n").ToString();
    }

    // List<List<...<int>...>> with `lists` lists: nesting depth lists + 1.
    private static string Nested(int lists) => string.Concat(Enumerable.Repeat("List<", lists)) + "int" + new string('>', lists);

    private static string Call(System.Type probe, string name) => (string)probe.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;

    // AMSHA010 over the user's code, as the analyzer sees it without the generated code.
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation) =>
        await compilation.WithAnalyzers([new SerializableTypeAnalyzer()]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
}
