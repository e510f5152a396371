using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Amsha.Generators.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA016: a <c>[Toolbox]</c> class the generator cannot extend (generic or nested in a generic type, static,
/// private or protected or nested in such a type, file-local), one that declares a member the generated
/// <c>CreateAIFunctions()</c> would clash with, and a <c>[Tool]</c> method declared in a type that
/// is not marked <c>[Toolbox]</c>. A toolbox that is not partial is AMSHA001 (<see cref="PartialDeclarationAnalyzer"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ToolboxDeclarationAnalyzer : AmshaAnalyzer
{
    private const string NoTools = "so the generator emits no tools for it";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidToolbox);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.ToolboxAttribute is null || symbols.ToolAttribute is null)
        {
            return;
        }

        start.RegisterSymbolAction(c => AnalyzeType(c, symbols), SymbolKind.NamedType);
        start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
    }

    private static void AnalyzeType(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        if (symbols.Markers(type, cancellationToken).Toolbox is not { } attribute)
        {
            return;
        }

        // The declaration that carries [Toolbox] (a partial class may have several).
        var declaration = AttributeSyntaxFacts.GetSyntax(attribute, cancellationToken)?.Parent?.Parent as TypeDeclarationSyntax;
        var nameLocation = declaration?.Identifier.GetLocation() ?? AttributeSyntaxFacts.SymbolLocation(type);
        var name = type.Name;

        if (type.IsStatic)
        {
            Report(context, StaticModifier(type, symbols.Work, cancellationToken) ?? nameLocation, name,
                "is static, " + NoTools + "; remove 'static' (its tools may still be static methods)");
        }

        if (type.TypeParameters.Length > 0)
        {
            Report(context, declaration?.TypeParameterList?.GetLocation() ?? nameLocation, name,
                "is generic, " + NoTools + " (a model cannot choose type arguments); declare a non-generic toolbox, which may call generic code");
        }

        if (type.IsFileLocal)
        {
            Report(context, nameLocation, name, "is file-local, " + NoTools + " (generated code in other files cannot name it); remove 'file'");
        }

        // The types around it: generic, unreachable or file-local ones make it so too.
        for (var current = type.ContainingType; current is not null; current = current.ContainingType)
        {
            symbols.Work.Step(WorkKind.Types, cancellationToken);
            var outer = AttributeSyntaxFacts.Display(current);
            if (current.TypeParameters.Length > 0)
            {
                Report(context, nameLocation, name, "is nested in the generic type '" + outer + "', " + NoTools + "; move it out of '" + outer + "'");
                break;
            }

            if (current.IsFileLocal)
            {
                Report(context, nameLocation, name, "is nested in the file-local type '" + outer + "', " + NoTools + "; remove 'file' from '" + outer + "' or move the toolbox out of it");
                break;
            }
        }

        // The generator's own rule: it then leaves its CreateAIFunctions() out.
        if (ToolboxGenerator.Parser.CreateAIFunctionsClash(type) is { } clash)
        {
            const string Method = ToolboxGenerator.Parser.CreateAIFunctions;
            if (SymbolEqualityComparer.Default.Equals(clash, type))
            {
                Report(context, nameLocation, name, "is named like the method '" + Method + "()' the generator emits on every toolbox (a member cannot have its class's name), so it leaves that method out; rename the class");
            }
            else
            {
                Report(context, clash.Locations.FirstOrDefault(l => l.IsInSource) ?? nameLocation, name,
                    "declares " + (clash is IMethodSymbol ? "the method '" + Method + "()'" : "a member named '" + Method + "'") + ", which the generator emits on every toolbox, so it leaves its own out; rename it (an overload with parameters is fine)");
            }
        }

        if (Unreachable(type, symbols.Work, cancellationToken) is { } hidden)
        {
            var accessibility = Words(hidden.DeclaredAccessibility);
            Report(context, nameLocation, name, SymbolEqualityComparer.Default.Equals(hidden, type)
                ? "is " + accessibility + ", " + NoTools + " (generated code cannot reach it); make it public or internal"
                : "is nested in the " + accessibility + " type '" + AttributeSyntaxFacts.Display(hidden) + "', " + NoTools + " (generated code cannot reach it); make '" + AttributeSyntaxFacts.Display(hidden) + "' public or internal");
        }
    }

    // A [Tool] method is a tool only in a [Toolbox] class: the generator looks nowhere else (nor at base types).
    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        symbols.Work.Step(WorkKind.Symbols, cancellationToken);

        // Both parts of a partial method arrive here with the same attributes; the definition speaks for both.
        if (method.PartialDefinitionPart is not null
            || symbols.ToolAttributeOf(method, cancellationToken) is not { } attribute
            || method.ContainingType is not { } owner
            || symbols.Markers(owner, cancellationToken).Toolbox is not null)
        {
            return;
        }

        var ownerName = AttributeSyntaxFacts.Display(owner);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.InvalidToolbox,
            AttributeSyntaxFacts.AttributeLocation(attribute, method, cancellationToken),
            "Tool",
            method.Name,
            "is declared in '" + ownerName + "', which is not marked [Toolbox], so the generator emits no tool for it; mark '" + ownerName
                + "' with [Toolbox], or move the method to a toolbox (a toolbox's tools are the methods it declares, not inherited ones)"));
    }

    private static void Report(SymbolAnalysisContext context, Location location, string name, string problem) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidToolbox, location, "Toolbox", name, problem));

    /// <summary>The first of the type and the types around it that generated code cannot reach (the generator's test), or null.</summary>
    private static INamedTypeSymbol? Unreachable(INamedTypeSymbol type, AnalysisWork? work, CancellationToken cancellationToken)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            work.Step(WorkKind.Types, cancellationToken);
            if (!ToolFacts.IsCallable(current.DeclaredAccessibility))
            {
                return current;
            }
        }

        return null;
    }

    private static Location? StaticModifier(INamedTypeSymbol type, AnalysisWork? work, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            work.Step(WorkKind.Syntax, cancellationToken);
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration)
            {
                foreach (var modifier in declaration.Modifiers)
                {
                    if (modifier.IsKind(SyntaxKind.StaticKeyword))
                    {
                        return modifier.GetLocation();
                    }
                }
            }
        }

        return null;
    }

    private static string Words(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "not accessible",
    };
}
