using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA001: declaration types (<c>[Agent]</c>, <c>[CrewTask]</c>, <c>[Crew]</c>, <c>[ExecutionState]</c>), toolboxes
/// (<c>[Toolbox]</c>), types with <c>[AmshaLlmCall]</c> methods, and every type containing them must be partial,
/// because the generator adds members to them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class PartialDeclarationAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.TypeMustBePartial);

    private const int MaxNesting = 32;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var findings = new AnalysisCache<INamedTypeSymbol, Finding?>(SymbolEqualityComparer.Default);
        start.RegisterSymbolAction(c => Analyze(c, symbols, findings), SymbolKind.NamedType);
    }

    /// <summary>The type itself or a type nested in it that makes it need <c>partial</c>: its marker, or its first <c>[AmshaLlmCall]</c> method.</summary>
    private sealed record Finding(INamedTypeSymbol Type, string? Marker, IMethodSymbol? Method);

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols, AnalysisCache<INamedTypeSymbol, Finding?> findings)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
        {
            return;
        }

        // Cheap syntax check first: most types are either partial or unrelated to Amsha.
        var cancellationToken = context.CancellationToken;
        if (!HasNonPartialDeclaration(type, symbols.Work, cancellationToken)
            || Walks.First(type, findings, t => Own(t, symbols, cancellationToken), t => t.GetTypeMembers(), MaxNesting, SymbolEqualityComparer.Default, symbols.Work, cancellationToken) is not { } finding)
        {
            return;
        }

        var reason = Reason(finding, SymbolEqualityComparer.Default.Equals(finding.Type, type));
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            symbols.Work.Step(WorkKind.Syntax, cancellationToken);
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TypeMustBePartial, declaration.Identifier.GetLocation(), type.Name, reason));
            }
        }
    }

    private static bool HasNonPartialDeclaration(INamedTypeSymbol type, AnalysisWork? work, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            work.Step(WorkKind.Syntax, cancellationToken);
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why the type must be partial, for the message.</summary>
    private static string Reason(Finding finding, bool itself)
    {
        if (finding.Marker is { } marker)
        {
            return itself ? "it is marked " + marker : "it contains the " + marker + " type '" + finding.Type.Name + "'";
        }

        return itself
            ? "it declares the [AmshaLlmCall] method '" + finding.Method!.Name + "'"
            : "it contains '" + finding.Type.Name + "', which declares the [AmshaLlmCall] method '" + finding.Method!.Name + "'";
    }

    /// <summary>What makes <paramref name="type"/> itself need <c>partial</c> (its nested types are walked by <see cref="Walks.First"/>).</summary>
    private static Finding? Own(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken)
    {
        if (DeclarationFacts.MarkerName(type, symbols, cancellationToken) is { } marker)
        {
            return new Finding(type, marker, null);
        }

        return DeclarationFacts.FirstLlmCall(type, symbols, cancellationToken) is { } method ? new Finding(type, null, method) : null;
    }
}
