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
    /// <summary>
    /// Generous: a case takes milliseconds of CPU; only a blow-up or a hang comes near this, even on a machine
    /// busy with other tests.
    /// </summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Returns <see langword="null"/> when the tools handled <paramref name="source"/>, otherwise what went wrong.</summary>
    public static async Task<string?> CheckAsync(string source) => (await JudgeAsync(source).ConfigureAwait(false)).Problem;

    public static async Task<string?> CheckAsync(string source, IIncrementalGenerator[] generators, ImmutableArray<DiagnosticAnalyzer> analyzers) =>
        (await JudgeAsync(source, generators, analyzers).ConfigureAwait(false)).Problem;

    /// <summary>What went wrong, if anything, and whether the program compiled so that the generated code was compiled too.</summary>
    public static Task<FuzzVerdict> JudgeAsync(string source) =>
        JudgeAsync(source, GeneratorHarness.AllGenerators(), GeneratorHarness.AllAnalyzers());

    private static async Task<FuzzVerdict> JudgeAsync(string source, IIncrementalGenerator[] generators, ImmutableArray<DiagnosticAnalyzer> analyzers)
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

            var unserializable = false;
            if (!analyzers.IsEmpty)
            {
                var analysis = output.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
                var analyzerDiagnostics = await analysis.GetAnalyzerDiagnosticsAsync(timeout.Token).ConfigureAwait(false);
                problems.AddRange(analyzerDiagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
                unserializable = analyzerDiagnostics.Any(d => d.Id == "AMSHA010");
            }

            // A program whose own code compiles must compile with what the generators add: an error in a generated
            // file is theirs. ([AmshaLlmCall] methods have no body until the generator writes one: CS8795 is
            // expected before it runs. Where the user's code has errors, generated code may repeat them.)
            var generated = output.SyntaxTrees.Except(input.SyntaxTrees).ToHashSet();
            var compiles = generated.Count > 0
                && !input.GetDiagnostics(timeout.Token).Any(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795");
            if (compiles)
            {
                problems.AddRange(output.GetDiagnostics(timeout.Token)
                    .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generated.Contains(tree))
                    .Take(5)
                    .Select(d => "the program compiles but the generated code does not: " + d));

                // A root type without a codec compiles, and fails only when a run reaches it: when nothing is
                // reported unserializable, every task output and structured result must have its own codec.
                if (!unserializable && generators.Length > 1)
                {
                    problems.AddRange(RootsWithoutCodec(output, generated, timeout.Token).Select(root => $"no codec was generated for '{root}'"));
                }
            }

            if (clock.Elapsed > Bound)
            {
                problems.Add(TooSlow + $": took {clock.Elapsed.TotalSeconds:F1} s, over the {Bound.TotalSeconds} s bound");
            }

            return new FuzzVerdict(problems.Count == 0 ? null : string.Join("\n", problems), OutputCompiled: compiles);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new FuzzVerdict(TooSlow + $": still running after the {Bound.TotalSeconds} s bound", OutputCompiled: false);
        }
    }

    // Task outputs ([CrewTask<T>]) and structured [AmshaLlmCall] results (Task<T>/ValueTask<T>, T not a
    // ChatResponse) of the program, against the T of every generated GeneratedJsonCodec<T>.
    private static IEnumerable<string> RootsWithoutCodec(Compilation output, HashSet<SyntaxTree> generated, CancellationToken cancellationToken)
    {
        var codecBase = output.GetTypeByMetadataName("Amsha.Generated.GeneratedJsonCodec`1");
        var taskAttribute = output.GetTypeByMetadataName("Amsha.CrewTaskAttribute`1");
        var callAttribute = output.GetTypeByMetadataName("Amsha.AmshaLlmCallAttribute");
        if (codecBase is null || taskAttribute is null || callAttribute is null)
        {
            yield break;
        }

        var coded = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        var roots = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var tree in output.SyntaxTrees)
        {
            var model = output.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot(cancellationToken).DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax>())
            {
                switch (model.GetDeclaredSymbol(declaration, cancellationToken))
                {
                    case INamedTypeSymbol type when generated.Contains(tree):
                        if (type.BaseType is { } baseType && SymbolEqualityComparer.Default.Equals(baseType.OriginalDefinition, codecBase))
                        {
                            coded.Add(baseType.TypeArguments[0]);
                        }

                        break;
                    case INamedTypeSymbol type:
                        roots.UnionWith(type.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass?.OriginalDefinition, taskAttribute)).Select(a => a.AttributeClass!.TypeArguments[0]));
                        break;
                    case IMethodSymbol method when method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, callAttribute))
                        && method.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments: [var result] }
                        && result.Name != "ChatResponse":
                        roots.Add(result);
                        break;
                }
            }
        }

        foreach (var root in roots)
        {
            // Text tasks and text results ([CrewTask<string>], Task<string>) need no codec.
            if (root.SpecialType != SpecialType.System_String && !coded.Contains(root))
            {
                yield return root.ToDisplayString();
            }
        }
    }

    /// <summary>How a problem that is only about time starts: such a case is reported, not shrunk (each try could take the whole bound).</summary>
    public const string TooSlow = "too slow";
}

/// <summary>What went wrong (<see langword="null"/> for nothing), and whether the generated code was compiled with the program.</summary>
internal readonly record struct FuzzVerdict(string? Problem, bool OutputCompiled);
