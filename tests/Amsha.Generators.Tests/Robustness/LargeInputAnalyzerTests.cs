using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Analyzers.Leakage;
using Amsha.Generators.Tests.Scaling;

namespace Amsha.Generators.Tests.Robustness;

/// <summary>
/// Regression tests for the shapes the issue measured (the analyzers run on every keystroke): a Backstory
/// with thousands of unknown placeholders (item 3: 0.35/1.9/7.1 s for 2,000/4,000/8,000 before) and a
/// 5,000-task crew through the leakage analyzer (item 5: up to 3.3 s before). Work is counted, not timed.
/// </summary>
[Trait("Category", "Robustness")]
public sealed class LargeInputAnalyzerTests
{
    [Fact]
    public async Task A_backstory_with_thousands_of_unknown_placeholders_is_decoded_once_and_reported_exactly()
    {
        var runs = await AnalyzerWorkRunner.AssertLinearAsync("TemplateAnalyzer on unknown placeholders", new TemplateAnalyzer(), count => UnknownPlaceholders(count).Source, 2_000, 4_000, 8_000);

        var (source, expected) = UnknownPlaceholders(8_000);
        var run = await AnalyzerWorkRunner.MeasureAsync(source, new TemplateAnalyzer());
        var reported = run.Diagnostics.Where(d => d.Id == "AMSHA004").OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(8_000, reported.Count);
        Assert.Equal(expected.Select(e => e.Span), reported.Select(d => d.Location.SourceSpan));
        Assert.All(reported, d => Assert.Equal("true", d.Properties[DiagnosticDescriptors.ExactSpanProperty]));

        // Decoded once for 8,000 diagnostics: fewer characters than the whole source has (before: the literal once per diagnostic).
        Assert.InRange(run.Counts[WorkKind.LiteralCharacters], 1, source.Length);
        Assert.Equal(runs[^1].Counts[WorkKind.LiteralCharacters], run.Counts[WorkKind.LiteralCharacters]);
    }

    [Fact]
    public async Task A_crew_of_thousands_of_tasks_costs_the_leakage_analyzer_work_linear_in_the_crew()
    {
        await AnalyzerWorkRunner.AssertLinearAsync("ProviderTypeLeakageAnalyzer on a crew of tasks", new ProviderTypeLeakageAnalyzer(), TasksOnly, 500, 5_000);
    }

    /// <summary>A Backstory of <paramref name="count"/> unknown placeholders, marked up.</summary>
    private static (string Source, System.Collections.Generic.List<ExpectedDiagnostic> Expected) UnknownPlaceholders(int count)
    {
        var backstory = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            backstory.Append("{{|AMSHA004:Unknown").Append(i.ToString(CultureInfo.InvariantCulture)).Append("|}} ");
        }

        return AnalyzerHarness.ParseMarkup(TemplateScalingSources.InCrew(backstory.ToString()));
    }

    /// <summary>The shape: <paramref name="count"/> tasks with typed outputs and templates, one crew, a provider SDK referenced.</summary>
    private static string TasksOnly(int count)
    {
        var text = new StringBuilder("using Amsha;\nusing OpenAI.Chat;\npublic sealed record Req(string Topic);\n");
        text.AppendLine("[Agent(Role = \"R\", Goal = \"G {Topic}\", Backstory = \"B\")] public partial class Writer;");
        text.AppendLine("public static class Outputs {");
        AnalyzerScalingSources.For(count, text, i => $"    public sealed record Out{i}(string Text);");
        text.AppendLine("}");
        AnalyzerScalingSources.For(count, text, i => $"[CrewTask<Outputs.Out{i}>(Agent = typeof(Writer), Description = \"Step {i} on {{Topic}}\", ExpectedOutput = \"E\")] public partial class Task{i};");
        text.Append("[Crew<Req>(Tasks = [").Append(AnalyzerScalingSources.Types(count, "Task")).AppendLine("])] public partial class BigCrew;");
        return text.ToString();
    }
}

/// <summary>
/// Chained <c>using</c> aliases build, in a few lines, a type whose tree of type arguments doubles with each line.
/// Walks over user types must visit each distinct type once (a visited set, answers kept), and messages must
/// not try to spell such a type out.
/// </summary>
[Trait("Category", "Robustness")]
public sealed class HugeTypeAnalyzerTests
{
    // 2^12 leaves: a walk without a visited set visits thousands of types, a message spelling the type out
    // runs to tens of thousands of characters. (Much deeper chains make the compiler itself exponential.)
    private const int Levels = 12;

    [Fact]
    public async Task A_provider_type_at_the_bottom_of_a_huge_type_is_found_by_visiting_each_distinct_type_once()
    {
        var run = await AnalyzerWorkRunner.MeasureAsync(Source(), new ProviderTypeLeakageAnalyzer());

        var leak = Assert.Single(run.Diagnostics, d => d.Id == "AMSHA101");
        Assert.Contains("'OpenAI.Chat.ChatClient'", leak.GetMessage(), System.StringComparison.Ordinal);
        Assert.InRange(run.Counts[WorkKind.Types], 1, 20 * Levels);
    }

    [Fact]
    public async Task A_message_naming_a_huge_type_stays_short()
    {
        var run = await AnalyzerWorkRunner.MeasureAsync(Source(), new MutableStateAnalyzer());

        var state = Assert.Single(run.Diagnostics, d => d.Id == "AMSHA103");
        Assert.Contains("its type 'Tuple<…>' is mutable", state.GetMessage(), System.StringComparison.Ordinal);
        Assert.True(state.GetMessage().Length < 1000);
    }

    /// <summary>T0 = Tuple&lt;ChatClient, ChatClient&gt;, each Tn = Tuple&lt;Tn-1, Tn-1&gt;, one namespace deeper each.</summary>
    private static string Source()
    {
        var text = new StringBuilder("using Amsha;\nusing OpenAI.Chat;\nnamespace N0\n{\nusing T0 = System.Tuple<ChatClient, ChatClient>;\n");
        for (var level = 1; level <= Levels; level++)
        {
            text.Append("namespace N").Append(level).Append("\n{\nusing T").Append(level).Append(" = System.Tuple<T").Append(level - 1).Append(", T").Append(level - 1).Append(">;\n");
        }

        text.Append("public static class Factory { public static T").Append(Levels).Append(" Make() => null!; }\n");
        text.Append("[Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\")]\npublic partial class Writer\n{\n");
        text.Append("    public static readonly T").Append(Levels).Append(" Everything = null!;\n");
        text.Append("    public static object Build() => Factory.Make();\n}\n");
        text.Append(string.Concat(Enumerable.Repeat("}\n", Levels + 1)));
        return text.ToString();
    }
}
