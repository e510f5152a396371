using System;
using System.Collections.Immutable;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA019: every <c>Tools</c> entry of an <c>[Agent]</c> or <c>[CrewTask]</c> is a type marked <c>[Toolbox]</c>
/// (the crew generator emits no crew whose tasks name anything else). Reported on the entry, as AMSHA003 is;
/// <c>Tools = null</c> on the argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ToolReferenceAnalyzer : AmshaAnalyzer
{
    private const string Consequence = "so no crew that uses it is generated";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.NotAToolbox);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.ToolboxAttribute is null)
        {
            return;
        }

        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var markers = symbols.Markers(type, context.CancellationToken);
        if (markers.Agent is { } agent)
        {
            AnalyzeEntries(context, type, agent, "agent", symbols);
        }

        if (markers.Task is { } task)
        {
            AnalyzeEntries(context, type, task, "task", symbols);
        }
    }

    private static void AnalyzeEntries(SymbolAnalysisContext context, INamedTypeSymbol owner, AttributeData attribute, string kind, AmshaSymbols symbols)
    {
        var cancellationToken = context.CancellationToken;
        if (AttributeArguments.Named(attribute, "Tools") is not { Kind: TypedConstantKind.Array } argument)
        {
            return;
        }

        if (argument.IsNull)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotAToolbox,
                AttributeSyntaxFacts.ArgumentLocation(attribute, "Tools", owner, cancellationToken), kind, owner.Name,
                "are null, " + Consequence + "; leave Tools out or write Tools = []"));
            return;
        }

        var values = argument.Values;
        Func<int, Location>? locations = null;
        for (var i = 0; i < values.Length; i++)
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);
            var value = values[i];
            string problem;
            if (value.Kind == TypedConstantKind.Type && value.Value is INamedTypeSymbol entry)
            {
                // A type that does not exist is the compiler's CS0246.
                if (entry.TypeKind == TypeKind.Error || symbols.Markers(entry, cancellationToken).Toolbox is not null)
                {
                    continue;
                }

                var display = AttributeSyntaxFacts.Display(entry);
                problem = "list '" + display + "', which is not marked [Toolbox], " + Consequence + "; mark '" + display + "' with [Toolbox] or remove it from Tools";
            }
            else if (value.Kind == TypedConstantKind.Type && value.IsNull)
            {
                problem = "list null, " + Consequence + "; remove it from Tools";
            }
            else if (value.Kind == TypedConstantKind.Type && value.Value is ITypeSymbol other)
            {
                problem = "list '" + AttributeSyntaxFacts.Display(other) + "', which is not a toolbox class, " + Consequence + "; remove it from Tools";
            }
            else
            {
                continue;
            }

            // The argument's entries are read once, for the first entry reported.
            locations ??= AttributeSyntaxFacts.ElementLocations(attribute, "Tools", values.Length, owner, cancellationToken, symbols.Work);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotAToolbox, locations(i), kind, owner.Name, problem));
        }
    }
}
