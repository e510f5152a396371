using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>Which types the leakage rules apply to.</summary>
internal static class LeakageScope
{
    /// <summary>
    /// The nearest type around <paramref name="symbol"/> that is a declaration for the proxy rule:
    /// <c>[Agent]</c>, <c>[CrewTask]</c>, <c>[Crew]</c>, <c>[ExecutionState]</c>, or a type with an
    /// <c>[AmshaLlmCall]</c> method. Null when there is none.
    /// </summary>
    public static INamedTypeSymbol? DeclarationOwner(ISymbol symbol, AmshaSymbols symbols)
    {
        for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            if (DeclarationKind(type, symbols) is not null)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>How a declaration type reads in messages ("Agent 'Researcher'"), or null when <paramref name="type"/> is none.</summary>
    public static string? DeclarationKind(INamedTypeSymbol type, AmshaSymbols symbols)
    {
        foreach (var attribute in type.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (symbols.IsAgentAttribute(attributeClass))
            {
                return "Agent";
            }

            if (symbols.IsCrewTaskAttribute(attributeClass))
            {
                return "Task";
            }

            if (symbols.IsCrewAttribute(attributeClass))
            {
                return "Crew";
            }

            if (symbols.IsExecutionStateAttribute(attributeClass))
            {
                return "Execution state type";
            }
        }

        if (symbols.AmshaLlmCallAttribute is not null)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol method && ExecutionCalls.IsLlmCall(method, symbols))
                {
                    return "Type with [AmshaLlmCall] methods";
                }
            }
        }

        return null;
    }
}
