using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Tests.Analyzers.Declarations;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>Each tool rule has its docs page, an index row and a release entry, and follows <c>dotnet_diagnostic.ID.severity</c>.</summary>
public sealed class ToolDiagnosticDocsTests
{
    private static readonly DiagnosticDescriptor[] Descriptors =
    [
        DiagnosticDescriptors.InvalidToolbox,
        DiagnosticDescriptors.InvalidToolMethod,
        DiagnosticDescriptors.ToolWithoutDescription,
        DiagnosticDescriptors.NotAToolbox,
        DiagnosticDescriptors.DuplicateToolName,
        DiagnosticDescriptors.ProviderTypeInToolSignature,
        DiagnosticDescriptors.BlockingWaitInTool,
    ];

    public static TheoryData<string, DiagnosticSeverity, string> Triggers => new()
    {
        { "AMSHA016", DiagnosticSeverity.Error, "public class Helpers { [Tool(Description = \"d\")] public string Echo(string s) => s; }" },
        { "AMSHA017", DiagnosticSeverity.Error, "[Toolbox] public partial class Tools { [Tool(Description = \"d\")] private string Echo(string s) => s; }" },
        { "AMSHA018", DiagnosticSeverity.Warning, "[Toolbox] public partial class Tools { [Tool] public string Echo(string s) => s; }" },
        { "AMSHA019", DiagnosticSeverity.Error, "public sealed class Helper; [Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\", Tools = [typeof(Helper)])] public partial class Writer;" },
        { "AMSHA020", DiagnosticSeverity.Error, "[Toolbox] public partial class Tools { [Tool(Description = \"d\")] public string EchoAsync(string s) => s; [Tool(Description = \"d\")] public string Echo(string s) => s; }" },
        { "AMSHA104", DiagnosticSeverity.Warning, "namespace Anthropic { public enum ModelName { Small, Large } } [Toolbox] public partial class Tools { [Tool(Description = \"d\")] public string Ask(string s, Anthropic.ModelName model) => s; }" },
        { "AMSHA206", DiagnosticSeverity.Warning, "[Toolbox] public partial class Tools { [Tool(Description = \"d\")] public int Count() => Task.FromResult(1).Result; }" },
    };

    [Fact]
    public void Every_tool_rule_has_a_page_with_examples_and_severity_an_index_row_and_a_release_entry()
    {
        var root = SampleDiagnosticsTests.RepositoryRoot();
        var docs = Path.Combine(root, "docs", "diagnostics");
        var index = File.ReadAllText(Path.Combine(docs, "README.md"));
        var unshipped = File.ReadAllText(Path.Combine(root, "src", "Amsha.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in Descriptors)
        {
            var page = Path.Combine(docs, descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"{descriptor.Id} has no page at {page}.");
            var text = File.ReadAllText(page);
            Assert.StartsWith("# " + descriptor.Id + ": " + descriptor.Title, text);
            Assert.Contains("## Wrong", text);
            Assert.Contains("## Right", text);
            Assert.Contains("dotnet_diagnostic." + descriptor.Id + ".severity", text);
            Assert.Contains("[" + descriptor.Id + "](" + descriptor.Id + ".md)", index);
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
            Assert.EndsWith("docs/diagnostics/" + descriptor.Id + ".md", descriptor.HelpLinkUri);
        }
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public async Task Default_severity_and_editorconfig_none_and_error(string id, DiagnosticSeverity defaultSeverity, string trigger)
    {
        var source = ToolAnalyzers.Usings + trigger;

        var byDefault = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References);
        Assert.Equal(defaultSeverity, Assert.Single(byDefault, d => d.Id == id).Severity);

        // Each trigger fires its own ID and no other Amsha rule.
        Assert.Equal([id], byDefault.Where(d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal) || d.Id == "AD0001").Select(d => d.Id).Distinct());

        var suppressed = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, $"[*.cs]\ndotnet_diagnostic.{id}.severity = none");
        Assert.DoesNotContain(suppressed, d => d.Id == id);

        var escalated = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, $"[*.cs]\ndotnet_diagnostic.{id}.severity = error");
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(escalated, d => d.Id == id).Severity);
    }
}
