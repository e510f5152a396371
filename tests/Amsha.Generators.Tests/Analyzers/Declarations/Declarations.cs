using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers.Declarations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>Runs only the declaration analyzers, so other blocks' rules never blur these tests.</summary>
internal static class Declarations
{
    public static DiagnosticAnalyzer[] Analyzers() =>
    [
        new PartialDeclarationAnalyzer(),
        new TaskReferenceAnalyzer(),
        new TemplateAnalyzer(),
        new CrewPlanAnalyzer(),
        new ResilienceSettingsAnalyzer(),
        new RequiredTextAnalyzer(),
        new LlmCallDeclarationAnalyzer(),
        new GeneratedMemberConflictAnalyzer(),
    ];

    public static Task VerifyAsync(string markup, string? editorConfig = null) =>
        AnalyzerHarness.VerifyAsync(markup, editorConfig, "AMSHA", Analyzers());

    public static async Task<List<Diagnostic>> DiagnosticsAsync(string source, string? editorConfig = null) =>
        (await AnalyzerHarness.GetDiagnosticsAsync(source, editorConfig, Analyzers())).Where(d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal)).ToList();

    public static async Task<Diagnostic> SingleAsync(string source, string id) =>
        Assert.Single(await DiagnosticsAsync(source), d => d.Id == id);

    /// <summary>A valid agent and task other tests can point at.</summary>
    public const string Basics = """
        [Agent(Role = "Researcher", Goal = "Find facts", Backstory = "Careful.")]
        public partial class Researcher;

        [CrewTask(Agent = typeof(Researcher), Description = "Research.", ExpectedOutput = "Facts")]
        public partial class Research;
        """;
}
