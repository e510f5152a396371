using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// Issue item 5 (analyzers): crews of 10, 100 and 1,000 tasks (and everything that grows with them, see
/// <see cref="AnalyzerScalingSources.Crew"/>) through every analyzer. The work each one does, counted per
/// kind (symbols, types, operations, syntax, template characters, ...), grows at most 1.2 times as fast as
/// the crew. Counted, never timed: a quadratic step shows as a hundredfold count, whatever the machine.
/// </summary>
[Trait("Category", "Scaling")]
public sealed class AnalyzerCrewScalingTests
{
    public static TheoryData<string> Analyzers => AnalyzerWorkRunner.AnalyzerNames();

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task Work_grows_linearly_with_the_crew(string analyzer)
    {
        await AnalyzerWorkRunner.AssertLinearAsync(analyzer + " on crews", AnalyzerWorkRunner.Analyzer(analyzer), AnalyzerScalingSources.Crew, 10, 100, 1000);
    }

    [Fact]
    public async Task The_crew_program_reaches_every_rule_it_is_written_for()
    {
        // The program is only a fair test if the analyzers find in it what it was written to contain (the
        // types it declares are all partial and its one [AmshaLlmCall] method is well formed: no AMSHA001/AMSHA012).
        var source = AnalyzerScalingSources.Crew(10);
        foreach (var (analyzer, id, count) in new[]
        {
            ("TemplateAnalyzer", "AMSHA004", 12), ("TemplateAnalyzer", "AMSHA014", 12), ("CrewPlanAnalyzer", "AMSHA008", 1),
            ("CrewPlanAnalyzer", "AMSHA006", 1), ("TaskReferenceAnalyzer", "AMSHA003", 10), ("RequiredTextAnalyzer", "AMSHA011", 1),
            ("ResilienceSettingsAnalyzer", "AMSHA009", 2), ("MutableStateAnalyzer", "AMSHA103", 12), ("FlowLogicInDeclarationAnalyzer", "AMSHA201", 10),
            ("BlockingWaitAnalyzer", "AMSHA202", 10), ("BackgroundStreamAnalyzer", "AMSHA203", 10), ("DiscardedHandleAnalyzer", "AMSHA204", 10),
            ("RetryStormAnalyzer", "AMSHA205", 10), ("DirectChatClientCallAnalyzer", "AMSHA102", 10), ("GeneratedMemberConflictAnalyzer", "AMSHA015", 1),
            ("ProviderTypeLeakageAnalyzer", "AMSHA101", 13), ("PartialDeclarationAnalyzer", "AMSHA001", 0), ("LlmCallDeclarationAnalyzer", "AMSHA012", 0),
        })
        {
            var run = await AnalyzerWorkRunner.MeasureAsync(source, AnalyzerWorkRunner.Analyzer(analyzer));
            Assert.True(count == run.Diagnostics.Count(d => d.Id == id), $"{analyzer}: expected {count} {id}, found: " + string.Join("\n", run.Diagnostics));
        }
    }
}
