using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// The Amsha runtime types an analyzer needs, resolved once per compilation. <see cref="Create"/>
/// returns null when the compilation does not reference the runtime: analyzers then do nothing.
/// </summary>
internal sealed class AmshaSymbols
{
    private AmshaSymbols(Compilation compilation, INamedTypeSymbol agentAttribute)
    {
        AgentAttribute = agentAttribute;
        CrewTaskAttribute = compilation.GetTypeByMetadataName(KnownNames.CrewTaskAttribute);
        GenericCrewTaskAttribute = compilation.GetTypeByMetadataName(KnownNames.GenericCrewTaskAttribute);
        CrewAttribute = compilation.GetTypeByMetadataName(KnownNames.CrewAttribute);
        GenericCrewAttribute = compilation.GetTypeByMetadataName(KnownNames.GenericCrewAttribute);
        ExecutionStateAttribute = compilation.GetTypeByMetadataName(KnownNames.ExecutionStateAttribute);
        AmshaLlmCallAttribute = compilation.GetTypeByMetadataName(KnownNames.AmshaLlmCallAttribute);
        ExecutionSession = compilation.GetTypeByMetadataName(KnownNames.ExecutionSession);
        ExecutionHandle = compilation.GetTypeByMetadataName("Amsha.ExecutionHandle`1");
        InteractiveExecutionHandle = compilation.GetTypeByMetadataName("Amsha.InteractiveExecutionHandle`1");
        ChatClient = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.IChatClient");
    }

    public INamedTypeSymbol AgentAttribute { get; }

    public INamedTypeSymbol? CrewTaskAttribute { get; }

    public INamedTypeSymbol? GenericCrewTaskAttribute { get; }

    public INamedTypeSymbol? CrewAttribute { get; }

    public INamedTypeSymbol? GenericCrewAttribute { get; }

    public INamedTypeSymbol? ExecutionStateAttribute { get; }

    public INamedTypeSymbol? AmshaLlmCallAttribute { get; }

    public INamedTypeSymbol? ExecutionSession { get; }

    public INamedTypeSymbol? ExecutionHandle { get; }

    public INamedTypeSymbol? InteractiveExecutionHandle { get; }

    public INamedTypeSymbol? ChatClient { get; }

    public static AmshaSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownNames.AgentAttribute) is { } agent ? new AmshaSymbols(compilation, agent) : null;

    public bool IsAgentAttribute(INamedTypeSymbol? attribute) => Is(attribute, AgentAttribute);

    public bool IsCrewTaskAttribute(INamedTypeSymbol? attribute) => Is(attribute, CrewTaskAttribute) || Is(attribute?.OriginalDefinition, GenericCrewTaskAttribute);

    public bool IsCrewAttribute(INamedTypeSymbol? attribute) => Is(attribute, CrewAttribute) || Is(attribute?.OriginalDefinition, GenericCrewAttribute);

    public bool IsExecutionStateAttribute(INamedTypeSymbol? attribute) => Is(attribute, ExecutionStateAttribute);

    /// <summary>The first attribute of <paramref name="type"/> that <paramref name="match"/> accepts.</summary>
    public static AttributeData? Find(ISymbol type, System.Func<INamedTypeSymbol?, bool> match)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (match(attribute.AttributeClass))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>True for <c>[Agent]</c>, <c>[CrewTask]</c> and <c>[Crew]</c> types: declarations stay passive (L4).</summary>
    public bool IsDeclarationType(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (IsAgentAttribute(attribute.AttributeClass) || IsCrewTaskAttribute(attribute.AttributeClass) || IsCrewAttribute(attribute.AttributeClass))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Is(INamedTypeSymbol? candidate, INamedTypeSymbol? expected) =>
        candidate is not null && expected is not null && SymbolEqualityComparer.Default.Equals(candidate, expected);
}
