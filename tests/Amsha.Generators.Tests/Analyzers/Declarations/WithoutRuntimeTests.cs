using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>Without the Amsha runtime the analyzers stay silent, even on look-alike attributes.</summary>
public sealed class WithoutRuntimeTests
{
    [Fact]
    public async Task Look_alike_declarations_without_the_runtime_report_nothing()
    {
        var tree = CSharpSyntaxTree.ParseText("""
            using System;

            namespace Amsha
            {
                [AttributeUsage(AttributeTargets.Class)] public sealed class AgentLike : Attribute { public string Role { get; set; } = ""; }
            }

            namespace User
            {
                [Amsha.AgentLike(Role = "")]
                public class Researcher;

                public class Crew { public Type[] Tasks { get; } = []; }
            }
            """, GeneratorHarness.ParseOptions);
        var runtime = GeneratorHarness.References.Single(r => r is PortableExecutableReference { FilePath: { } path } && path.EndsWith("/Amsha.dll", System.StringComparison.Ordinal));
        var compilation = GeneratorHarness.CreateCompilation([tree]).RemoveReferences(runtime);
        Assert.Null(compilation.GetTypeByMetadataName("Amsha.AgentAttribute"));

        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation, analyzers: GeneratorHarness.AllAnalyzers());

        Assert.Empty(diagnostics.Select(d => d.ToString()));
    }
}
