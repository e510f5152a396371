using System;
using System.Collections.Immutable;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA002: a task's <c>Agent</c> is set and names an <c>[Agent]</c>.
/// AMSHA003: every <c>Tasks</c> entry of a crew and <c>Context</c> entry of a task is a <c>[CrewTask]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class TaskReferenceAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.TaskAgentInvalid, DiagnosticDescriptors.NotATask);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var markers = symbols.Markers(type, context.CancellationToken);
        if (markers.Task is { } task)
        {
            AnalyzeAgent(context, type, task, symbols);
            AnalyzeEntries(context, type, task, "Context", symbols);
        }

        if (markers.Crew is { } crew)
        {
            AnalyzeEntries(context, type, crew, "Tasks", symbols);
        }
    }

    private static void AnalyzeAgent(SymbolAnalysisContext context, INamedTypeSymbol task, AttributeData attribute, AmshaSymbols symbols)
    {
        var agent = AttributeArguments.Named(attribute, "Agent");
        if (agent is null || agent.Value.IsNull)
        {
            var location = agent is null
                ? AttributeSyntaxFacts.AttributeLocation(attribute, task, context.CancellationToken)
                : AttributeSyntaxFacts.ArgumentLocation(attribute, "Agent", task, context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TaskAgentInvalid, location, task.Name,
                "has no agent; set Agent = typeof(YourAgent) to a class marked [Agent]"));
            return;
        }

        // Not a type, or a type that does not exist: the compiler already reports it.
        if (agent.Value is not { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol type } || type.TypeKind == TypeKind.Error)
        {
            return;
        }

        if (DeclarationFacts.AgentAttribute(type, symbols, context.CancellationToken) is null)
        {
            var name = AttributeSyntaxFacts.Display(type);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TaskAgentInvalid,
                AttributeSyntaxFacts.ArgumentLocation(attribute, "Agent", task, context.CancellationToken), task.Name,
                "names '" + name + "' as its agent, but '" + name + "' is not marked [Agent]; mark '" + name + "' with [Agent] or name another agent"));
        }
    }

    private static void AnalyzeEntries(SymbolAnalysisContext context, INamedTypeSymbol owner, AttributeData attribute, string name, AmshaSymbols symbols)
    {
        if (AttributeArguments.Named(attribute, name) is not { Kind: TypedConstantKind.Array, IsNull: false } argument)
        {
            return;
        }

        var values = argument.Values;
        Func<int, Location>? locations = null;
        for (var i = 0; i < values.Length; i++)
        {
            symbols.Work.Step(WorkKind.Symbols, context.CancellationToken);
            var value = values[i];
            string display;
            if (value.Kind == TypedConstantKind.Type && value.Value is INamedTypeSymbol entry)
            {
                if (entry.TypeKind == TypeKind.Error || DeclarationFacts.TaskAttribute(entry, symbols, context.CancellationToken) is not null)
                {
                    continue;
                }

                display = AttributeSyntaxFacts.Display(entry);
            }
            else if (value.Kind == TypedConstantKind.Type && value.IsNull)
            {
                display = "null";
            }
            else if (value.Kind == TypedConstantKind.Type && value.Value is ITypeSymbol other)
            {
                display = AttributeSyntaxFacts.Display(other);
            }
            else
            {
                continue;
            }

            // The argument's entries are read once, for the first entry reported.
            locations ??= AttributeSyntaxFacts.ElementLocations(attribute, name, values.Length, owner, context.CancellationToken, symbols.Work);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotATask, locations(i), display, name, owner.Name));
        }
    }
}
