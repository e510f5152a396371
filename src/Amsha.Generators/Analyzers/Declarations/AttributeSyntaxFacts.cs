using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// Reads attribute arguments and finds where they are written, so diagnostics point at the
/// argument (or the array entry) that is wrong, falling back to the attribute, then the symbol.
/// </summary>
internal static class AttributeSyntaxFacts
{
    public static AttributeSyntax? GetSyntax(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

    /// <summary>The expression assigned to <paramref name="name"/> in the attribute, e.g. <c>typeof(X)</c> in <c>Agent = typeof(X)</c>.</summary>
    public static ExpressionSyntax? FindArgument(AttributeSyntax? syntax, string name)
    {
        if (syntax?.ArgumentList is null)
        {
            return null;
        }

        foreach (var argument in syntax.ArgumentList.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument.Expression;
            }
        }

        return null;
    }

    /// <summary>The attribute's name (<c>CrewTask</c> in <c>[CrewTask(...)]</c>), else the symbol's first location.</summary>
    public static Location AttributeLocation(AttributeData attribute, ISymbol symbol, CancellationToken cancellationToken) =>
        GetSyntax(attribute, cancellationToken)?.Name.GetLocation() ?? SymbolLocation(symbol);

    /// <summary>The named argument's expression, else the attribute's name, else the symbol.</summary>
    public static Location ArgumentLocation(AttributeData attribute, string name, ISymbol symbol, CancellationToken cancellationToken)
    {
        var syntax = GetSyntax(attribute, cancellationToken);
        return FindArgument(syntax, name)?.GetLocation() ?? syntax?.Name.GetLocation() ?? SymbolLocation(symbol);
    }

    /// <summary>
    /// The entry <paramref name="index"/> of a <c>Type[]</c> argument holding <paramref name="count"/> values,
    /// when the syntax lists exactly those entries; otherwise the whole argument. For several entries of
    /// one argument, use <see cref="ElementLocations"/>: it reads the entries once.
    /// </summary>
    public static Location ElementLocation(AttributeData attribute, string name, int index, int count, ISymbol symbol, CancellationToken cancellationToken) =>
        ElementLocations(attribute, name, count, symbol, cancellationToken)(index);

    /// <summary>
    /// Where each entry of a <c>Type[]</c> argument holding <paramref name="count"/> values is written (see
    /// <see cref="ElementLocation"/>), with the argument's syntax read once for every entry asked about.
    /// </summary>
    public static Func<int, Location> ElementLocations(AttributeData attribute, string name, int count, ISymbol symbol, CancellationToken cancellationToken, AnalysisWork? work = null)
    {
        var syntax = GetSyntax(attribute, cancellationToken);
        var argument = FindArgument(syntax, name);
        if (argument is not null && Elements(argument, cancellationToken, work) is { } elements && elements.Count == count)
        {
            var whole = argument.GetLocation();
            return index => index < count ? elements[index].GetLocation() : whole;
        }

        var fallback = argument?.GetLocation() ?? syntax?.Name.GetLocation() ?? SymbolLocation(symbol);
        return _ => fallback;
    }

    /// <summary>The element expressions of an array or collection expression; null when they cannot be listed one to one.</summary>
    public static IReadOnlyList<ExpressionSyntax>? Elements(ExpressionSyntax expression, CancellationToken cancellationToken = default, AnalysisWork? work = null)
    {
        switch (expression)
        {
            case CollectionExpressionSyntax collection:
                var result = new List<ExpressionSyntax>();
                foreach (var element in collection.Elements)
                {
                    work.Step(WorkKind.Syntax, cancellationToken);
                    if (element is not ExpressionElementSyntax item)
                    {
                        return null;
                    }

                    result.Add(item.Expression);
                }

                return result;
            case ArrayCreationExpressionSyntax { Initializer: { } initializer }:
                return initializer.Expressions;
            case ImplicitArrayCreationExpressionSyntax creation:
                return creation.Initializer.Expressions;
            case ParenthesizedExpressionSyntax parenthesized:
                return Elements(parenthesized.Expression, cancellationToken, work);
            default:
                return null;
        }
    }

    public static Location SymbolLocation(ISymbol symbol) => symbol.Locations.FirstOrDefault() ?? Location.None;

    /// <summary>A readable name for a type in messages: its name with type arguments, without namespace (bounded, see <see cref="MessageText.Type"/>).</summary>
    public static string Display(ITypeSymbol type) => MessageText.Type(type, SymbolDisplayFormat.MinimallyQualifiedFormat);
}
