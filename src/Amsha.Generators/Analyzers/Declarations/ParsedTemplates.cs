using System.Collections.Generic;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// The templates of one compilation, each parsed once however many crews share its task or agent, and
/// each literal decoded at most once (when the first diagnostic in it needs a location) however many
/// diagnostics it has. Safe for concurrent analyzers.
/// </summary>
internal sealed class ParsedTemplates(AmshaSymbols symbols)
{
    private readonly AnalysisCache<(AttributeData Attribute, string Name), ParsedTemplate?> _templates = new();

    /// <summary>The template written as <paramref name="name"/> in <paramref name="attribute"/> of <paramref name="owner"/>; null when it is not a non-empty string.</summary>
    public ParsedTemplate? Get(ISymbol owner, AttributeData attribute, string name, CancellationToken cancellationToken) =>
        _templates.Get((attribute, name), key =>
        {
            if (AttributeArguments.String(key.Attribute, key.Name) is not { Length: > 0 } text)
            {
                return null;
            }

            var (segments, errors) = TemplateParser.Parse(text, symbols.Work, cancellationToken);
            return new ParsedTemplate(owner, key.Attribute, key.Name, text, segments, errors, symbols.Work);
        });
}

/// <summary>One parsed template and where its text is written.</summary>
internal sealed class ParsedTemplate(ISymbol owner, AttributeData attribute, string name, string text, List<TemplateSegment> segments, List<TemplateError> errors, AnalysisWork? work)
{
    private readonly object _gate = new();
    private Where? _where;

    public string Text { get; } = text;

    public List<TemplateSegment> Segments { get; } = segments;

    public List<TemplateError> Errors { get; } = errors;

    /// <summary>
    /// The template text <c>[start, start + length)</c> in source: exact inside a plain literal, else the
    /// whole argument expression, else the attribute or the owner.
    /// </summary>
    public Location Locate(int start, int length, CancellationToken cancellationToken, out bool exact)
    {
        var where = Resolve(cancellationToken);
        var location = where.Map?.Locate(start, length);
        exact = location is not null;
        return location ?? where.Fallback;
    }

    private Where Resolve(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _where) is { } resolved)
        {
            return resolved;
        }

        lock (_gate)
        {
            if (_where is null)
            {
                var syntax = AttributeSyntaxFacts.GetSyntax(attribute, cancellationToken);
                var argument = AttributeSyntaxFacts.FindArgument(syntax, name);
                var fallback = argument?.GetLocation() ?? syntax?.Name.GetLocation() ?? AttributeSyntaxFacts.SymbolLocation(owner);
                var map = argument is null ? null : TemplateSourceMap.Create(argument, Text, work, cancellationToken);
                Volatile.Write(ref _where, new Where(map, fallback));
            }

            return _where!;
        }
    }

    private sealed record Where(TemplateSourceMap? Map, Location Fallback);
}
