using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Tests.Scaling;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Definitions;

/// <summary>
/// Definition files of 10, 100 and 1,000 crews (each with its agent and two tasks, context, placeholders, a few
/// mistakes): the generator's output and the analyzer's counted work grow linearly, and the analyzer stops within a
/// step of cancellation. Counted, never timed.
/// </summary>
[Trait("Category", "Scaling")]
public sealed class DefinitionScalingTests
{
    private static readonly int[] Sizes = { 10, 100, 1000 };

    private const string Types = """
        namespace Sample;

        public sealed record Request(string Topic, string Audience);

        public sealed record Notes(string[] Facts);
        """;

    /// <summary><paramref name="crews"/> crews in three files; one crew in ten has a misspelled placeholder, one file an ignored key.</summary>
    private static DefinitionFileSet Files(int crews)
    {
        var agents = new StringBuilder();
        var tasks = new StringBuilder();
        var crewText = new StringBuilder();
        for (var i = 0; i < crews; i++)
        {
            agents.Append($"agent_{i}:\n  role: Role {i}\n  goal: Study {{topic}} for {{audience}}\n  backstory: >\n    Careful\n    and thorough.\n");
            var typo = i % 10 == 9 ? "topik" : "topic";
            tasks.Append($"research_{i}:\n  description: Research {{{typo}}}.\n  expected_output: Facts\n  agent: agent_{i}\n  output: Notes\n");
            tasks.Append($"write_{i}:\n  description: Write about {{topic}}.\n  expected_output: An article\n  agent: agent_{i}\n  context: [research_{i}]\n");
            crewText.Append($"crew_{i}:\n  tasks: [research_{i}, write_{i}]\n  input: Request\n");
        }

        tasks.Append("extra:\n  description: x\n  expected_output: y\n  agent: agent_0\n  verbose: true\n");
        return DefinitionFileSet.Of(("/app/agents.yaml", agents.ToString()), ("/app/tasks.yaml", tasks.ToString()), ("/app/crews.yaml", crewText.ToString()));
    }

    [Fact]
    public void Generator_output_grows_linearly_with_the_crews()
    {
        var compilation = GeneratorHarness.CreateCompilation(Types);
        var emitted = new List<double>();
        var outputs = new List<double>();
        foreach (var size in Sizes)
        {
            var run = Files(size).Run(compilation);
            Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
            Assert.Equal(size - (size / 10), run.Sources.Keys.Count(k => k.EndsWith(".DefinedCrew.g.cs", StringComparison.Ordinal)));
            emitted.Add(run.Result.Results.SelectMany(r => r.GeneratedSources).Sum(s => (double)s.SourceText.Length));
            outputs.Add(run.Result.Results.SelectMany(r => r.TrackedSteps.Concat(r.TrackedOutputSteps)).SelectMany(p => p.Value).Sum(s => (double)s.Outputs.Length));
        }

        WorkCounts.AssertLinear("emitted characters", Sizes, emitted);
        WorkCounts.AssertLinear("step outputs", Sizes, outputs);
    }

    [Fact]
    public async Task Analyzer_work_grows_linearly_with_the_crews()
    {
        var runs = new List<(Dictionary<WorkKind, long> Counts, ImmutableArray<Diagnostic> Diagnostics)>();
        foreach (var size in Sizes)
        {
            runs.Add(await MeasureAsync(Files(size), observer: null, CancellationToken.None));
        }

        for (var i = 0; i < Sizes.Length; i++)
        {
            Assert.DoesNotContain(runs[i].Diagnostics, d => d.Id == "AD0001");
            Assert.Equal(Sizes[i] / 10, runs[i].Diagnostics.Count(d => d.Id == "AMSHA004"));
            Assert.Single(runs[i].Diagnostics, d => d.Id == "AMSHA022");
        }

        foreach (var kind in Enum.GetValues<WorkKind>().Where(k => runs[^1].Counts[k] > 0))
        {
            WorkCounts.AssertLinear(kind.ToString(), Sizes, runs.Select(r => (double)r.Counts[kind]).ToList());
        }

        Assert.True(runs[^1].Counts[WorkKind.DefinitionEntries] >= Sizes[^1], "The binder's steps are not counted.");
    }

    [Fact]
    public async Task Analyzer_stops_within_a_step_of_cancellation()
    {
        var small = await MeasureAsync(Files(100), observer: null, CancellationToken.None);
        var trigger = small.Counts[WorkKind.DefinitionEntries] * 5;

        using var cancellation = new CancellationTokenSource();
        AnalysisWork? counted = null;
        long atCancel = -1;
        void Observe(AnalysisWork work)
        {
            counted = work;
            if (work[WorkKind.DefinitionEntries] >= trigger && Interlocked.CompareExchange(ref atCancel, work[WorkKind.DefinitionEntries], -1) == -1)
            {
                cancellation.Cancel();
            }
        }

        var thrown = await Record.ExceptionAsync(() => MeasureAsync(Files(1000), Observe, cancellation.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        Assert.True(counted![WorkKind.DefinitionEntries] - atCancel <= 16, $"{counted[WorkKind.DefinitionEntries] - atCancel} steps after cancellation.");
    }

    // The analyzer alone over a compilation whose work is tracked (a unique assembly name), sequentially.
    private static async Task<(Dictionary<WorkKind, long> Counts, ImmutableArray<Diagnostic> Diagnostics)> MeasureAsync(DefinitionFileSet files, Action<AnalysisWork>? observer, CancellationToken cancellationToken)
    {
        var assemblyName = "Amsha.Work." + Guid.NewGuid().ToString("N");
        var compilation = GeneratorHarness.CreateCompilation(new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Types, GeneratorHarness.ParseOptions, path: "Types.cs") }, assemblyName);
        using var work = AnalysisWork.Track(assemblyName);
        work.Observer = observer;
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(files.AdditionalTexts, files.Options), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DefinitionFileAnalyzer()), options).GetAnalyzerDiagnosticsAsync(cancellationToken);
        return (AnalyzerWorkRunner.Counts(work), diagnostics);
    }
}
