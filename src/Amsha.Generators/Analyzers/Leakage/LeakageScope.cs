using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>Which types the leakage rules apply to.</summary>
internal static class LeakageScope
{
    /// <summary>
    /// The nearest type around <paramref name="symbol"/> that is a declaration for the proxy rule:
    /// <c>[Agent]</c>, <c>[CrewTask]</c>, <c>[Crew]</c>, <c>[ExecutionState]</c>, <c>[Toolbox]</c>, or a type with an
    /// <c>[AmshaLlmCall]</c> method. Null when there is none. Each type's answer is read once per compilation.
    /// </summary>
    public static INamedTypeSymbol? DeclarationOwner(ISymbol symbol, AmshaSymbols symbols, CancellationToken cancellationToken = default)
    {
        for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            symbols.Work.Step(WorkKind.Types, cancellationToken);
            if (DeclarationKind(type, symbols, cancellationToken) is not null)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>How a declaration type reads in messages ("Agent 'Researcher'"), or null when <paramref name="type"/> is none.</summary>
    public static string? DeclarationKind(INamedTypeSymbol type, AmshaSymbols symbols, CancellationToken cancellationToken = default)
    {
        switch (symbols.Markers(type, cancellationToken).First)
        {
            case DeclarationMarker.Agent:
                return "Agent";
            case DeclarationMarker.Task:
                return "Task";
            case DeclarationMarker.Crew:
                return "Crew";
            case DeclarationMarker.ExecutionState:
                return "Execution state type";
            case DeclarationMarker.Toolbox:
                return "Toolbox";
        }

        return symbols.FirstLlmCallByShape(type, cancellationToken) is not null ? "Type with [AmshaLlmCall] methods" : null;
    }
}
