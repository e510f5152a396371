using System;
using System.IO;
using System.Linq;
using System.Text;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Robustness;

/// <summary>
/// The names of generated classes and files: one per type, however alike two types' names are, and within what
/// metadata and file systems hold, however long a type's full name is.
/// </summary>
public sealed class GeneratedNameTests
{
    // Before: Shop.Order_Line and Shop.Order.Line were both Shop_Order_LineJsonCodec, so one type had no codec and
    // failed only when a run reached it; Item and ITEM made files that differ only in case, and the serializer threw.
    [Theory]
    [InlineData("Order_Line", "Order.Line", "public sealed record Order_Line(string Sku);\npublic static class Order { public sealed record Line(int Count); }")]
    [InlineData("Item", "ITEM", "public sealed record Item(string Sku);\npublic sealed record ITEM(int Count);")]
    public void Task_outputs_whose_names_make_the_same_generated_name_each_get_their_own_codec(string first, string second, string declarations)
    {
        var run = GeneratorHarness.Run($$"""
            using Amsha;

            namespace Shop;

            {{declarations}}

            [Agent(Role = "Clerk", Goal = "Count {Topic}", Backstory = "Careful.")]
            public partial class Clerk;

            [CrewTask<{{first}}>(Agent = typeof(Clerk), Description = "Find {Topic}.", ExpectedOutput = "A line")]
            public partial class FindLine;

            [CrewTask<{{second}}>(Agent = typeof(Clerk), Description = "Count {Topic}.", ExpectedOutput = "A count", Context = [typeof(FindLine)])]
            public partial class CountLine;

            public sealed record Request(string Topic);

            [Crew<Request>(Tasks = [typeof(FindLine), typeof(CountLine)])]
            public partial class ShopCrew;

            public static class Probe
            {
                public static string RoundTrip() =>
                    global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<{{first}}>("{\"sku\":\"A-1\"}"))
                    + " " + global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<{{second}}>("{\"count\":2}"));
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(run.Sources.Count, run.Sources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Shop.Probe")!;
        Assert.Equal("""{"sku":"A-1"} {"count":2}""", (string)probe.GetMethod("RoundTrip")!.Invoke(null, null)!);
    }

    [Fact]
    public void Crews_and_toolboxes_whose_names_differ_only_in_case_are_all_generated()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            namespace Shop;

            [Agent(Role = "Clerk", Goal = "Count {Topic}", Backstory = "Careful.")]
            public partial class Clerk;

            [CrewTask(Agent = typeof(Clerk), Description = "Count {Topic}.", ExpectedOutput = "A count")]
            public partial class Count;

            public sealed record Request(string Topic);

            [Crew<Request>(Tasks = [typeof(Count)])]
            public partial class StockCrew;

            [Crew<Request>(Tasks = [typeof(Count)])]
            public partial class STOCKCrew;

            [Toolbox]
            public partial class Prices { [Tool(Description = "Looks up a price.")] public decimal Price(string sku) => 1m; }

            [Toolbox]
            public partial class PRICES { [Tool(Description = "Looks up a price.")] public decimal Price(string sku) => 2m; }
            """);

        // Before, the crew and toolbox generators threw (CS8785) and added nothing at all.
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(2, run.Sources.Keys.Count(name => name.EndsWith(".Crew.g.cs", StringComparison.Ordinal)));
        Assert.Equal(2, run.Sources.Keys.Count(name => name.EndsWith(".Toolbox.g.cs", StringComparison.Ordinal)));
        Assert.Equal(run.Sources.Count, run.Sources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Shop.StockCrew." + GeneratedNames.Hash("Shop.StockCrew.Crew.g.cs") + ".Crew.g.cs", run.Sources.Keys);
        Assert.Contains("Shop.Prices." + GeneratedNames.Hash("Shop.Prices.Toolbox.g.cs") + ".Toolbox.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void Tools_whose_type_and_tool_names_join_alike_each_get_their_own_arguments()
    {
        // Shop.Tools' tool "Extra_run" and Shop.Tools.Extra's tool "run" both joined into Shop_Tools_Extra_run.
        var run = GeneratorHarness.Run("""
            using Amsha;

            namespace Shop;

            [Toolbox]
            public partial class Tools
            {
                [Tool(Name = "Extra_run", Description = "Runs the extra.")] public string ExtraRun(string what) => what;

                [Toolbox]
                public partial class Extra
                {
                    [Tool(Name = "run", Description = "Runs.")] public string Run(int times) => times.ToString();
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(2, run.Sources.Keys.Count(name => name.EndsWith("ArgumentsJsonCodec.g.cs", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_crew_names_the_definition_of_a_toolbox_whose_name_needs_a_hash()
    {
        // The toolbox generator names Shop.Web_Tools' definition with a hash ('_' is ambiguous once sanitized); the
        // crew named it without one, so the crew did not compile.
        var run = GeneratorHarness.Run("""
            using Amsha;

            namespace Shop;

            public sealed record Req(string Topic);

            [Toolbox]
            public partial class Web_Tools
            {
                [Tool(Description = "Looks a topic up.")] public string Search(string topic) => topic;
            }

            [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.", Tools = [typeof(Web_Tools)])]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic}.", ExpectedOutput = "Facts")]
            public partial class Research;

            [Crew<Req>(Tasks = [typeof(Research)])]
            public partial class ResearchCrew;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors.Select(d => d.ToString()));
        var definition = "Shop_Web_Tools_" + GeneratedNames.Hash("Shop.Web_Tools") + "Toolbox";
        Assert.Contains("class " + definition, Assert.Single(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
        Assert.Contains("global::Amsha.Generated." + definition, Assert.Single(run.Sources, s => s.Key.EndsWith(".Crew.g.cs", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crew_with_two_tasks_of_one_name_is_not_generated_rather_than_generated_broken()
    {
        // Before: two BuildResearchPrompt methods (CS0111) and ambiguous calls in the generated crew. AMSHA026 reports it.
        var run = GeneratorHarness.Run("""
            using Amsha;

            namespace Shop
            {
                [Agent(Role = "Clerk", Goal = "Count {Topic}", Backstory = "Careful.")]
                public partial class Clerk;

                public sealed record Request(string Topic);

                [Crew<Request>(Tasks = [typeof(A.Research), typeof(B.Research)])]
                public partial class ShopCrew;
            }

            namespace A { [Amsha.CrewTask(Agent = typeof(Shop.Clerk), Description = "A {Topic}.", ExpectedOutput = "A")] public partial class Research; }

            namespace B { [Amsha.CrewTask(Agent = typeof(Shop.Clerk), Description = "B {Topic}.", ExpectedOutput = "B")] public partial class Research; }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Sources.Keys, name => name.EndsWith(".Crew.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(run.CompilationErrors, error => error.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_list_of_arrays_and_an_array_of_lists_each_get_their_own_codec()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Amsha;

            namespace Shop;

            public sealed record Item(string Sku);

            public partial class Catalog(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Group {topic}.")]
                public partial Task<List<Item[]>> GroupAsync(string topic);

                [AmshaLlmCall(Prompt = "Split {topic}.")]
                public partial Task<List<Item>[]> SplitAsync(string topic);
            }

            public static class Probe
            {
                public static string RoundTrip() =>
                    global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<List<Item[]>>("[[{\"sku\":\"a\"}]]"))
                    + " " + global::Amsha.Serialization.JsonCodecs.Serialize(global::Amsha.Serialization.JsonCodecs.Deserialize<List<Item>[]>("[[{\"sku\":\"b\"}]]"));
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Shop.Probe")!;
        Assert.Equal("""[[{"sku":"a"}]] [[{"sku":"b"}]]""", (string)probe.GetMethod("RoundTrip")!.Invoke(null, null)!);
    }

    [Fact]
    public void A_crew_nested_in_types_with_a_two_thousand_character_name_builds_and_writes_short_file_names()
    {
        // 40 enclosing classes of 50-character names: every generated name made from the full name would be about 2,000
        // characters, beyond metadata's 1,024-byte names and every file system's 255-byte file names.
        const int Depth = 40;
        var text = new StringBuilder("#nullable enable\nusing Amsha;\nnamespace Deep;\n");
        for (var level = 0; level < Depth; level++)
        {
            text.Append("public partial class ").Append("EnclosingTypeWithAnUnusuallyDescriptiveName").Append(level.ToString("D7")).Append(" {\n");
        }

        text.Append("""
            public sealed record Notes(string Title);
            [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.")]
            public partial class Researcher;
            [CrewTask<Notes>(Agent = typeof(Researcher), Description = "Collect notes on {Topic}.", ExpectedOutput = "Notes")]
            public partial class CollectNotes;
            public sealed record Request(string Topic);
            [Crew<Request>(Tasks = [typeof(CollectNotes)])]
            public partial class NotesCrew;
            """);
        text.Append('}', Depth);

        var run = GeneratorHarness.Run(text.ToString());

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.All(run.Sources.Keys, name => Assert.True(name.Length <= GeneratedNames.MaxHintNameLength, $"{name.Length} characters: {name}"));
        Assert.Contains(run.Sources.Keys, name => name.Contains(".NotesCrew.", StringComparison.Ordinal) && name.EndsWith(".Crew.g.cs", StringComparison.Ordinal));
        Assert.Contains(run.Sources.Keys, name => name.Contains(".Notes.", StringComparison.Ordinal) && name.EndsWith(".JsonCodec.g.cs", StringComparison.Ordinal));

        // Emitting checks what GetDiagnostics does not: the length of every metadata name.
        using var assembly = new MemoryStream();
        var emitted = run.Output.Emit(assembly);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3)));
    }

    [Theory]
    [InlineData("Shop.Order_Line", "Shop.Order.Line")]
    [InlineData("System.Collections.Generic.List<Shop.Item[]>", "System.Collections.Generic.List<Shop.Item>[]")]
    [InlineData("Shop.Page<Shop.Item>", "Shop.Page_Shop_Item_")]
    public void Names_that_sanitize_alike_stay_apart(string first, string second)
    {
        Assert.NotEqual(GeneratedNames.Identifier(first), GeneratedNames.Identifier(second));
        Assert.All(new[] { GeneratedNames.Identifier(first), GeneratedNames.Identifier(second) }, name => Assert.True(Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name), name));
    }

    [Fact]
    public void Plain_names_are_kept_as_they_are_and_long_ones_keep_their_end()
    {
        Assert.Equal("Shop_Request", GeneratedNames.Identifier("Shop.Request"));
        Assert.Equal("Shop.Request.JsonCodec.g.cs", GeneratedNames.FileName("Shop.Request", ".JsonCodec.g.cs"));
        Assert.Equal("Shop.Order_Line.JsonCodec.g.cs", GeneratedNames.FileName("Shop.Order_Line", ".JsonCodec.g.cs"));

        var longName = string.Join(".", Enumerable.Range(0, 100).Select(i => "Level" + i)) + ".Notes";
        var hint = GeneratedNames.FileName(longName, ".JsonCodec.g.cs");
        Assert.True(hint.Length <= GeneratedNames.MaxHintNameLength);
        Assert.EndsWith(".Notes." + GeneratedNames.Hash(longName) + ".JsonCodec.g.cs", hint, StringComparison.Ordinal);
        Assert.NotEqual(hint, GeneratedNames.FileName(longName.Replace("Level0.", "Level0x.", StringComparison.Ordinal), ".JsonCodec.g.cs"));

        var identifier = GeneratedNames.Identifier(longName);
        Assert.True(identifier.Length <= GeneratedNames.MaxIdentifierLength);
        Assert.EndsWith("_Notes_" + GeneratedNames.Hash(longName), identifier, StringComparison.Ordinal);
    }
}
