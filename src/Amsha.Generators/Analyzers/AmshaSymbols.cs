using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>Which marker attribute makes a type a declaration.</summary>
internal enum DeclarationMarker
{
    None,
    Agent,
    Task,
    Crew,
    ExecutionState,
    Toolbox,
}

/// <summary>The Amsha marker attributes of one type, read once per compilation.</summary>
internal sealed class DeclarationMarkers
{
    public AttributeData? Agent { get; set; }

    public AttributeData? Task { get; set; }

    public AttributeData? Crew { get; set; }

    public AttributeData? ExecutionState { get; set; }

    /// <summary>The <c>[Toolbox]</c> attribute: the generator adds members to the type, like a declaration's, but its tools hold logic (not passive).</summary>
    public AttributeData? Toolbox { get; set; }

    /// <summary>The marker of the first marker attribute in declaration order.</summary>
    public DeclarationMarker First { get; set; }

    /// <summary>True for <c>[Agent]</c>, <c>[CrewTask]</c> and <c>[Crew]</c> types: declarations stay passive (L4).</summary>
    public bool IsDeclaration => Agent is not null || Task is not null || Crew is not null;
}

/// <summary>
/// The Amsha runtime types an analyzer needs, resolved once per compilation and shared by every Amsha
/// analyzer of that compilation (<see cref="For"/>), with the per-type, per-method and per-tree answers
/// they all ask for, each computed once. <see cref="For"/> returns null when the compilation does not
/// reference the runtime: analyzers then do nothing.
/// </summary>
internal sealed class AmshaSymbols
{
    private static readonly ConditionalWeakTable<Compilation, Holder> s_byCompilation = new();

    private readonly AnalysisCache<INamedTypeSymbol, DeclarationMarkers> _markers = new(SymbolEqualityComparer.Default);
    private readonly AnalysisCache<INamedTypeSymbol, IMethodSymbol?> _firstLlmCall = new(SymbolEqualityComparer.Default);
    private readonly AnalysisCache<INamedTypeSymbol, IMethodSymbol?> _firstLlmCallShape = new(SymbolEqualityComparer.Default);
    private readonly AnalysisCache<IMethodSymbol, AttributeData?> _llmCallAttributes = new(SymbolEqualityComparer.Default);
    private readonly AnalysisCache<IMethodSymbol, AttributeData?> _toolAttributes = new(SymbolEqualityComparer.Default);
    private readonly AnalysisCache<SyntaxTree, bool> _generatedTrees = new();

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
        ToolboxAttribute = compilation.GetTypeByMetadataName(KnownNames.ToolboxAttribute);
        ToolAttribute = compilation.GetTypeByMetadataName(KnownNames.ToolAttribute);
        ExecutionHandle = compilation.GetTypeByMetadataName("Amsha.ExecutionHandle`1");
        InteractiveExecutionHandle = compilation.GetTypeByMetadataName("Amsha.InteractiveExecutionHandle`1");
        CrewExecution = compilation.GetTypeByMetadataName("Amsha.Generated.CrewExecution");
        ChatClient = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.IChatClient");
        Work = AnalysisWork.For(compilation);
    }

    public INamedTypeSymbol AgentAttribute { get; }

    public INamedTypeSymbol? CrewTaskAttribute { get; }

    public INamedTypeSymbol? GenericCrewTaskAttribute { get; }

    public INamedTypeSymbol? CrewAttribute { get; }

    public INamedTypeSymbol? GenericCrewAttribute { get; }

    public INamedTypeSymbol? ExecutionStateAttribute { get; }

    public INamedTypeSymbol? AmshaLlmCallAttribute { get; }

    public INamedTypeSymbol? ExecutionSession { get; }

    /// <summary><c>[Toolbox]</c>; null with a runtime older than tools.</summary>
    public INamedTypeSymbol? ToolboxAttribute { get; }

    /// <summary><c>[Tool]</c>; null with a runtime older than tools.</summary>
    public INamedTypeSymbol? ToolAttribute { get; }

    public INamedTypeSymbol? ExecutionHandle { get; }

    public INamedTypeSymbol? InteractiveExecutionHandle { get; }

    /// <summary><c>Amsha.Generated.CrewExecution</c>: the runs generated members call, also callable as <c>session.RunAsync(Crew.Definition, …)</c>.</summary>
    public INamedTypeSymbol? CrewExecution { get; }

    public INamedTypeSymbol? ChatClient { get; }

    /// <summary>The work counter of a compilation a test tracks; null otherwise.</summary>
    public AnalysisWork? Work { get; }

    public static AmshaSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownNames.AgentAttribute) is { } agent ? new AmshaSymbols(compilation, agent) : null;

    /// <summary>The symbols of <paramref name="compilation"/>, resolved by the first analyzer that asks and shared by the others.</summary>
    public static AmshaSymbols? For(Compilation compilation) => s_byCompilation.GetValue(compilation, c => new Holder(Create(c))).Symbols;

    public bool IsAgentAttribute(INamedTypeSymbol? attribute) => Is(attribute, AgentAttribute);

    public bool IsCrewTaskAttribute(INamedTypeSymbol? attribute) => Is(attribute, CrewTaskAttribute) || Is(attribute?.OriginalDefinition, GenericCrewTaskAttribute);

    public bool IsCrewAttribute(INamedTypeSymbol? attribute) => Is(attribute, CrewAttribute) || Is(attribute?.OriginalDefinition, GenericCrewAttribute);

    public bool IsExecutionStateAttribute(INamedTypeSymbol? attribute) => Is(attribute, ExecutionStateAttribute);

    public bool IsToolboxAttribute(INamedTypeSymbol? attribute) => Is(attribute, ToolboxAttribute);

    /// <summary>True for <c>[Agent]</c>, <c>[CrewTask]</c> and <c>[Crew]</c> types: declarations stay passive (L4).</summary>
    public bool IsDeclarationType(INamedTypeSymbol type, CancellationToken cancellationToken = default) => Markers(type, cancellationToken).IsDeclaration;

    /// <summary>The Amsha marker attributes of <paramref name="type"/> (the first of each kind), read once per type.</summary>
    public DeclarationMarkers Markers(INamedTypeSymbol type, CancellationToken cancellationToken = default) =>
        _markers.Get(type, t =>
        {
            var markers = new DeclarationMarkers();
            foreach (var attribute in t.GetAttributes())
            {
                Work.Step(WorkKind.Symbols, cancellationToken);
                var attributeClass = attribute.AttributeClass;
                var marker = DeclarationMarker.None;
                if (IsAgentAttribute(attributeClass))
                {
                    markers.Agent ??= attribute;
                    marker = DeclarationMarker.Agent;
                }
                else if (IsCrewTaskAttribute(attributeClass))
                {
                    markers.Task ??= attribute;
                    marker = DeclarationMarker.Task;
                }
                else if (IsCrewAttribute(attributeClass))
                {
                    markers.Crew ??= attribute;
                    marker = DeclarationMarker.Crew;
                }
                else if (IsExecutionStateAttribute(attributeClass))
                {
                    markers.ExecutionState ??= attribute;
                    marker = DeclarationMarker.ExecutionState;
                }
                else if (IsToolboxAttribute(attributeClass))
                {
                    markers.Toolbox ??= attribute;
                    marker = DeclarationMarker.Toolbox;
                }

                if (markers.First == DeclarationMarker.None)
                {
                    markers.First = marker;
                }
            }

            return markers;
        });

    /// <summary>The first ordinary method of <paramref name="type"/> carrying <c>[AmshaLlmCall]</c>, or null; once per type.</summary>
    public IMethodSymbol? FirstLlmCall(INamedTypeSymbol type, CancellationToken cancellationToken = default) =>
        AmshaLlmCallAttribute is null ? null : _firstLlmCall.Get(type, t => FirstMethod(t, m => m.MethodKind == MethodKind.Ordinary && LlmCallAttribute(m, cancellationToken) is not null, cancellationToken));

    /// <summary>The first method of <paramref name="type"/> that is an <c>[AmshaLlmCall]</c> method by shape and attribute (<see cref="ExecutionCalls.IsLlmCall"/>); once per type.</summary>
    public IMethodSymbol? FirstLlmCallByShape(INamedTypeSymbol type, CancellationToken cancellationToken = default) =>
        AmshaLlmCallAttribute is null ? null : _firstLlmCallShape.Get(type, t => FirstMethod(t, m => ExecutionCalls.IsLlmCall(m, this), cancellationToken));

    /// <summary>The <c>[AmshaLlmCall]</c> attribute written on <paramref name="method"/>, or null; once per method.</summary>
    public AttributeData? LlmCallAttribute(IMethodSymbol method, CancellationToken cancellationToken = default) =>
        AmshaLlmCallAttribute is not { } llmCall
            ? null
            : _llmCallAttributes.Get(method, m =>
            {
                foreach (var attribute in m.GetAttributes())
                {
                    Work.Step(WorkKind.Symbols, cancellationToken);
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, llmCall))
                    {
                        return attribute;
                    }
                }

                return null;
            });

    /// <summary>The <c>[Tool]</c> attribute written on <paramref name="method"/>, or null; once per method.</summary>
    public AttributeData? ToolAttributeOf(IMethodSymbol method, CancellationToken cancellationToken = default) =>
        ToolAttribute is not { } tool
            ? null
            : _toolAttributes.Get(method, m =>
            {
                foreach (var attribute in m.GetAttributes())
                {
                    Work.Step(WorkKind.Symbols, cancellationToken);
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, tool))
                    {
                        return attribute;
                    }
                }

                return null;
            });

    /// <summary><see cref="Declarations.DeclarationFacts.IsGeneratedTree"/>, once per tree.</summary>
    public bool IsGeneratedTree(SyntaxTree tree, CancellationToken cancellationToken) =>
        _generatedTrees.Get(tree, t => Declarations.DeclarationFacts.IsGeneratedTree(t, cancellationToken));

    private IMethodSymbol? FirstMethod(INamedTypeSymbol type, System.Func<IMethodSymbol, bool> match, CancellationToken cancellationToken)
    {
        foreach (var member in type.GetMembers())
        {
            Work.Step(WorkKind.Symbols, cancellationToken);
            if (member is IMethodSymbol method && match(method))
            {
                return method;
            }
        }

        return null;
    }

    private static bool Is(INamedTypeSymbol? candidate, INamedTypeSymbol? expected) =>
        candidate is not null && expected is not null && SymbolEqualityComparer.Default.Equals(candidate, expected);

    private sealed class Holder(AmshaSymbols? symbols)
    {
        public AmshaSymbols? Symbols { get; } = symbols;
    }
}
