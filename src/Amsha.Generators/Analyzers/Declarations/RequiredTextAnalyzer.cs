using System.Collections.Immutable;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>AMSHA011: an agent's Role, Goal and Backstory and a task's Description and ExpectedOutput are set and not blank.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class RequiredTextAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.RequiredTextMissing);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var markers = symbols.Markers(type, context.CancellationToken);
        if (markers.Agent is { } agent)
        {
            Check(context, type, agent, "Agent", DeclarationFacts.AgentTemplates);
        }

        if (markers.Task is { } task)
        {
            Check(context, type, task, "Task", DeclarationFacts.TaskTemplates);
        }
    }

    private static void Check(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, string kind, string[] names)
    {
        foreach (var name in names)
        {
            var argument = AttributeArguments.Named(attribute, name);
            if (argument is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RequiredTextMissing,
                    AttributeSyntaxFacts.AttributeLocation(attribute, type, context.CancellationToken), kind, type.Name, "no", name));
                continue;
            }

            // A value of the wrong type is a compiler error already.
            if (argument.Value.Kind != TypedConstantKind.Primitive || (argument.Value.Value is not null && argument.Value.Value is not string))
            {
                continue;
            }

            var text = argument.Value.Value as string;
            if (string.IsNullOrWhiteSpace(text))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RequiredTextMissing,
                    AttributeSyntaxFacts.ArgumentLocation(attribute, name, type, context.CancellationToken), kind, type.Name, text is null ? "no" : "an empty", name));
            }
        }
    }
}
