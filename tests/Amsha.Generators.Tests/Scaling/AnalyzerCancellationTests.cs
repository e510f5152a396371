using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.Declarations;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// Issue item 5: an IDE cancels analysis on every keystroke, and an analyzer must stop at once, not after
/// finishing a loop over a huge input. Each test cancels deterministically from inside the analysis, when a
/// counted amount of work is reached (no timers), and asserts that the analysis ends canceled and that the
/// analyzer did no further counted work of that kind. Work is counted by the same call that checks for
/// cancellation (<see cref="Work.Step"/>): a loop that stopped checking would also stop counting, never
/// reach the trigger, and the analysis would end normally; a loop that counted without checking would go on
/// counting after the trigger. Either fails here.
/// </summary>
[Trait("Category", "Scaling")]
public sealed class AnalyzerCancellationTests
{
    /// <summary>The most work of the triggering kind allowed after cancellation (a step already under way).</summary>
    private const int Slack = 16;

    public static TheoryData<string> Analyzers => AnalyzerWorkRunner.AnalyzerNames();

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task Every_analyzer_stops_within_a_step_of_cancellation_on_a_large_crew(string analyzer)
    {
        // The kind of work the analyzer does most of, measured on a small crew; the large crew is ten times as
        // large, and analysis is canceled halfway through that kind of work (if it grows linearly).
        var small = await AnalyzerWorkRunner.MeasureAsync(AnalyzerScalingSources.Crew(150), AnalyzerWorkRunner.Analyzer(analyzer));
        var (kind, count) = small.Counts.OrderByDescending(c => c.Value).First();
        await AssertStopsAsync(AnalyzerScalingSources.Crew(1500), AnalyzerWorkRunner.Analyzer(analyzer), kind, count * 5);
    }

    [Fact]
    public async Task Template_analyzer_stops_within_a_step_while_checking_thousands_of_placeholders()
    {
        // Mostly valid placeholders: checking one takes no other step that could notice the cancellation.
        var backstory = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            backstory.Append(i % 500 == 0 ? "{Unknown" + i + "} " : "{Topic} ");
        }

        await AssertStopsAsync(TemplateScalingSources.InCrew(backstory.ToString()), new TemplateAnalyzer(), WorkKind.Placeholders, 2_100);
    }

    [Fact]
    public async Task Template_analyzer_stops_within_a_step_while_parsing_a_huge_template()
    {
        // Unclosed braces: the case that made the parser quadratic.
        await AssertStopsAsync(TemplateScalingSources.InCrew(string.Concat(Enumerable.Repeat("{open ", 50_000))), new TemplateAnalyzer(), WorkKind.TemplateCharacters, 500_000);
    }

    [Fact]
    public async Task Template_analyzer_stops_within_a_step_while_decoding_a_huge_literal()
    {
        // One stray brace at the very end: the whole literal is decoded to locate it.
        await AssertStopsAsync(TemplateScalingSources.InCrew(new string('x', 300_000) + "}"), new TemplateAnalyzer(), WorkKind.LiteralCharacters, 20_000);
    }

    private static async Task AssertStopsAsync(string source, DiagnosticAnalyzer analyzer, WorkKind kind, long trigger)
    {
        using var cancellation = new CancellationTokenSource();
        AnalysisWork? counted = null;
        long atCancel = -1;
        void Observe(AnalysisWork work)
        {
            counted = work;
            if (work[kind] >= trigger && Interlocked.CompareExchange(ref atCancel, work[kind], -1) == -1)
            {
                cancellation.Cancel();
            }
        }

        MeasuredWork? finished = null;
        var name = analyzer.GetType().Name;
        var thrown = await Record.ExceptionAsync(async () => finished = await AnalyzerWorkRunner.MeasureAsync(source, analyzer, Observe, cancellation.Token));

        Assert.True(finished is null, $"{name}: the analysis ended normally ({finished}); {kind} never reached {trigger}.");
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        var after = counted![kind] - atCancel;
        Assert.True(after <= Slack, $"{name}: {after} steps of {kind} after cancellation at {atCancel} (at most {Slack}).");
    }
}
