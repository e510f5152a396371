using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>The work an analyzer did on one compilation, per kind, and what it reported.</summary>
internal sealed record MeasuredWork(IReadOnlyDictionary<WorkKind, long> Counts, ImmutableArray<Diagnostic> Diagnostics)
{
    public long Total => Counts.Values.Sum();

    public override string ToString() => string.Join(", ", Counts.Where(c => c.Value > 0).Select(c => c.Key + " " + c.Value));
}

/// <summary>
/// Runs one analyzer over a compilation whose work <see cref="AnalysisWork"/> counts (a unique assembly
/// name per run, so tests running at the same time never share a counter). The analysis is sequential:
/// counts are then the same on every run, and a test compares them, never times.
/// </summary>
internal static class AnalyzerWorkRunner
{
    /// <summary>
    /// Every analyzer of the Amsha.Generators assembly that counts its work on C# programs. <c>SerializableTypeAnalyzer</c>
    /// (AMSHA010) is left out: it belongs to the serialization rules, whose scaling the generator's tests cover; and
    /// <c>DefinitionFileAnalyzer</c>, which reads definition files, not C#: <c>Definitions/DefinitionScalingTests</c> covers it.
    /// </summary>
    public static IReadOnlyList<DiagnosticAnalyzer> CountedAnalyzers() =>
        GeneratorHarness.AllAnalyzers()
            .Where(a => a is not SerializableTypeAnalyzer and not Amsha.Generators.Analyzers.Declarations.DefinitionFileAnalyzer)
            .OrderBy(a => a.GetType().Name, StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> AnalyzerNames()
    {
        var names = new TheoryData<string>();
        foreach (var analyzer in CountedAnalyzers())
        {
            names.Add(analyzer.GetType().Name);
        }

        return names;
    }

    public static DiagnosticAnalyzer Analyzer(string name) => CountedAnalyzers().Single(a => a.GetType().Name == name);

    /// <summary>Analyzes <paramref name="source"/> (with the stand-in provider assemblies referenced) and counts the work.</summary>
    public static async Task<MeasuredWork> MeasureAsync(string source, DiagnosticAnalyzer analyzer, Action<AnalysisWork>? observer = null, System.Threading.CancellationToken cancellationToken = default)
    {
        var assemblyName = "Amsha.Work." + Guid.NewGuid().ToString("N");
        var tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: AnalyzerHarness.SourcePath, cancellationToken: cancellationToken);
        var compilation = GeneratorHarness.CreateCompilation(new[] { tree }, assemblyName).AddReferences(ProviderStandIns.References);
        using var work = AnalysisWork.Track(assemblyName);
        work.Observer = observer;
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer), options).GetAnalyzerDiagnosticsAsync(cancellationToken);
        return new MeasuredWork(Counts(work), diagnostics);
    }

    public static Dictionary<WorkKind, long> Counts(AnalysisWork work) => Enum.GetValues<WorkKind>().ToDictionary(kind => kind, kind => work[kind]);

    /// <summary>
    /// Measures <paramref name="sizes"/> (each ten times the one before) and asserts that no kind of work
    /// grows more than 1.2 times as fast as the input, that every kind counted at a size was counted at the
    /// size before, that the largest input was really worked on (at least its size in steps, when
    /// <paramref name="worksOnIt"/>; an analyzer the input is not about may do constant work), and that the
    /// analyzer never threw (AD0001).
    /// </summary>
    public static Task<IReadOnlyList<MeasuredWork>> AssertLinearAsync(string what, DiagnosticAnalyzer analyzer, Func<int, string> source, params int[] sizes) =>
        AssertLinearAsync(what, analyzer, source, worksOnIt: true, sizes);

    /// <inheritdoc cref="AssertLinearAsync(string, DiagnosticAnalyzer, Func{int, string}, int[])"/>
    public static async Task<IReadOnlyList<MeasuredWork>> AssertLinearAsync(string what, DiagnosticAnalyzer analyzer, Func<int, string> source, bool worksOnIt, params int[] sizes)
    {
        var runs = new List<MeasuredWork>();
        foreach (var size in sizes)
        {
            var run = await MeasureAsync(source(size), analyzer);
            Assert.DoesNotContain(run.Diagnostics, d => d.Id == "AD0001");
            runs.Add(run);
        }

        var report = string.Join("\n", sizes.Select((size, i) => $"  {size}: {runs[i]}"));
        for (var i = 1; i < sizes.Length; i++)
        {
            var factor = (double)sizes[i] / sizes[i - 1];
            foreach (var kind in Enum.GetValues<WorkKind>())
            {
                long before = runs[i - 1].Counts[kind], after = runs[i].Counts[kind];
                Assert.True(after == 0 || before > 0, $"{what}: {kind} is counted at size {sizes[i]} ({after}) but not at {sizes[i - 1]}.\n{report}");
                Assert.True(after <= 1.2 * factor * before, $"{what}: {kind} grew {(double)after / before:0.##} times from size {sizes[i - 1]} to {sizes[i]} (at most {1.2 * factor:0.##}).\n{report}");
            }
        }

        Assert.True(!worksOnIt || runs[^1].Total >= sizes[^1], $"{what}: only {runs[^1].Total} steps counted at size {sizes[^1]}; the counters are not on the analyzer's path.\n{report}");
        return runs;
    }
}
