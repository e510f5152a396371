using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>Every declaration rule follows <c>dotnet_diagnostic.AMSHAnnn.severity</c> in .editorconfig.</summary>
public sealed class SeverityConfigurationTests
{
    private const string Source = """
        using Amsha;

        public sealed record Request(string Topic);

        [Agent(Role = "R", Goal = "About {Topik}", Backstory = "B")]
        public partial class Writer;

        [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
        public partial class Write;

        [Crew<Request>(Tasks = [typeof(Write), typeof(Write)])]
        public partial class Team;
        """;

    [Fact]
    public async Task Defaults_are_the_catalog_severities()
    {
        var diagnostics = await Declarations.DiagnosticsAsync(Source);

        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(diagnostics, d => d.Id == "AMSHA004").Severity);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics, d => d.Id == "AMSHA008").Severity);
    }

    [Fact]
    public async Task None_suppresses_a_rule_and_leaves_the_others()
    {
        var diagnostics = await Declarations.DiagnosticsAsync(Source, "[*.cs]\ndotnet_diagnostic.AMSHA004.severity = none");

        Assert.DoesNotContain(diagnostics, d => d.Id == "AMSHA004");
        Assert.Contains(diagnostics, d => d.Id == "AMSHA008");
    }

    [Fact]
    public async Task Warning_can_be_raised_to_error_and_error_lowered_to_suggestion()
    {
        var diagnostics = await Declarations.DiagnosticsAsync(Source, """
            [*.cs]
            dotnet_diagnostic.AMSHA008.severity = error
            dotnet_diagnostic.AMSHA004.severity = suggestion
            """);

        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(diagnostics, d => d.Id == "AMSHA008").Severity);
        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(diagnostics, d => d.Id == "AMSHA004").Severity);
    }

    [Fact]
    public async Task Category_wide_setting_applies_to_every_declaration_rule()
    {
        var diagnostics = await Declarations.DiagnosticsAsync(Source, "[*.cs]\ndotnet_analyzer_diagnostic.category-Amsha.Declarations.severity = none");

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Every_declaration_rule_has_its_catalog_id_category_and_help_link()
    {
        var descriptors = Declarations.Analyzers().SelectMany(a => a.SupportedDiagnostics).ToList();

        Assert.Equal(
            ["AMSHA001", "AMSHA002", "AMSHA003", "AMSHA004", "AMSHA005", "AMSHA006", "AMSHA007", "AMSHA008", "AMSHA009", "AMSHA011", "AMSHA012", "AMSHA013", "AMSHA014", "AMSHA015", "AMSHA026"],
            descriptors.Select(d => d.Id).Order().ToArray());
        Assert.All(descriptors, d =>
        {
            Assert.Equal("Amsha.Declarations", d.Category);
            Assert.EndsWith("docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri);
            Assert.True(d.IsEnabledByDefault);
        });
        Assert.Equal(DiagnosticSeverity.Warning, descriptors.Single(d => d.Id == "AMSHA008").DefaultSeverity);
        Assert.All(descriptors.Where(d => d.Id != "AMSHA008"), d => Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity));
    }
}
