using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Benchmarks;

/// <summary>
/// The generator comparison's project, one file per declaration as a team writes it: 200 crews (two agents, three
/// tasks passing context, the last one typed with its crew's record), the 200 records of eight members, and one
/// unrelated class. System.Text.Json's side is the same 200 records, one <c>JsonSerializerContext</c> naming them
/// all, and the same unrelated class.
/// </summary>
internal sealed class TwoHundredCrews
{
    public const int Count = 200;

    /// <summary>The record whose members <see cref="EditedRecord"/> changes.</summary>
    public const int EditedRecordIndex = 117;

    public SyntaxTree[] Records { get; } = Enumerable.Range(0, Count).Select(i => GeneratorHost.Parse($"Records/Report{i}.cs", Record(i, edited: false))).ToArray();

    public SyntaxTree[] Crews { get; } = Enumerable.Range(0, Count).Select(i => GeneratorHost.Parse($"Crews/Crew{i}.cs", Crew(i))).ToArray();

    public SyntaxTree Brief { get; } = GeneratorHost.Parse("Brief.cs", "namespace Bench;\n\npublic sealed record Brief(string Topic);\n");

    public SyntaxTree JsonContext { get; } = GeneratorHost.Parse("BenchJsonContext.cs", Context());

    public SyntaxTree Unrelated { get; } = GeneratorHost.Parse("Unrelated.cs", UnrelatedClass(1));

    /// <summary>The unrelated class after a keystroke in a method body: what the IDE compiles on every edit.</summary>
    public SyntaxTree EditedUnrelated { get; } = GeneratorHost.Parse("Unrelated.cs", UnrelatedClass(2));

    /// <summary>Record <see cref="EditedRecordIndex"/> with one more member.</summary>
    public SyntaxTree EditedRecord { get; } = GeneratorHost.Parse($"Records/Report{EditedRecordIndex}.cs", Record(EditedRecordIndex, edited: true));

    public CSharpCompilation AmshaCompilation() =>
        GeneratorHost.Compilation("Bench.Amsha", [.. Records, .. Crews, Brief, Unrelated]);

    public CSharpCompilation JsonCompilation() =>
        GeneratorHost.Compilation("Bench.Json", [.. Records, JsonContext, Unrelated]);

    private static string Record(int i, bool edited) => $$"""
        using System;
        using System.Collections.Generic;

        namespace Bench;

        public sealed record Report{{i}}(
            string Title,
            string Summary,
            int Score,
            double Confidence,
            bool Approved,
            DateTimeOffset WrittenAt,
            List<string> Tags,
            string? Notes{{(edited ? ",\n    int Revision" : "")}});

        """;

    private static string Crew(int i) => $$"""
        using Amsha;

        namespace Bench;

        [Agent(Role = "Researcher {{i}}", Goal = "Find what matters about {Topic}", Backstory = "Reads sources carefully.")]
        public partial class Researcher{{i}};

        [Agent(Role = "Writer {{i}}", Goal = "Write clearly about {Topic}", Backstory = "Edits for plain words.")]
        public partial class Writer{{i}};

        [CrewTask(Agent = typeof(Researcher{{i}}), Description = "Research {Topic}", ExpectedOutput = "Notes with sources")]
        public partial class Research{{i}};

        [CrewTask(Agent = typeof(Writer{{i}}), Description = "Outline a report on {Topic}", ExpectedOutput = "An outline", Context = [typeof(Research{{i}})])]
        public partial class Outline{{i}};

        [CrewTask<Report{{i}}>(Agent = typeof(Writer{{i}}), Description = "Write the report on {Topic}", ExpectedOutput = "A scored report", Context = [typeof(Outline{{i}})])]
        public partial class Write{{i}};

        [Crew<Brief>(Tasks = [typeof(Research{{i}}), typeof(Outline{{i}}), typeof(Write{{i}})])]
        public partial class Crew{{i}};

        """;

    private static string Context()
    {
        var text = new StringBuilder("using System.Text.Json.Serialization;\n\nnamespace Bench;\n\n");
        for (var i = 0; i < Count; i++)
        {
            text.Append($"[JsonSerializable(typeof(Report{i}))]\n");
        }

        return text.Append("public partial class BenchJsonContext : JsonSerializerContext;\n").ToString();
    }

    private static string UnrelatedClass(int step) => $$"""
        namespace Bench;

        public static class Arithmetic
        {
            public static int Next(int value) => value + {{step}};
        }

        """;

    /// <summary>Every tracked step's items by run reason, e.g. <c>CrewModels: 200 Unchanged</c>, for the report.</summary>
    public static IEnumerable<string> StepReasons(GeneratorDriverRunResult result) =>
        result.Results
            .SelectMany(generator => generator.TrackedSteps.Concat(generator.TrackedOutputSteps))
            .GroupBy(step => step.Key)
            .OrderBy(group => group.Key, System.StringComparer.Ordinal)
            .Select(group => group.Key + ": " + string.Join(", ", group
                .SelectMany(pair => pair.Value)
                .SelectMany(run => run.Outputs)
                .GroupBy(output => output.Reason)
                .OrderBy(reasons => reasons.Key)
                .Select(reasons => $"{reasons.Count()} {reasons.Key}")));

    /// <summary>The source outputs a run wrote again (new or modified), named by the value each was written from.</summary>
    public static IEnumerable<string> RewrittenOutputs(GeneratorDriverRunResult result) =>
        result.Results
            .SelectMany(generator => generator.TrackedOutputSteps.SelectMany(pair => pair.Value).Select(step => (generator.Generator.GetGeneratorType().Name, step)))
            .Where(pair => pair.step.Outputs.Any(output => output.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified))
            .Select(pair => pair.Name + ": " + Describe(pair.step.Inputs[0].Source.Outputs[pair.step.Inputs[0].OutputIndex].Value));

    private static string Describe(object value)
    {
        var text = value.ToString() ?? "";
        return text.Length > 80 ? text[..80] + "…" : text;
    }
}
