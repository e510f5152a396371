using System.IO;
using System.Linq;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>Each declaration rule has its docs page and an index row, as its help link promises.</summary>
public sealed class DiagnosticDocsTests
{
    [Fact]
    public void Every_declaration_rule_has_a_page_with_examples_and_severity_and_an_index_row()
    {
        var docs = Path.Combine(SampleDiagnosticsTests.RepositoryRoot(), "docs", "diagnostics");
        var index = File.ReadAllText(Path.Combine(docs, "README.md"));
        foreach (var descriptor in Declarations.Analyzers().SelectMany(a => a.SupportedDiagnostics))
        {
            var page = Path.Combine(docs, descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"{descriptor.Id} has no page at {page}.");
            var text = File.ReadAllText(page);
            Assert.StartsWith("# " + descriptor.Id + ": " + descriptor.Title, text);
            Assert.Contains("## Wrong", text);
            Assert.Contains("## Right", text);
            Assert.Contains("dotnet_diagnostic." + descriptor.Id + ".severity", text);
            Assert.Contains("[" + descriptor.Id + "](" + descriptor.Id + ".md)", index);
        }
    }

    [Fact]
    public void Release_tracking_lists_every_declaration_rule()
    {
        var unshipped = File.ReadAllText(Path.Combine(SampleDiagnosticsTests.RepositoryRoot(), "src", "Amsha.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in Declarations.Analyzers().SelectMany(a => a.SupportedDiagnostics))
        {
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
        }
    }
}
