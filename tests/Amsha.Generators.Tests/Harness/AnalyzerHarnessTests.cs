using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Harness;

/// <summary>Checks the test harness itself, with a throwaway analyzer, so analyzer tests can trust it.</summary>
public sealed class AnalyzerHarnessTests
{
    [Fact]
    public async Task Markup_spans_are_matched_exactly()
    {
        await AnalyzerHarness.VerifyAsync("class {|TEST001:Bad|} { } class Good { }", idPrefix: "TEST", analyzers: [new BadNameAnalyzer()]);
    }

    [Fact]
    public async Task A_missing_or_extra_diagnostic_fails_with_both_lists()
    {
        var error = await Assert.ThrowsAsync<DiagnosticMismatchException>(() =>
            AnalyzerHarness.VerifyAsync("class Bad { }", idPrefix: "TEST", analyzers: [new BadNameAnalyzer()]));
        Assert.Contains("TEST001", error.Message);
        Assert.Contains("'Bad'", error.Message);
    }

    [Fact]
    public async Task Editorconfig_severity_none_suppresses_and_error_escalates()
    {
        const string source = "class Bad { }";
        var suppressed = await AnalyzerHarness.GetDiagnosticsAsync(source, "[*.cs]\ndotnet_diagnostic.TEST001.severity = none", [new BadNameAnalyzer()]);
        Assert.DoesNotContain(suppressed, d => d.Id == "TEST001");

        var escalated = await AnalyzerHarness.GetDiagnosticsAsync(source, "[*.cs]\ndotnet_diagnostic.TEST001.severity = error", [new BadNameAnalyzer()]);
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(escalated, d => d.Id == "TEST001").Severity);
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class BadNameAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TEST001", "Bad name", "Type '{0}' is named Bad", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSymbolAction(c =>
            {
                if (c.Symbol.Name == "Bad")
                {
                    c.ReportDiagnostic(Diagnostic.Create(Rule, c.Symbol.Locations.First(), c.Symbol.Name));
                }
            }, SymbolKind.NamedType);
        }
    }
}
