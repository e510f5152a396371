using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.ControlFlow;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Analyzers.Leakage;
using Amsha.Generators.Tests.Scaling;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>
/// The tool analyzers on programs whose size is one number (see <see cref="Tools"/>): the work each one counts grows
/// at most 1.2 times as fast as the program (sizes 12, 120, 1,200: each kind of tool as often at every size), and each stops within a step of cancellation.
/// </summary>
[Trait("Category", "Scaling")]
public sealed class ToolAnalyzerScalingTests
{
    private const int Slack = 16;

    public static TheoryData<string> Analyzers => new()
    {
        nameof(ToolboxDeclarationAnalyzer),
        nameof(ToolMethodAnalyzer),
        nameof(ToolDescriptionAnalyzer),
        nameof(ToolReferenceAnalyzer),
        nameof(ToolNameConflictAnalyzer),
        nameof(ProviderTypeLeakageAnalyzer),
        nameof(BlockingWaitAnalyzer),
        nameof(PartialDeclarationAnalyzer),
    };

    /// <summary>
    /// A toolbox of <paramref name="n"/> tools (undescribed, private with ref parameters, renamed to clash, taking a
    /// provider type and blocking, documented, blocking through a local), <paramref name="n"/> one-tool toolboxes whose
    /// names repeat every third, <paramref name="n"/> non-toolboxes with a tool, an agent offering all the toolboxes
    /// (and a non-toolbox), <paramref name="n"/> tasks adding the big toolbox to the agent's, <paramref name="n"/> tasks
    /// of an agent without tools adding the big toolbox, a small one and a non-toolbox each, and one task offering all
    /// the small toolboxes.
    /// </summary>
    public static string Tools(int n)
    {
        var text = new StringBuilder(ToolAnalyzers.Usings);
        text.AppendLine("using OpenAI.Chat;");
        text.AppendLine("public sealed record Hit(string Title, double Score);");
        text.AppendLine("[Toolbox] public partial class Big");
        text.AppendLine("{");
        AnalyzerScalingSources.For(n, text, i => (i % 6) switch
        {
            0 => $"    [Tool] public string T{i}(string a, int b) => a;",
            1 => $"    [Tool(Description = \"d\")] private string T{i}(ref int a) => \"\";",
            2 => $"    [Tool(Name = \"T{i - 2}\", Description = \"d\")] public string U{i}(string a) => a;",
            3 => $"    [Tool(Description = \"d\")] public string T{i}(ChatClient c) => Task.FromResult(\"\").Result;",
            4 => $"    /// <summary>Searches the web.</summary>\n    [Tool] public Task<List<Hit>> T{i}Async(string a, CancellationToken ct) => Task.FromResult(new List<Hit>());",
            _ => $"    [Tool(Description = \"d\")] public Hit T{i}(Hit h) {{ var t = Task.FromResult(h); return t.Result; }}",
        });
        text.AppendLine("}");
        AnalyzerScalingSources.For(n, text, i => $"[Toolbox] public partial class Box{i} {{ [Tool(Description = \"d\")] public string Shared{i % 3}(string a) => a; }}");
        AnalyzerScalingSources.For(n, text, i => $"public partial class Helper{i} {{ [Tool(Description = \"d\")] public string H(string a) => a; }}");
        text.Append("[Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\", Tools = [").Append(AnalyzerScalingSources.Types(n, "Box")).AppendLine(", typeof(Helper0)])] public partial class Writer;");
        text.AppendLine("[Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\")] public partial class Bare;");
        AnalyzerScalingSources.For(n, text, i => $"[CrewTask(Agent = typeof(Writer), Description = \"D\", ExpectedOutput = \"E\", Tools = [typeof(Big), typeof(Box{i})])] public partial class Task{i};");
        AnalyzerScalingSources.For(n, text, i => $"[CrewTask(Agent = typeof(Bare), Description = \"D\", ExpectedOutput = \"E\", Tools = [typeof(Big), typeof(Box{i}), typeof(Helper{i})])] public partial class Other{i};");
        text.Append("[CrewTask(Agent = typeof(Bare), Description = \"D\", ExpectedOutput = \"E\", Tools = [").Append(AnalyzerScalingSources.Types(n, "Box")).AppendLine("])] public partial class All;");
        return text.ToString();
    }

    [Fact]
    public async Task The_tool_program_reaches_every_rule_it_is_written_for()
    {
        var source = Tools(12);
        foreach (var (analyzer, id, count) in new[]
        {
            (nameof(ToolDescriptionAnalyzer), "AMSHA018", 2), (nameof(ToolMethodAnalyzer), "AMSHA017", 4), (nameof(ToolNameConflictAnalyzer), "AMSHA020", 20),
            (nameof(ToolReferenceAnalyzer), "AMSHA019", 13), (nameof(ToolboxDeclarationAnalyzer), "AMSHA016", 12), (nameof(ProviderTypeLeakageAnalyzer), "AMSHA104", 2),
            (nameof(ProviderTypeLeakageAnalyzer), "AMSHA101", 0), (nameof(BlockingWaitAnalyzer), "AMSHA206", 4), (nameof(PartialDeclarationAnalyzer), "AMSHA001", 0),
        })
        {
            var run = await AnalyzerWorkRunner.MeasureAsync(source, Analyzer(analyzer));
            Assert.True(count == run.Diagnostics.Count(d => d.Id == id), $"{analyzer}: expected {count} {id}, found: " + string.Join("\n", run.Diagnostics));
        }
    }

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task Work_grows_linearly_with_the_tools(string analyzer)
    {
        await AnalyzerWorkRunner.AssertLinearAsync(analyzer + " on tools", Analyzer(analyzer), Tools, 12, 120, 1200);
    }

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task Every_tool_analyzer_stops_within_a_step_of_cancellation(string analyzer)
    {
        var small = await AnalyzerWorkRunner.MeasureAsync(Tools(100), Analyzer(analyzer));
        var (kind, count) = small.Counts.OrderByDescending(c => c.Value).First();
        Assert.True(count > 0, analyzer + " counted no work.");

        using var cancellation = new CancellationTokenSource();
        AnalysisWork? counted = null;
        long atCancel = -1;
        var trigger = count * 5;
        void Observe(AnalysisWork work)
        {
            counted = work;
            if (work[kind] >= trigger && Interlocked.CompareExchange(ref atCancel, work[kind], -1) == -1)
            {
                cancellation.Cancel();
            }
        }

        MeasuredWork? finished = null;
        var thrown = await Record.ExceptionAsync(async () => finished = await AnalyzerWorkRunner.MeasureAsync(Tools(1000), Analyzer(analyzer), Observe, cancellation.Token));

        Assert.True(finished is null, $"{analyzer}: the analysis ended normally ({finished}); {kind} never reached {trigger}.");
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        var after = counted![kind] - atCancel;
        Assert.True(after <= Slack, $"{analyzer}: {after} steps of {kind} after cancellation at {atCancel} (at most {Slack}).");
    }

    private static DiagnosticAnalyzer Analyzer(string name) => AnalyzerWorkRunner.Analyzer(name);
}
