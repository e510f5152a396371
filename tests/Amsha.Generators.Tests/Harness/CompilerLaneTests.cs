using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Harness;

/// <summary>
/// Each lane really compiles test code with its own compiler at that compiler's newest language
/// version, and runs the generator and analyzers exactly as they ship (built against Roslyn 4.8).
/// A lane that silently fell back to the other compiler would pass without testing anything new.
/// </summary>
public sealed class CompilerLaneTests
{
    [Fact]
    public void The_harness_uses_the_lanes_compiler()
    {
        var loaded = typeof(CSharpCompilation).Assembly.GetName().Version!;
        Assert.Equal(CompilerLane.CompilerVersion, new Version(loaded.Major, loaded.Minor));
        Assert.Equal(loaded, typeof(Compilation).Assembly.GetName().Version);
        Assert.Equal(loaded, typeof(CodeFixHarness).Assembly.GetReferencedAssemblies().Single(a => a.Name == "Microsoft.CodeAnalysis.Workspaces").Version);
    }

    [Fact]
    public void Test_code_is_parsed_at_the_newest_language_version_of_that_compiler()
    {
        Assert.Equal(CompilerLane.NewestLanguageVersion, LanguageVersion.Latest.MapSpecifiedToEffectiveVersion());
        Assert.Equal(CompilerLane.NewestLanguageVersion, GeneratorHarness.ParseOptions.LanguageVersion);

        var compilation = AnalyzerHarness.CreateCompilationWithGeneratedCode([(AnalyzerHarness.SourcePath, "public sealed record Req(string Topic);")]);
        Assert.All(compilation.SyntaxTrees, tree => Assert.Equal(CompilerLane.NewestLanguageVersion, ((CSharpParseOptions)tree.Options).LanguageVersion));
        Assert.Equal(CompilerLane.NewestLanguageVersion, ((CSharpParseOptions)CodeFixHarness.CreateDocument("class C { }").Project.ParseOptions!).LanguageVersion);
    }

    [Fact]
    public async Task The_generator_and_analyzers_are_the_shipped_assemblies_built_against_Roslyn_4_8()
    {
        foreach (var assembly in new[] { typeof(Amsha.Generators.Crews.CrewGenerator).Assembly, typeof(Amsha.CodeFixes.AwaitBlockingWaitCodeFix).Assembly })
        {
            var roslyn = assembly.GetReferencedAssemblies().Single(a => a.Name == "Microsoft.CodeAnalysis");
            Assert.Equal(new Version(4, 8, 0, 0), roslyn.Version);
        }

        // ... and they run on whichever compiler the lane loaded: they generate code and report.
        var run = GeneratorHarness.Run(Crews.CrewGeneratorSnapshotTests.ArticleCrew);
        Assert.Contains("Sample.ArticleCrew.Crew.g.cs", run.Sources.Keys);
        Assert.Empty(run.CompilationErrors);
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(Analyzers.LawAnalyzers.Crew + """
            public static class Client
            {
                public static string Block(WritingCrew crew) => crew.RunAsync(new Req("x")).Result.Output;
            }
            """);
        Assert.Single(diagnostics, d => d.Id == "AMSHA202");
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    [Fact]
    public void Received_snapshots_of_each_lane_are_found_by_ci_and_ignored_by_git()
    {
        // .ci/run looks for '*.received.txt'; .gitignore ignores '*.received.*'.
        Assert.EndsWith(".received.txt", Snapshot.ReceivedPath("Snapshots", "Name"), StringComparison.Ordinal);
    }
}
