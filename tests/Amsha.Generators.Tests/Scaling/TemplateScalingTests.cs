using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.Declarations;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// Issue item 3: templates of 1,000, 10,000 and 100,000 characters (in a regular, a verbatim and a raw
/// literal; valid, unknown and malformed placeholders; see <see cref="TemplateScalingSources"/>) through
/// every analyzer. Work is counted, never timed; the template analyzer also reports every placeholder
/// and brace at its exact span, at every length, and decodes each literal once.
/// </summary>
[Trait("Category", "Scaling")]
public sealed class TemplateScalingTests
{
    private static readonly int[] Lengths = { 1_000, 10_000, 100_000 };

    public static TheoryData<string> Analyzers => AnalyzerWorkRunner.AnalyzerNames();

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task Work_grows_linearly_with_the_template(string analyzer)
    {
        // Only the template analyzer reads templates; the others must not do more work for longer ones.
        await AnalyzerWorkRunner.AssertLinearAsync(analyzer + " on templates", AnalyzerWorkRunner.Analyzer(analyzer), Source, worksOnIt: analyzer == nameof(TemplateAnalyzer), Lengths);
    }

    [Fact]
    public async Task Every_diagnostic_is_at_its_exact_span_and_each_literal_is_decoded_once()
    {
        Assert.True(TemplateScalingSources.UnitValueLength <= TemplateScalingSources.UnitLength);
        foreach (var length in Lengths)
        {
            var (source, expected) = AnalyzerHarness.ParseMarkup(TemplateScalingSources.Markup(length));
            var run = await AnalyzerWorkRunner.MeasureAsync(source, new TemplateAnalyzer());

            var units = length / TemplateScalingSources.UnitLength;
            Assert.Equal(3 * units * 5, expected.Count);
            var actual = run.Diagnostics.Where(d => d.Id is "AMSHA004" or "AMSHA014").OrderBy(d => d.Location.SourceSpan.Start).ToList();
            Assert.Equal(
                expected.OrderBy(e => e.Span.Start).Select(e => (e.Id, e.Span)),
                actual.Select(d => (d.Id, d.Location.SourceSpan)));
            Assert.All(actual, d => Assert.Equal("true", d.Properties[DiagnosticDescriptors.ExactSpanProperty]));

            // Three literals of 'length' characters and a tail of 11 per unit: each parsed once and decoded
            // once (a raw literal's indentation is looked at too), not once per diagnostic as before.
            var templates = 3 * (length + (11 * units));
            Assert.InRange(run.Counts[WorkKind.LiteralCharacters], templates, templates + (3 * 10 * units));
            Assert.InRange(run.Counts[WorkKind.TemplateCharacters], templates, 3 * templates);
        }
    }

    private static string Source(int length) => AnalyzerHarness.ParseMarkup(TemplateScalingSources.Markup(length)).Source;
}
