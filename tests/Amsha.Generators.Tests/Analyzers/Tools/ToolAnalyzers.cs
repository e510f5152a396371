using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>The analyzers of toolbox and tool declarations (AMSHA001, AMSHA010, AMSHA016–AMSHA020) and the declarations their tests share.</summary>
internal static class ToolAnalyzers
{
    /// <summary>Every declaration rule a toolbox, a tool or a <c>Tools</c> entry can break.</summary>
    public static DiagnosticAnalyzer[] Declarations() =>
    [
        new PartialDeclarationAnalyzer(),
        new TaskReferenceAnalyzer(),
        new SerializableTypeAnalyzer(),
        new ToolboxDeclarationAnalyzer(),
        new ToolMethodAnalyzer(),
        new ToolDescriptionAnalyzer(),
        new ToolReferenceAnalyzer(),
        new ToolNameConflictAnalyzer(),
    ];

    /// <summary>The usings tool sources need.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        """;

    /// <summary>A valid toolbox (<c>WebTools</c>: tools <c>Search</c>, <c>fetch_page</c>, <c>CountWords</c>), an agent and a task using it, and a crew.</summary>
    public const string Valid = Usings + """
        public sealed record Page(string Url, string Title, List<string> Links);

        public sealed record Req(string Topic);

        /// <summary>Tools that read the web.</summary>
        [Toolbox]
        public partial class WebTools
        {
            /// <summary>Searches the web.</summary>
            /// <param name="query">What to look for.</param>
            [Tool]
            public Task<List<Page>> SearchAsync(string query, int top = 3, CancellationToken cancellationToken = default) => Task.FromResult(new List<Page>());

            [Tool(Name = "fetch_page", Description = "Reads one page.")]
            public async ValueTask<Page> FetchAsync([Description("The page's address.")] string url, CancellationToken cancellationToken)
            {
                await Task.Yield();
                return new Page(url, "", new List<string>());
            }

            [Tool(Description = "Counts the words of a text.")]
            public static int CountWords(string text) => text.Split(' ').Length;

            [Tool(Description = "Forgets everything.")]
            public void Forget() { }

            public string NotATool() => "";
        }

        [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.", Tools = [typeof(WebTools)])]
        public partial class Researcher;

        [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic}.", ExpectedOutput = "Facts", Tools = [typeof(WebTools)], MaxToolRounds = 4)]
        public partial class Research;

        [Crew<Req>(Tasks = [typeof(Research)])]
        public partial class ResearchCrew;

        """;

    /// <summary>Verifies markup against the declaration analyzers (stand-in provider assemblies referenced).</summary>
    public static Task VerifyAsync(string markup, string? editorConfig = null) =>
        AnalyzerHarness.VerifyAsync(markup, ProviderStandIns.References, editorConfig, "AMSHA", Declarations());

    public static async Task<List<Diagnostic>> DiagnosticsAsync(string source, IEnumerable<DiagnosticAnalyzer>? analyzers = null) =>
        (await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, analyzers: analyzers ?? Declarations()))
            .Where(d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal) || d.Id == "AD0001").ToList();

    public static async Task<Diagnostic> SingleAsync(string source, string id, IEnumerable<DiagnosticAnalyzer>? analyzers = null) =>
        Assert.Single(await DiagnosticsAsync(source, analyzers), d => d.Id == id);
}
