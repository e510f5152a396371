using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.TestKit;

/// <summary>Applies a code fix to source text in a real workspace, as the IDE would.</summary>
public static class CodeFixHarness
{
    /// <summary>
    /// Applies <paramref name="provider"/> to the first <paramref name="diagnosticId"/> diagnostic
    /// (or the one at <paramref name="diagnosticIndex"/> in source order; or, with <paramref name="fixAll"/>,
    /// to all of them in the document) and returns the new source.
    /// </summary>
    public static async Task<string> ApplyAsync(string source, CodeFixProvider provider, string diagnosticId, bool fixAll = false, string? equivalenceKey = null, int diagnosticIndex = 0, CancellationToken cancellationToken = default)
    {
        var diagnostics = (await AnalyzerHarness.GetDiagnosticsAsync(source, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Where(d => d.Id == diagnosticId && d.Location.SourceTree?.FilePath == AnalyzerHarness.SourcePath)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
        if (diagnostics.Length <= diagnosticIndex)
        {
            throw new InvalidOperationException($"No {diagnosticId} diagnostic #{diagnosticIndex} to fix in the source ({diagnostics.Length} found).");
        }

        var document = CreateDocument(source);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostics[diagnosticIndex], (action, _) => actions.Add(action), cancellationToken);
        await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        var chosen = actions.FirstOrDefault(a => equivalenceKey is null || a.EquivalenceKey == equivalenceKey)
            ?? throw new InvalidOperationException($"The fix provider offered no action for {diagnosticId}{(equivalenceKey is null ? "" : " with key " + equivalenceKey)}.");

        if (fixAll)
        {
            var fixAllProvider = provider.GetFixAllProvider() ?? throw new InvalidOperationException("The fix provider does not support fix-all.");
            var fixAllContext = new FixAllContext(document, provider, FixAllScope.Document, chosen.EquivalenceKey, new[] { diagnosticId }, new FixedDiagnostics(diagnostics), cancellationToken);
            chosen = await fixAllProvider.GetFixAsync(fixAllContext).ConfigureAwait(false)
                ?? throw new InvalidOperationException("Fix-all produced no action.");
        }

        var operations = await chosen.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await solution.GetDocument(document.Id)!.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return text.ToString();
    }

    /// <summary>The document of a one-file project with the same references as the harness compilations.</summary>
    public static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Default,
                "Test",
                "Test",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: GeneratorHarness.ParseOptions,
                metadataReferences: GeneratorHarness.References))
            .AddDocument(DocumentId.CreateNewId(projectId), "Test0.cs", SourceText.From(source), filePath: AnalyzerHarness.SourcePath);
        return solution.Projects.Single().Documents.Single();
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());
    }
}
