using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.LlmCalls;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// Templates, parsed with the generator's own <see cref="TemplateParser"/>: AMSHA014 (unbalanced or
/// empty placeholder) on each agent, task and <c>[AmshaLlmCall]</c> template, and AMSHA004 (placeholder
/// without a matching crew input member or method parameter), reported on the placeholder itself.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class TemplateAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnknownPlaceholder, DiagnosticDescriptors.MalformedTemplate);

    // See DeclarationFacts.LlmCallGeneratedCodeFlags: generated files are skipped per symbol instead.
    protected override GeneratedCodeAnalysisFlags GeneratedCodeAnalysis => DeclarationFacts.LlmCallGeneratedCodeFlags;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var templates = new ParsedTemplates(symbols);
        start.RegisterSymbolAction(c => AnalyzeType(c, symbols, templates), SymbolKind.NamedType);
        if (symbols.AmshaLlmCallAttribute is not null)
        {
            start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols, templates), SymbolKind.Method);
        }
    }

    private static void AnalyzeType(SymbolAnalysisContext context, AmshaSymbols symbols, ParsedTemplates templates)
    {
        var cancellationToken = context.CancellationToken;
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, symbols, cancellationToken))
        {
            return;
        }

        var type = (INamedTypeSymbol)context.Symbol;
        var markers = symbols.Markers(type, cancellationToken);
        if (markers.Agent is { } agent)
        {
            ReportMalformed(context, templates, type, agent, DeclarationFacts.AgentTemplates, symbols.Work);
        }

        if (markers.Task is { } task)
        {
            ReportMalformed(context, templates, type, task, DeclarationFacts.TaskTemplates, symbols.Work);
        }

        if (markers.Crew is { } crew)
        {
            AnalyzeCrewPlaceholders(context, templates, type, crew, symbols);
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols, ParsedTemplates templates)
    {
        var cancellationToken = context.CancellationToken;
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, symbols, cancellationToken))
        {
            return;
        }

        var method = (IMethodSymbol)context.Symbol;

        // Both parts of a partial method arrive here with the same attributes; report once, for the definition.
        if (method.PartialDefinitionPart is not null || symbols.LlmCallAttribute(method, cancellationToken) is not { } attribute)
        {
            return;
        }

        ReportMalformed(context, templates, method, attribute, DeclarationFacts.LlmCallTemplates, symbols.Work);

        // The generator's own binding rule decides what a placeholder may name; each distinct name is bound once.
        var bindable = new List<string>();
        foreach (var parameter in method.Parameters)
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);
            if (LlmCallGenerator.Parser.BindPlaceholder(method, parameter.Name) is not null)
            {
                bindable.Add(parameter.Name);
            }
        }

        var bound = new Dictionary<string, bool>(StringComparer.Ordinal);
        var unknown = new UnknownPlaceholders(
            placeholder => bound.TryGetValue(placeholder, out var binds) ? binds : bound[placeholder] = LlmCallGenerator.Parser.BindPlaceholder(method, placeholder) is not null,
            "has no matching parameter of '" + method.Name + "'; "
                + (bindable.Count == 0 ? "the method has no parameters a placeholder can name" : "parameters: " + MessageText.List(bindable)),
            new NameSuggestions(bindable, symbols.Work, cancellationToken));
        foreach (var name in DeclarationFacts.LlmCallTemplates)
        {
            ReportUnknown(context, templates, method, attribute, name, unknown, symbols.Work);
        }
    }

    private static void AnalyzeCrewPlaceholders(SymbolAnalysisContext context, ParsedTemplates templates, INamedTypeSymbol crew, AttributeData attribute, AmshaSymbols symbols)
    {
        var cancellationToken = context.CancellationToken;
        ITypeSymbol? input = null;
        if (attribute.AttributeClass is { TypeArguments.Length: 1 } generic)
        {
            input = generic.TypeArguments[0];
            if (input.TypeKind == TypeKind.Error)
            {
                return;
            }
        }

        // The generator's own matching rule: exact name, else the upper-case name.
        var members = input is null ? new Dictionary<string, string>() : InputMembers.Of(input);
        var candidates = members.Values.Distinct().ToList();
        var unknown = new UnknownPlaceholders(
            name => members.ContainsKey(name) || members.ContainsKey(name.ToUpperInvariant()),
            input is null
                ? "cannot be filled: crew '" + crew.Name + "' has no input type; declare it [Crew<TInput>] or remove the placeholder"
                : "has no matching member in '" + AttributeSyntaxFacts.Display(input) + "', the input of crew '" + crew.Name + "'; "
                    + (candidates.Count == 0 ? "it has no public readable members" : "available: " + MessageText.List(candidates)),
            new NameSuggestions(candidates, symbols.Work, cancellationToken));

        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var task in DeclarationFacts.ReadTypes(attribute, "Tasks", symbols.Work, cancellationToken) ?? new List<INamedTypeSymbol?>())
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);
            if (!DeclarationFacts.IsUsable(task) || !visited.Add(task!) || DeclarationFacts.TaskAttribute(task!, symbols, cancellationToken) is not { } taskAttribute)
            {
                continue;
            }

            foreach (var name in DeclarationFacts.TaskTemplates)
            {
                ReportUnknown(context, templates, task!, taskAttribute, name, unknown, symbols.Work);
            }

            if (DeclarationFacts.AgentOf(taskAttribute, symbols, cancellationToken) is { } agent && visited.Add(agent)
                && DeclarationFacts.AgentAttribute(agent, symbols, cancellationToken) is { } agentAttribute)
            {
                foreach (var name in DeclarationFacts.AgentTemplates)
                {
                    ReportUnknown(context, templates, agent, agentAttribute, name, unknown, symbols.Work);
                }
            }
        }
    }

    /// <summary>What placeholders of one crew or method may name, and how to explain one that names nothing (the same words for each).</summary>
    private sealed record UnknownPlaceholders(Func<string, bool> Matches, string Explanation, NameSuggestions Suggestions);

    private static void ReportUnknown(SymbolAnalysisContext context, ParsedTemplates templates, ISymbol owner, AttributeData attribute, string templateName, UnknownPlaceholders unknown, AnalysisWork? work)
    {
        var cancellationToken = context.CancellationToken;
        if (templates.Get(owner, attribute, templateName, cancellationToken) is not { } template)
        {
            return;
        }

        foreach (var segment in template.Segments)
        {
            work.Step(WorkKind.Placeholders, cancellationToken);
            if (!segment.IsPlaceholder || unknown.Matches(segment.Text))
            {
                continue;
            }

            var location = template.Locate(segment.Start, segment.Length, cancellationToken, out var exact);
            var properties = ImmutableDictionary<string, string?>.Empty;
            var message = unknown.Explanation;
            if (exact)
            {
                properties = properties.Add(DiagnosticDescriptors.ExactSpanProperty, "true");
            }

            if (unknown.Suggestions.Closest(segment.Text, cancellationToken) is { } closest)
            {
                properties = properties.Add(DiagnosticDescriptors.ReplacementProperty, closest);
                message += " (did you mean '" + MessageText.Quote(closest) + "'?)";
            }

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownPlaceholder, location, properties, MessageText.Quote(segment.Text), templateName, owner.Name, message));
        }
    }

    private static void ReportMalformed(SymbolAnalysisContext context, ParsedTemplates templates, ISymbol owner, AttributeData attribute, string[] templateNames, AnalysisWork? work)
    {
        var cancellationToken = context.CancellationToken;
        foreach (var templateName in templateNames)
        {
            if (templates.Get(owner, attribute, templateName, cancellationToken) is not { } template)
            {
                continue;
            }

            foreach (var error in template.Errors)
            {
                work.Step(WorkKind.Placeholders, cancellationToken);
                var location = template.Locate(error.Start, error.Length, cancellationToken, out var exact);
                var properties = exact
                    ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.ExactSpanProperty, "true")
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MalformedTemplate, location, properties, templateName, owner.Name, error.Reason));
            }
        }
    }

    /// <summary>The candidate nearest to <paramref name="name"/> (ignoring case) when it is close enough to be a typo.</summary>
    internal static string? Closest(string name, IReadOnlyList<string> candidates) => new NameSuggestions(candidates, null, CancellationToken.None).Closest(name, CancellationToken.None);
}
