using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Robustness.Fuzzing;

/// <summary>
/// Pushes one program through every Amsha generator and analyzer, as the IDE does on a keystroke,
/// and names what went wrong: a generator exception (CS8785), an analyzer exception (AD0001), more
/// than <see cref="Bound"/> of work, or (for programs that compile) generated code that does not.
/// </summary>
internal static class FuzzCase
{
    /// <summary>Generous: a case takes milliseconds; only a blow-up or a hang comes near this.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Returns <see langword="null"/> when the tools handled <paramref name="source"/>, otherwise what went wrong.</summary>
    public static Task<string?> CheckAsync(string source) =>
        CheckAsync(source, GeneratorHarness.AllGenerators(), GeneratorHarness.AllAnalyzers());

    public static async Task<string?> CheckAsync(string source, IIncrementalGenerator[] generators, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var clock = Stopwatch.StartNew();
        try
        {
            var input = GeneratorHarness.CreateCompilation(source);
            GeneratorDriver driver = CSharpGeneratorDriver.Create(generators.Select(g => g.AsSourceGenerator()), parseOptions: GeneratorHarness.ParseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics, timeout.Token);

            var problems = new List<string>();
            problems.AddRange(driver.GetRunResult().Results.Where(r => r.Exception is not null).Select(r => $"{r.Generator.GetGeneratorType().Name} threw {r.Exception}"));
            problems.AddRange(generatorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785").Select(d => d.ToString()));

            if (!analyzers.IsEmpty)
            {
                var analysis = output.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
                var analyzerDiagnostics = await analysis.GetAnalyzerDiagnosticsAsync(timeout.Token).ConfigureAwait(false);
                problems.AddRange(analyzerDiagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
            }

            // Code that compiles and that the generators accept must still compile once they add theirs.
            if (problems.Count == 0
                && !generatorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)
                && !input.GetDiagnostics(timeout.Token).Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                problems.AddRange(output.GetDiagnostics(timeout.Token).Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)
                    .Select(d => "the program compiles but the generated code does not: " + d));
            }

            if (clock.Elapsed > Bound)
            {
                problems.Add($"took {clock.Elapsed.TotalSeconds:F1} s, over the {Bound.TotalSeconds} s bound");
            }

            return problems.Count == 0 ? null : string.Join("\n", problems);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"still running after the {Bound.TotalSeconds} s bound";
        }
    }
}
