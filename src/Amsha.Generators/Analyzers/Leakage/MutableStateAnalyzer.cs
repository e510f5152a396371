using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// AMSHA103: mutable fields and auto-properties in <c>[Agent]</c>, <c>[CrewTask]</c> and <c>[Crew]</c>
/// types. <c>const</c>, <c>readonly</c> instance fields, get-only/init auto-properties, and
/// <c>static readonly</c> fields of immutable types are fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MutableStateAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.StateOutsideExecutionState);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => AnalyzeField(c, symbols), SymbolKind.Field);
        start.RegisterSymbolAction(c => AnalyzeProperty(c, symbols), SymbolKind.Property);
    }

    private static void AnalyzeField(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (field.IsImplicitlyDeclared || field.IsConst || !symbols.IsDeclarationType(field.ContainingType))
        {
            return;
        }

        string? why = null;
        if (!field.IsReadOnly)
        {
            why = field.IsStatic ? "is a mutable static field" : "is a mutable instance field";
        }
        else if (field.IsStatic && !ImmutableTypes.IsImmutable(field.Type))
        {
            why = $"is static readonly but its type '{field.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' is mutable";
        }

        Report(context, field, "Field", why);
    }

    private static void AnalyzeProperty(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (property.IsImplicitlyDeclared || property.IsIndexer || !symbols.IsDeclarationType(property.ContainingType) || !IsAutoProperty(property))
        {
            return;
        }

        string? why = null;
        if (property.SetMethod is { IsInitOnly: false })
        {
            why = property.IsStatic ? "is a settable static auto-property" : "is a settable auto-property";
        }
        else if (property.IsStatic && !ImmutableTypes.IsImmutable(property.Type))
        {
            why = $"is static but its type '{property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' is mutable";
        }

        Report(context, property, "Property", why);
    }

    /// <summary>An auto-property has a compiler-generated backing field.</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
    {
        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }

    private static void Report(SymbolAnalysisContext context, ISymbol member, string kind, string? why)
    {
        if (why is not null && member.Locations.Length > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.StateOutsideExecutionState, member.Locations[0], kind, member.Name, member.ContainingType.Name, why));
        }
    }
}
