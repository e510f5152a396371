using Amsha.Generators.Analyzers;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.CodeFixes;

/// <summary>
/// A fix that rewrites the exact template text a diagnostic covers. Offered only when the analyzer
/// marked the location as exact (a plain literal it could map character by character).
/// </summary>
public abstract class TemplateTextCodeFixProvider : CodeFixProvider
{

    protected abstract string EquivalenceKey { get; }

    /// <summary>The new text for the diagnostic's span, or null when there is nothing to offer.</summary>
    protected abstract string? Replacement(Diagnostic diagnostic, string current);

    /// <summary>The title shown in the light bulb.</summary>
    protected abstract string Title(Diagnostic diagnostic, string replacement);

    public sealed override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (Change(diagnostic, text) is { } change)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title(diagnostic, change.NewText!), cancellationToken => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken), EquivalenceKey),
                    diagnostic);
            }
        }
    }

    private TextChange? Change(Diagnostic diagnostic, SourceText text)
    {
        var span = diagnostic.Location.SourceSpan;
        if (!diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ExactSpanProperty, out var exact) || exact != "true" || span.End > text.Length)
        {
            return null;
        }

        return Replacement(diagnostic, text.ToString(span)) is { } replacement ? new TextChange(span, replacement) : null;
    }

    private async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var work = AnalysisWork.For(document.Project.AssemblyName);
        var changes = new List<TextChange>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            work.Step(WorkKind.Syntax, cancellationToken);
            if (Change(diagnostic, text) is { } change && (changes.Count == 0 || changes[changes.Count - 1].Span.End <= change.Span.Start))
            {
                changes.Add(change);
            }
        }

        return changes.Count == 0 ? document : document.WithText(text.WithChanges(changes));
    }
}

/// <summary>AMSHA004: replaces a misspelled placeholder with the closest input member or parameter name.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplacePlaceholderCodeFixProvider))]
[System.Composition.Shared]
public sealed class ReplacePlaceholderCodeFixProvider : TemplateTextCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownPlaceholder.Id);

    protected override string EquivalenceKey => CodeFixIds.ReplacePlaceholder;

    protected override string? Replacement(Diagnostic diagnostic, string current) =>
        diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ReplacementProperty, out var name) && !string.IsNullOrEmpty(name) ? name : null;

    protected override string Title(Diagnostic diagnostic, string replacement) => "Use '{" + replacement + "}'";
}

/// <summary>AMSHA014: doubles a stray brace so the template shows it literally.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EscapeBraceCodeFixProvider))]
[System.Composition.Shared]
public sealed class EscapeBraceCodeFixProvider : TemplateTextCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.MalformedTemplate.Id);

    protected override string EquivalenceKey => CodeFixIds.EscapeBrace;

    protected override string? Replacement(Diagnostic diagnostic, string current) =>
        current.IndexOfAny(new[] { '{', '}' }) < 0 ? null : current.Replace("{", "{{").Replace("}", "}}");

    protected override string Title(Diagnostic diagnostic, string replacement) => "Write the brace literally ('{{' or '}}')";
}
