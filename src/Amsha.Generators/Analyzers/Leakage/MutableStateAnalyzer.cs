using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
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
        var immutable = new ImmutableTypes(symbols.Work);
        var autoProperties = new AnalysisCache<INamedTypeSymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
        start.RegisterSymbolAction(c => AnalyzeField(c, symbols, immutable), SymbolKind.Field);
        start.RegisterSymbolAction(c => AnalyzeProperty(c, symbols, immutable, autoProperties), SymbolKind.Property);
    }

    private static void AnalyzeField(SymbolAnalysisContext context, AmshaSymbols symbols, ImmutableTypes immutable)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (field.IsImplicitlyDeclared || field.IsConst || !symbols.IsDeclarationType(field.ContainingType, context.CancellationToken))
        {
            return;
        }

        string? why = null;
        if (!field.IsReadOnly)
        {
            why = field.IsStatic ? "is a mutable static field" : "is a mutable instance field";
        }
        else if (field.IsStatic && !immutable.IsImmutable(field.Type, context.CancellationToken))
        {
            why = $"is static readonly but its type '{MessageText.Type(field.Type, SymbolDisplayFormat.MinimallyQualifiedFormat)}' is mutable";
        }

        Report(context, field, "Field", why);
    }

    private static void AnalyzeProperty(SymbolAnalysisContext context, AmshaSymbols symbols, ImmutableTypes immutable, AnalysisCache<INamedTypeSymbol, HashSet<ISymbol>> autoProperties)
    {
        var property = (IPropertySymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        if (property.IsImplicitlyDeclared || property.IsIndexer || !symbols.IsDeclarationType(property.ContainingType, cancellationToken)
            || !AutoPropertiesOf(property.ContainingType, autoProperties, symbols.Work, cancellationToken).Contains(property))
        {
            return;
        }

        string? why = null;
        if (property.SetMethod is { IsInitOnly: false })
        {
            why = property.IsStatic ? "is a settable static auto-property" : "is a settable auto-property";
        }
        else if (property.IsStatic && !immutable.IsImmutable(property.Type, cancellationToken))
        {
            why = $"is static but its type '{MessageText.Type(property.Type, SymbolDisplayFormat.MinimallyQualifiedFormat)}' is mutable";
        }

        Report(context, property, "Property", why);
    }

    /// <summary>
    /// The auto-properties of <paramref name="type"/>: those with a compiler-generated backing field. The
    /// members are read once per type, not once per property.
    /// </summary>
    private static HashSet<ISymbol> AutoPropertiesOf(INamedTypeSymbol type, AnalysisCache<INamedTypeSymbol, HashSet<ISymbol>> cache, AnalysisWork? work, CancellationToken cancellationToken) =>
        cache.Get(type, t =>
        {
            var properties = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var member in t.GetMembers())
            {
                work.Step(WorkKind.Symbols, cancellationToken);
                if (member is IFieldSymbol { IsImplicitlyDeclared: true, AssociatedSymbol: IPropertySymbol property })
                {
                    properties.Add(property);
                }
            }

            return properties;
        });

    private static void Report(SymbolAnalysisContext context, ISymbol member, string kind, string? why)
    {
        if (why is not null && member.Locations.Length > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.StateOutsideExecutionState, member.Locations[0], kind, member.Name, member.ContainingType.Name, why));
        }
    }
}
