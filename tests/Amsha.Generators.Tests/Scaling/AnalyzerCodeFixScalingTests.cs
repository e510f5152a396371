using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.CodeFixes;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.ControlFlow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// Code fixes run on documents of any size: fixing all of 10, 100 or 1,000 blocking waits in one method
/// (AMSHA202, "await instead") does work that grows linearly, counted, and every wait is fixed.
/// </summary>
[Trait("Category", "Scaling")]
public sealed class AnalyzerCodeFixScalingTests
{
    [Fact]
    public async Task Fixing_all_blocking_waits_of_one_method_grows_linearly()
    {
        var counts = new List<(int Size, long Work)>();
        foreach (var size in new[] { 10, 100, 1000 })
        {
            var (fixedText, work) = await FixAllAsync(Source(size));
            Assert.Equal(size, CountOf(fixedText, "(await AskAsync(\"a\")).Length"));
            Assert.Contains("public async Task<int> M()", fixedText, System.StringComparison.Ordinal);
            counts.Add((size, work));
        }

        var report = string.Join(", ", counts.Select(c => $"{c.Size}: {c.Work}"));
        for (var i = 1; i < counts.Count; i++)
        {
            Assert.True(counts[i].Work <= 1.2 * 10 * counts[i - 1].Work, "Syntax work of the fix grew faster than the document: " + report);
        }

        Assert.True(counts[^1].Work >= 1000, "The fix's work is not counted: " + report);
    }

    private static string Source(int waits)
    {
        var text = new System.Text.StringBuilder("""
            using System.Threading.Tasks;
            using Amsha;

            public sealed partial class Client(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "p {x}")]
                public partial Task<string> AskAsync(string x);

                public int M()
                {
                    var n = 0;

            """);
        for (var i = 0; i < waits; i++)
        {
            text.AppendLine("        n += AskAsync(\"a\").Result.Length;");
        }

        return text.Append("        return n;\n    }\n}\n").ToString();
    }

    /// <summary>Applies the fix to every AMSHA202 of the document at once (fix-all), counting the fix's work.</summary>
    private static async Task<(string Text, long Work)> FixAllAsync(string source)
    {
        var assemblyName = "Amsha.Fix." + System.Guid.NewGuid().ToString("N");
        var plain = CodeFixHarness.CreateDocument(source);
        var document = plain.Project.WithAssemblyName(assemblyName).GetDocument(plain.Id)!;
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = (await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new BlockingWaitAnalyzer())).GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id == "AMSHA202")
            .ToImmutableArray();

        using var work = AnalysisWork.Track(assemblyName);
        var provider = new AwaitBlockingWaitCodeFix();
        var context = new FixAllContext(document, provider, FixAllScope.Document, CodeFixIds.AwaitInsteadOfBlocking, new[] { "AMSHA202" }, new Listed(diagnostics), CancellationToken.None);
        var action = (await provider.GetFixAllProvider().GetFixAsync(context))!;
        var changed = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await changed.GetDocument(document.Id)!.GetTextAsync();
        return (text.ToString(), work[WorkKind.Syntax]);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", System.StringComparison.Ordinal).Length) / part.Length;

    private sealed class Listed(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => GetAllDiagnosticsAsync(document.Project, cancellationToken);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
