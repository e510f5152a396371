using Amsha.Generators.Analyzers;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.CodeFixes;

/// <summary>AMSHA001: adds <c>partial</c> to the type and to every type that contains it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider))]
[Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.TypeMustBePartial.Id);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await MakePartialAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Make the type and its containing types partial",
                    cancellationToken => MakePartialAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                    CodeFixIds.MakePartial),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> MakePartialAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // The flagged declarations and all declarations around them, each changed once.
        var work = AnalysisWork.For(document.Project.AssemblyName);
        var targets = new HashSet<TypeDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            // A diagnostic of an older version of the document may lie outside it: nothing to fix, never an exception.
            var start = diagnostic.Location.SourceSpan.Start;
            if (!root.FullSpan.Contains(start))
            {
                continue;
            }

            var node = root.FindToken(start).Parent;
            foreach (var declaration in node?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>() ?? Enumerable.Empty<TypeDeclarationSyntax>())
            {
                work.Step(WorkKind.Syntax, cancellationToken);
                if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    targets.Add(declaration);
                }
            }
        }

        if (targets.Count == 0)
        {
            return document;
        }

        var newRoot = root.ReplaceNodes(targets, (original, rewritten) => AddPartial(rewritten));
        return document.WithSyntaxRoot(newRoot);
    }

    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        // 'partial' goes last, right before the keyword (CS0267), and takes over the keyword's
        // leading trivia when there are no other modifiers.
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
