using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>
/// The generator never breaks (issue item 5): thousands of mutated, half-typed declarations go
/// through every generator and every analyzer of the Amsha.Generators assembly. No generator may
/// throw (CS8785), no analyzer may throw (AD0001), and when the input compiles, so must the output.
/// </summary>
[Trait("Category", "Robustness")]
public sealed class DeclarationRobustnessTests(ITestOutputHelper output)
{
    // A partial method with an accessibility modifier needs an implementation (CS8795) that an
    // Amsha generator writes; the input check ignores it, since the user is not expected to write it.
    private const string MissingPartialImplementation = "CS8795";

    [Fact]
    public void Seeds_are_valid_and_the_crew_generator_emits_for_them()
    {
        foreach (var (name, body) in MutationCorpus.Bodies)
        {
            var source = MutationCorpus.Compose(body, MutationCorpus.Namespaces[1], MutationCorpus.Wrappers[0]);
            var run = GeneratorHarness.Run(source);
            Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != MissingPartialImplementation).Select(d => name + ": " + d));
            Assert.Empty(run.CompilationErrors.Where(d => d.Id != MissingPartialImplementation).Select(d => name + ": " + d));

            // The structured-output crew of the "llm" body is planned once typed outputs are generated.
            if (name != "llm")
            {
                Assert.Contains(run.Sources.Keys, hint => hint.EndsWith(".Crew.g.cs", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Mutated_declarations_never_break_generators_or_analyzers()
    {
        var variants = MutationCorpus.Variants().ToList();
        Assert.True(variants.Count >= 5000, $"Only {variants.Count} variants; the robustness test needs at least 5,000.");

        // One reference set, bound once: every variant adds its single tree to the same empty compilation.
        // Only the assemblies the runtime, the AI abstractions and DI reach (each variant pays for the
        // namespaces it has to merge), so generated code sees everything it can use.
        var empty = GeneratorHarness.CreateCompilation(Array.Empty<SyntaxTree>(), "Amsha.Robustness").WithReferences(ReachableReferences());
        var analyzers = GeneratorHarness.AllAnalyzers();
        var driver = CSharpGeneratorDriver.Create(
            GeneratorHarness.AllGenerators().Select(g => g.AsSourceGenerator()),
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);

        var failures = new ConcurrentQueue<string>();
        var generatedCount = 0;
        var compiledCount = 0;
        var stopwatch = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        Parallel.ForEach(variants, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, variant =>
        {
            var problem = Check(variant, empty, driver, analyzers, analyzerOptions, out var generated, out var compiled);
            if (problem is not null)
            {
                failures.Enqueue($"{variant.Name}: {problem}\n--- source ---\n{variant.Source}\n--------------");
            }

            if (generated)
            {
                Interlocked.Increment(ref generatedCount);
            }

            if (compiled)
            {
                Interlocked.Increment(ref compiledCount);
            }
        });
        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        output.WriteLine($"{variants.Count} variants in {stopwatch.Elapsed.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s CPU, on {Environment.ProcessorCount} cores; {compiledCount} compiled cleanly, {generatedCount} produced crew code.");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {variants.Count} variants broke something. First ones:\n" + string.Join("\n\n", failures.Take(5)));

        // The corpus must exercise both paths: code the generator accepts and code it must survive.
        Assert.True(compiledCount > 100, $"Only {compiledCount} variants compiled; the corpus no longer exercises the generated-code check.");
        Assert.True(generatedCount > 100, $"Only {generatedCount} variants produced generated code.");
    }

    private static IEnumerable<MetadataReference> ReachableReferences()
    {
        var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<System.Reflection.AssemblyName>(new[]
        {
            typeof(Amsha.ExecutionSession).Assembly.GetName(),
            typeof(Microsoft.Extensions.AI.IChatClient).Assembly.GetName(),
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.GetName(),
            typeof(Microsoft.Extensions.DependencyInjection.ServiceCollection).Assembly.GetName(),
            typeof(object).Assembly.GetName(),
            new System.Reflection.AssemblyName("System.Runtime"),
            new System.Reflection.AssemblyName("netstandard"),
        });
        while (pending.Count > 0)
        {
            var name = pending.Dequeue();
            if (!reached.Add(name.Name!))
            {
                continue;
            }

            System.Reflection.Assembly assembly;
            try
            {
                assembly = System.Reflection.Assembly.Load(name);
            }
            catch (System.IO.IOException)
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                pending.Enqueue(reference);
            }
        }

        return GeneratorHarness.References.Where(r => r is PortableExecutableReference { FilePath: { } path } && reached.Contains(System.IO.Path.GetFileNameWithoutExtension(path)));
    }

    private static string? Check(
        MutationVariant variant,
        CSharpCompilation empty,
        GeneratorDriver driver,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        AnalyzerOptions analyzerOptions,
        out bool generated,
        out bool compiled)
    {
        generated = false;
        compiled = false;
        var tree = CSharpSyntaxTree.ParseText(variant.Source, GeneratorHarness.ParseOptions, path: "Variant.cs");
        var input = empty.AddSyntaxTrees(tree);

        var run = driver.RunGeneratorsAndUpdateCompilation(input, out var outputCompilation, out var generatorDiagnostics).GetRunResult();
        if (run.Results.FirstOrDefault(r => r.Exception is not null) is { Exception: { } exception })
        {
            return "generator threw " + exception;
        }

        if (generatorDiagnostics.FirstOrDefault(d => d.Id == "CS8785") is { } generatorFailure)
        {
            return "generator failed: " + generatorFailure;
        }

        generated = run.GeneratedTrees.Any(t => !t.FilePath.EndsWith("ServiceCollectionExtensions.g.cs", StringComparison.Ordinal));
        var analyzerExceptions = new ConcurrentQueue<string>();
        var withAnalyzers = outputCompilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            analyzerOptions,
            onAnalyzerException: (ex, analyzer, _) => analyzerExceptions.Enqueue(analyzer.GetType().Name + " threw " + ex),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false));
        // With syntax errors the input cannot compile: the analyzers run over the variant's own tree
        // (generated code is not analyzed anyway), not the whole compilation.
        var syntaxBroken = tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        ImmutableArray<Diagnostic> diagnostics;
        if (syntaxBroken)
        {
            var analyzedTree = withAnalyzers.Compilation.SyntaxTrees.First(t => t.FilePath == tree.FilePath);
            diagnostics = withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(analyzedTree, CancellationToken.None).GetAwaiter().GetResult()
                .AddRange(withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(withAnalyzers.Compilation.GetSemanticModel(analyzedTree), null, CancellationToken.None).GetAwaiter().GetResult());
        }
        else
        {
            diagnostics = withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        }
        if (!analyzerExceptions.IsEmpty)
        {
            return analyzerExceptions.First();
        }

        if (diagnostics.FirstOrDefault(d => d.Id == "AD0001") is { } analyzerFailure)
        {
            return "analyzer failed: " + analyzerFailure;
        }

        if (syntaxBroken)
        {
            return null;
        }

        var outputErrors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS", StringComparison.Ordinal) && d.Id != MissingPartialImplementation).ToList();
        if (outputErrors.Count == 0)
        {
            compiled = true;
            return null;
        }

        // The output has errors: fine when the input had them too, a generator bug otherwise.
        var inputCompiles = !input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error && d.Id != MissingPartialImplementation);
        return inputCompiles ? "the input compiles but the generated output does not: " + string.Join("; ", outputErrors.Take(3)) : null;
    }
}
