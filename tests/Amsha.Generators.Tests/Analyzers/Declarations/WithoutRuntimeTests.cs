using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>Without the Amsha runtime the analyzers stay silent, even on code that names Amsha's attributes.</summary>
public sealed class WithoutRuntimeTests
{
    // Wrong in several ways (not partial, blank role, a crew without tasks, a blocking wait):
    // with the runtime referenced, this fires declaration and control-flow diagnostics.
    private const string Source = """
        using Amsha;

        [Agent(Role = "", Goal = "G", Backstory = "B")]
        public class Researcher;

        [Crew]
        public class Team
        {
            public void Run(System.Threading.Tasks.Task<int> task) => _ = task.Result;
        }
        """;

    [Fact]
    public async Task With_the_runtime_the_same_code_is_diagnosed()
    {
        var compilation = GeneratorHarness.CreateCompilation([Parse()]);

        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation, analyzers: GeneratorHarness.AllAnalyzers());

        Assert.Contains(diagnostics, d => d.Id == "AMSHA001");
        Assert.Contains(diagnostics, d => d.Id == "AMSHA011");
        Assert.Contains(diagnostics, d => d.Id == "AMSHA007");
    }

    [Fact]
    public async Task Without_the_runtime_nothing_is_reported()
    {
        var runtime = GeneratorHarness.References.Single(r => r is PortableExecutableReference { FilePath: { } path } && path.EndsWith("/Amsha.dll", System.StringComparison.Ordinal));
        var compilation = GeneratorHarness.CreateCompilation([Parse()]).RemoveReferences(runtime);
        Assert.Null(compilation.GetTypeByMetadataName("Amsha.AgentAttribute"));

        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation, analyzers: GeneratorHarness.AllAnalyzers());

        Assert.Empty(diagnostics.Select(d => d.ToString()));
    }

    private static SyntaxTree Parse() => CSharpSyntaxTree.ParseText(Source, GeneratorHarness.ParseOptions);
}
