using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Templates;
using Amsha.Generators.Helpers;
using Amsha.Generators.LlmCalls;
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
        start.RegisterSymbolAction(c => AnalyzeType(c, symbols), SymbolKind.NamedType);
        if (symbols.AmshaLlmCallAttribute is not null)
        {
            start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
        }
    }

    private static void AnalyzeType(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, context.CancellationToken))
        {
            return;
        }

        var type = (INamedTypeSymbol)context.Symbol;
        if (DeclarationFacts.AgentAttribute(type, symbols) is { } agent)
        {
            ReportMalformed(context, type, agent, DeclarationFacts.AgentTemplates);
        }

        if (DeclarationFacts.TaskAttribute(type, symbols) is { } task)
        {
            ReportMalformed(context, type, task, DeclarationFacts.TaskTemplates);
        }

        if (DeclarationFacts.CrewAttribute(type, symbols) is { } crew)
        {
            AnalyzeCrewPlaceholders(context, type, crew, symbols);
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, context.CancellationToken))
        {
            return;
        }

        var method = (IMethodSymbol)context.Symbol;

        // Both parts of a partial method arrive here with the same attributes; report once, for the definition.
        if (method.PartialDefinitionPart is not null || DeclarationFacts.LlmCallAttribute(method, symbols) is not { } attribute)
        {
            return;
        }

        ReportMalformed(context, method, attribute, DeclarationFacts.LlmCallTemplates);
        // The generator's own binding rule decides what a placeholder may name.
        var bindable = method.Parameters.Where(p => LlmCallGenerator.Parser.BindPlaceholder(method, p.Name) is not null).Select(p => p.Name).ToList();
        var available = bindable.Count == 0 ? "the method has no parameters a placeholder can name" : "parameters: " + string.Join(", ", bindable);
        foreach (var name in DeclarationFacts.LlmCallTemplates)
        {
            ReportUnknown(context, method, attribute, name, placeholder => LlmCallGenerator.Parser.BindPlaceholder(method, placeholder) is not null, bindable,
                unknown => "has no matching parameter of '" + method.Name + "'; " + available);
        }
    }

    private static void AnalyzeCrewPlaceholders(SymbolAnalysisContext context, INamedTypeSymbol crew, AttributeData attribute, AmshaSymbols symbols)
    {
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
        Func<string, bool> matches = name => members.ContainsKey(name) || members.ContainsKey(name.ToUpperInvariant());
        var candidates = members.Values.Distinct().ToList();
        Func<string, string> explain = input is null
            ? _ => "cannot be filled: crew '" + crew.Name + "' has no input type; declare it [Crew<TInput>] or remove the placeholder"
            : _ => "has no matching member in '" + AttributeSyntaxFacts.Display(input) + "', the input of crew '" + crew.Name + "'; "
                + (candidates.Count == 0 ? "it has no public readable members" : "available: " + string.Join(", ", candidates));

        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var task in DeclarationFacts.ReadTypes(attribute, "Tasks") ?? new List<INamedTypeSymbol?>())
        {
            if (!DeclarationFacts.IsUsable(task) || !visited.Add(task!) || DeclarationFacts.TaskAttribute(task!, symbols) is not { } taskAttribute)
            {
                continue;
            }

            foreach (var name in DeclarationFacts.TaskTemplates)
            {
                ReportUnknown(context, task!, taskAttribute, name, matches, candidates, explain);
            }

            if (DeclarationFacts.AgentOf(taskAttribute, symbols) is { } agent && visited.Add(agent) && DeclarationFacts.AgentAttribute(agent, symbols) is { } agentAttribute)
            {
                foreach (var name in DeclarationFacts.AgentTemplates)
                {
                    ReportUnknown(context, agent, agentAttribute, name, matches, candidates, explain);
                }
            }
        }
    }

    private static void ReportUnknown(
        SymbolAnalysisContext context,
        ISymbol owner,
        AttributeData attribute,
        string templateName,
        Func<string, bool> matches,
        List<string> candidates,
        Func<string, string> explain)
    {
        if (AttributeArguments.String(attribute, templateName) is not { Length: > 0 } template)
        {
            return;
        }

        var (segments, _) = TemplateParser.Parse(template);
        var argument = AttributeSyntaxFacts.FindArgument(AttributeSyntaxFacts.GetSyntax(attribute, context.CancellationToken), templateName);
        foreach (var segment in segments)
        {
            if (!segment.IsPlaceholder || matches(segment.Text))
            {
                continue;
            }

            var fallback = AttributeSyntaxFacts.ArgumentLocation(attribute, templateName, owner, context.CancellationToken);
            var location = TemplateSourceMap.Locate(argument, template, segment.Start, segment.Length, fallback, out var exact);
            var properties = ImmutableDictionary<string, string?>.Empty;
            var message = explain(segment.Text);
            if (exact)
            {
                properties = properties.Add(DiagnosticDescriptors.ExactSpanProperty, "true");
            }

            if (Closest(segment.Text, candidates) is { } closest)
            {
                properties = properties.Add(DiagnosticDescriptors.ReplacementProperty, closest);
                message += " (did you mean '" + closest + "'?)";
            }

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownPlaceholder, location, properties, segment.Text, templateName, owner.Name, message));
        }
    }

    private static void ReportMalformed(SymbolAnalysisContext context, ISymbol owner, AttributeData attribute, string[] templateNames)
    {
        foreach (var templateName in templateNames)
        {
            if (AttributeArguments.String(attribute, templateName) is not { Length: > 0 } template)
            {
                continue;
            }

            var (_, errors) = TemplateParser.Parse(template);
            if (errors.Count == 0)
            {
                continue;
            }

            var argument = AttributeSyntaxFacts.FindArgument(AttributeSyntaxFacts.GetSyntax(attribute, context.CancellationToken), templateName);
            var fallback = AttributeSyntaxFacts.ArgumentLocation(attribute, templateName, owner, context.CancellationToken);
            foreach (var error in errors)
            {
                var location = TemplateSourceMap.Locate(argument, template, error.Start, error.Length, fallback, out var exact);
                var properties = exact
                    ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.ExactSpanProperty, "true")
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MalformedTemplate, location, properties, templateName, owner.Name, error.Reason));
            }
        }
    }

    /// <summary>The candidate nearest to <paramref name="name"/> (ignoring case) when it is close enough to be a typo.</summary>
    internal static string? Closest(string name, IReadOnlyList<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var tie = false;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
                tie = false;
            }
            else if (distance == bestDistance && !string.Equals(best, candidate, StringComparison.Ordinal))
            {
                tie = true;
            }
        }

        var limit = Math.Max(1, Math.Min(3, name.Length / 3));
        return best is not null && !tie && bestDistance <= limit ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
