using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generators.Tests.Robustness.Fuzzing;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Robustness;

/// <summary>
/// Random Amsha programs (crews, tasks, contexts, recursive and generic output types, templates with
/// stray braces), whole or with tokens deleted and inserted, go through every generator and analyzer:
/// none may throw, none may take long, and a program that compiles must still compile with what the
/// generators add.
/// </summary>
public sealed class StructuralFuzzTests
{
    // About one whole program in seven compiles (and so has its generated code compiled too); the cases are
    // fixed, so the count is too, and the floor only catches a generator that drifted into broken programs.
    [Fact]
    public Task Whole_programs_never_break_the_generators_or_analyzers() =>
        FuzzCampaign.RunAsync(ProgramGenerators.Pristine, stream: 1, cases: 1000, minimumCompiling: 0.05, FuzzCase.JudgeAsync);

    // Token edits almost never leave a compiling program: these cases look for crashes and hangs.
    [Fact]
    public Task Programs_with_tokens_deleted_or_inserted_never_break_the_generators_or_analyzers() =>
        FuzzCampaign.RunAsync(ProgramGenerators.Edited, stream: 2, cases: 1000, minimumCompiling: 0.0, FuzzCase.JudgeAsync);

    public static TheoryData<string> SavedPrograms() =>
        new(Directory.EnumerateFiles(FuzzCampaign.CorpusFolder, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(SavedPrograms))]
    public async Task Saved_programs_never_break_the_generators_or_analyzers(string file)
    {
        var problem = await FuzzCase.CheckAsync(File.ReadAllText(Path.Combine(FuzzCampaign.CorpusFolder, file)));

        Assert.True(problem is null, problem);
    }

    [Fact]
    public async Task The_check_reports_a_throwing_generator_and_a_throwing_analyzer()
    {
        var source = ProgramGenerators.Pristine.Generate(new PCG(1, 0), null, out _).Render();

        var generatorProblem = await FuzzCase.CheckAsync(source, [new ThrowingGenerator()], ImmutableArray<DiagnosticAnalyzer>.Empty);
        var analyzerProblem = await FuzzCase.CheckAsync(source, [], [new ThrowingAnalyzer()]);

        Assert.Contains("CS8785", generatorProblem);
        Assert.Contains("AD0001", analyzerProblem);
        Assert.Null(await FuzzCase.CheckAsync(source, [], ImmutableArray<DiagnosticAnalyzer>.Empty));
    }

    [Fact]
    public async Task A_failing_program_is_shrunk_and_saved()
    {
        // A stand-in bug: any program with two or more typed tasks "fails".
        static Task<string?> TwoTypedTasksFail(string source) =>
            Task.FromResult(source.Split("[CrewTask<").Length > 2 ? "two typed tasks" : null);
        var start = Enumerable.Range(0, 1000)
            .Select(i => (Seed: new PCG(3, (ulong)i), Program: ProgramGenerators.Pristine.Generate(new PCG(3, (ulong)i), null, out _)))
            .First(c => c.Program.Tasks.Count(t => t.Output is not null) >= 4);
        var folder = Directory.CreateTempSubdirectory("amsha-fuzz-").FullName;

        try
        {
            // CsCheck looks for smaller failing programs among random ones after the seed: a search, so a round can
            // (rarely) find none; three rounds of 300 make that vanishingly unlikely without weakening the check.
            string report = "";
            string source = "";
            for (var round = 0; round < 3 && (source.Length == 0 || source.Length >= start.Program.Render().Length); round++)
            {
                report = await FuzzCampaign.ShrinkAsync(ProgramGenerators.Pristine, start.Seed.ToString(), TwoTypedTasksFail, folder);
                var reported = Assert.Single(Directory.GetFiles(folder, "found-*.cs"), f => report.Contains(Path.GetFileName(f), StringComparison.Ordinal));
                source = File.ReadAllText(reported);
            }

            Assert.NotNull(await TwoTypedTasksFail(source));
            Assert.True(source.Length < start.Program.Render().Length, "The saved program is no smaller than the first failing one.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class ThrowingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, (_, _) => throw new InvalidOperationException("boom"));
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("FZ0001", "t", "t", "t", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSyntaxTreeAction(_ => throw new InvalidOperationException("boom"));
        }
    }
}
