using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA001: declaration types, types with <c>[AmshaLlmCall]</c> methods, and every type containing
/// them must be partial, because the generator adds members to them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class PartialDeclarationAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.TypeMustBePartial);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
        {
            return;
        }

        // Cheap syntax check first: most types are either partial or unrelated to Amsha.
        if (!HasNonPartialDeclaration(type, context.CancellationToken) || Reason(type, symbols, depth: 0) is not { } reason)
        {
            return;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TypeMustBePartial, declaration.Identifier.GetLocation(), type.Name, reason));
            }
        }
    }

    private static bool HasNonPartialDeclaration(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why the type must be partial, for the message; null when it need not be.</summary>
    private static string? Reason(INamedTypeSymbol type, AmshaSymbols symbols, int depth)
    {
        if (depth > 32)
        {
            return null;
        }

        if (DeclarationFacts.MarkerName(type, symbols) is { } marker)
        {
            return depth == 0 ? "it is marked " + marker : "it contains the " + marker + " type '" + type.Name + "'";
        }

        if (DeclarationFacts.FirstLlmCall(type, symbols) is { } method)
        {
            return depth == 0
                ? "it declares the [AmshaLlmCall] method '" + method.Name + "'"
                : "it contains '" + type.Name + "', which declares the [AmshaLlmCall] method '" + method.Name + "'";
        }

        foreach (var nested in type.GetTypeMembers())
        {
            if (Reason(nested, symbols, depth + 1) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }
}
