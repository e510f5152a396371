using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers;

/// <summary>Every AMSHA1xx/2xx ID has its default severity and follows <c>dotnet_diagnostic.ID.severity</c> in .editorconfig.</summary>
public sealed class LawSeverityTests
{
    public static TheoryData<string, DiagnosticSeverity, string> Triggers => new()
    {
        { "AMSHA101", DiagnosticSeverity.Warning, """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Leaky { public static string D(OpenAI.Chat.ChatClient c) => ""; }
            """ },
        { "AMSHA102", DiagnosticSeverity.Warning, """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Caller { public static object Ask(Microsoft.Extensions.AI.IChatClient c) => Microsoft.Extensions.AI.ChatClientExtensions.GetResponseAsync(c, "hi"); }
            """ },
        { "AMSHA103", DiagnosticSeverity.Warning, """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Stateful { private int _count; }
            """ },
        { "AMSHA201", DiagnosticSeverity.Warning, """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Busy { public static int F(int x) { if (x > 0) return 1; return 0; } }
            """ },
        { "AMSHA202", DiagnosticSeverity.Warning, """
            public static class Blocker { public static string F(WritingCrew c) => c.RunAsync(new Req("x")).Result.Output; }
            """ },
        { "AMSHA203", DiagnosticSeverity.Error, """
            public static class Streamer { public static object F(WritingCrew c) => ((InteractiveExecutionHandle<string>)c.StartBackground(new Req("x"))).StreamAsync(); }
            """ },
        { "AMSHA204", DiagnosticSeverity.Warning, """
            public static class Forgetter { public static void F(WritingCrew c) => c.StartBackground(new Req("x")); }
            """ },
        { "AMSHA205", DiagnosticSeverity.Info, """
            public static class Insister
            {
                public static async Task F(WritingCrew c)
                {
                    while (true) { try { await c.RunAsync(new Req("x")); return; } catch (Exception) { } }
                }
            }
            """ },
        { "AMSHA207", DiagnosticSeverity.Warning, """
            [CrewTask(Agent = typeof(Writer), Description = "Check {Topic}", ExpectedOutput = "Verdict", Review = ReviewKind.Approve)]
            public partial class Checked;
            [Crew<Req>(Tasks = [typeof(Checked)])]
            public partial class CheckedCrew;
            public static class Waiter { public static Task F(CheckedCrew c) => c.RunAsync(new Req("x")); }
            """ },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public async Task Default_severity_and_editorconfig_none_and_error(string id, DiagnosticSeverity defaultSeverity, string trigger)
    {
        var source = LawAnalyzers.Crew + trigger;

        var byDefault = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, analyzers: LawAnalyzers.All);
        Assert.Equal(defaultSeverity, Assert.Single(byDefault, d => d.Id == id).Severity);
        Assert.EndsWith($"docs/diagnostics/{id}.md", Assert.Single(byDefault, d => d.Id == id).Descriptor.HelpLinkUri);
        Assert.True(System.IO.File.Exists(System.IO.Path.Combine(LawsPrecisionTests.RepositoryRoot(), "docs", "diagnostics", id + ".md")), $"docs/diagnostics/{id}.md is missing");

        var suppressed = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, $"[*.cs]\ndotnet_diagnostic.{id}.severity = none", LawAnalyzers.All);
        Assert.DoesNotContain(suppressed, d => d.Id == id);

        var escalated = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, $"[*.cs]\ndotnet_diagnostic.{id}.severity = error", LawAnalyzers.All);
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(escalated, d => d.Id == id).Severity);

        var lowered = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, $"[*.cs]\ndotnet_diagnostic.{id}.severity = suggestion", LawAnalyzers.All);
        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(lowered, d => d.Id == id).Severity);

        // Each trigger fires its own ID and no other of these blocks.
        Assert.Equal([id], byDefault.Where(d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal)).Select(d => d.Id).Distinct());
    }
}
