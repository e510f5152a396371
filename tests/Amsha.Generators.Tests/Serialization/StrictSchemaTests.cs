using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Serialization;

/// <summary>
/// The schemas of LLM outputs are in OpenAI's strict structured-output subset: every object closed and every property
/// required (optional ones as nullable unions where null is a value of their type), in <c>$defs</c> too, no length
/// limits; a dictionary is the one open object. Reading is unchanged: absent optional members still read.
/// </summary>
public sealed class StrictSchemaTests
{
    private const string Source = """"
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Amsha;

        namespace Sample;

        public enum Severity { Low, High }

        public sealed record Finding(string Text, Severity? Level = null, double[]? Weights = null);

        public sealed record Report(string Title, List<Finding> Findings, string? Summary = null, int Score = 0, char Grade = 'A')
        {
            public string? Reviewer { get; set; }

            public List<string> Tags { get; init; } = new();
        }

        public sealed record Scores(Dictionary<string, double> ByName, string Note = "");

        // Stored, never a model's answer: its schema says which members a writer must give.
        [ExecutionState]
        public sealed partial record Memo(string Text, int Count = 0, Finding? Last = null);

        public partial class Analyst(ExecutionSession session)
        {
            [AmshaLlmCall(Prompt = "Report on {topic}.")]
            public partial Task<Report> ReportAsync(string topic);

            [AmshaLlmCall(Prompt = "Score {topic}.")]
            public partial Task<Scores> ScoreAsync(string topic);
        }

        public static class Probe
        {
            public static string ReportSchema() => global::Amsha.Serialization.JsonCodecs.Get<Report>().Schema;

            public static string ScoresSchema() => global::Amsha.Serialization.JsonCodecs.Get<Scores>().Schema;

            public static string MemoSchema() => global::Amsha.Serialization.JsonCodecs.Get<Memo>().Schema;

            // Only the members the codec requires (an init-only list without null is one): the others read as their defaults, as before.
            public static string ReadWithoutOptionalMembers() => global::Amsha.Serialization.JsonCodecs.Serialize(
                global::Amsha.Serialization.JsonCodecs.Deserialize<Report>("""{"title":"t","findings":[{"text":"x"}],"tags":["a"]}"""));

            // What a strict answer holds: every member, null where the type allows it.
            public static string ReadStrictAnswer() => global::Amsha.Serialization.JsonCodecs.Serialize(
                global::Amsha.Serialization.JsonCodecs.Deserialize<Report>("""{"title":"t","findings":[{"text":"x","level":null,"weights":null}],"summary":null,"score":3,"grade":"B","reviewer":null,"tags":[]}"""));
        }
        """";

    [Fact]
    public void Output_schemas_list_every_property_as_required_with_optional_ones_nullable_and_match_the_snapshot()
    {
        var run = GeneratorHarness.Run(Source);
        Assert.Empty(run.CompilationErrors);
        Assert.Empty(run.GeneratorDiagnostics);

        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Probe")!;
        var schema = Call(probe, "ReportSchema");

        // Finding and Severity under $defs, each closed, every property required.
        Assert.Equal(2, JsonSchemaRules.AssertStrict(schema));
        using var document = JsonDocument.Parse(schema);
        var properties = document.RootElement.GetProperty("properties");
        Assert.Equal("""["string","null"]""", properties.GetProperty("summary").GetProperty("type").GetRawText());
        Assert.Equal("""["string","null"]""", properties.GetProperty("reviewer").GetProperty("type").GetRawText());
        // An optional member whose type has no null keeps its type: a strict model states a value the codec reads.
        Assert.Equal("\"integer\"", properties.GetProperty("score").GetProperty("type").GetRawText());
        Assert.Equal("^[\\s\\S]$", properties.GetProperty("grade").GetProperty("pattern").GetString());
        var finding = document.RootElement.GetProperty("$defs").GetProperty("Sample_Finding");
        Assert.Equal(3, finding.GetProperty("required").GetArrayLength());
        Assert.Equal("#/$defs/Sample_Severity", finding.GetProperty("properties").GetProperty("level").GetProperty("anyOf")[0].GetProperty("$ref").GetString());

        Snapshot.Match(Indented(schema), "Report.StrictSchema");
    }

    [Fact]
    public void Reading_still_accepts_absent_optional_members_and_reads_a_strict_answer_with_nulls()
    {
        var run = GeneratorHarness.Run(Source);
        Assert.Empty(run.CompilationErrors);
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Probe")!;

        Assert.Equal(
            """{"title":"t","findings":[{"text":"x","level":null,"weights":null}],"summary":null,"score":0,"grade":"A","reviewer":null,"tags":["a"]}""",
            Call(probe, "ReadWithoutOptionalMembers"));
        Assert.Equal(
            """{"title":"t","findings":[{"text":"x","level":null,"weights":null}],"summary":null,"score":3,"grade":"B","reviewer":null,"tags":[]}""",
            Call(probe, "ReadStrictAnswer"));
    }

    [Fact]
    public void A_dictionary_member_keeps_its_open_object_so_the_type_is_sent_without_strict()
    {
        var run = GeneratorHarness.Run(Source);
        Assert.Empty(run.CompilationErrors);
        Assert.Empty(run.GeneratorDiagnostics);
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Probe")!;
        var schema = Call(probe, "ScoresSchema");

        // Still a valid schema with every property required, but not in the strict subset: the runtime asks without strict.
        Assert.Equal(0, JsonSchemaRules.AssertValid(schema));
        Assert.Contains("\"byName\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}", schema, System.StringComparison.Ordinal);
        Assert.Contains("\"required\":[\"byName\",\"note\"]", schema, System.StringComparison.Ordinal);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => JsonSchemaRules.AssertStrict(schema));
    }

    [Fact]
    public void A_type_no_model_answers_with_keeps_its_optional_members_out_of_required_and_a_type_both_reach_is_strict()
    {
        var run = GeneratorHarness.Run(Source);
        Assert.Empty(run.CompilationErrors);
        Assert.Empty(run.GeneratorDiagnostics);
        var probe = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Probe")!;
        var schema = Call(probe, "MemoSchema");

        using var document = JsonDocument.Parse(schema);
        Assert.Equal("""["text"]""", document.RootElement.GetProperty("required").GetRawText());

        // Finding is reached from the state and from the [AmshaLlmCall] result: described once, for strict outputs.
        Assert.Equal(3, document.RootElement.GetProperty("$defs").GetProperty("Sample_Finding").GetProperty("required").GetArrayLength());
    }

    private static string Call(System.Type probe, string name) => (string)probe.GetMethod(name)!.Invoke(null, null)!;

    private static string Indented(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
