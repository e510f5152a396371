using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA020: two tools of the same name (<see cref="ToolFacts.ToolName"/>: <c>Name</c>, or the method name without
/// <c>Async</c>) that one task would be offered:
/// <list type="bullet">
/// <item>within one toolbox (the generator keeps the first): reported on each later tool, at its <c>Name</c> or its name;</item>
/// <item>across the toolboxes of an agent (offered to every task of the agent): reported on the agent's later <c>Tools</c> entry;</item>
/// <item>across a task's own toolboxes, or one of them and its agent's (the run fails when the task starts, as the
/// runtime's tool set refuses two tools of one name): reported on the task's <c>Tools</c> entry.</item>
/// </list>
/// The work stays linear in what is written: each toolbox's names are read once; each agent's tools are put in one
/// table once; each toolbox is compared with an agent's tools once, walking the smaller side; and each distinct
/// combination of an agent and a task's own toolboxes is checked once, walking every own toolbox but the largest,
/// however many tasks share it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ToolNameConflictAnalyzer : AmshaAnalyzer
{
    private const string DropOne = " or remove one of the toolboxes from Tools";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.DuplicateToolName);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.ToolboxAttribute is null || symbols.ToolAttribute is null)
        {
            return;
        }

        var caches = new Caches();
        start.RegisterSymbolAction(c => Analyze(c, new Facts(symbols, caches, c.CancellationToken)), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context, Facts facts)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var markers = facts.Symbols.Markers(type, context.CancellationToken);
        if (markers.Toolbox is not null)
        {
            AnalyzeToolbox(context, type, facts);
        }

        if (markers.Agent is { } agent)
        {
            AnalyzeAgent(context, type, agent, facts);
        }

        if (markers.Task is { } task)
        {
            AnalyzeTask(context, type, task, facts);
        }
    }

    private static void AnalyzeToolbox(SymbolAnalysisContext context, INamedTypeSymbol toolbox, Facts facts)
    {
        foreach (var duplicate in facts.Names(toolbox).Duplicates)
        {
            facts.Work.Step(WorkKind.Symbols, context.CancellationToken);
            var location = AttributeArguments.String(duplicate.Attribute, "Name") is { Length: > 0 }
                ? AttributeSyntaxFacts.ArgumentLocation(duplicate.Attribute, "Name", duplicate.Method, context.CancellationToken)
                : AttributeSyntaxFacts.SymbolLocation(duplicate.Method);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateToolName, location,
                "Toolbox '" + toolbox.Name + "' has two tools named '" + MessageText.Quote(duplicate.Name) + "' ('" + duplicate.Earlier.Name + "' and '" + duplicate.Method.Name
                    + "'), and the generator leaves '" + duplicate.Method.Name + "' out",
                ""));
        }
    }

    // An agent's toolboxes are offered to every task it performs: a clash among them is reported once, on the agent.
    private static void AnalyzeAgent(SymbolAnalysisContext context, INamedTypeSymbol agent, AttributeData attribute, Facts facts)
    {
        var offer = facts.AgentOffer(agent, attribute);
        if (offer.Clashes.Count == 0)
        {
            return;
        }

        var locations = AttributeSyntaxFacts.ElementLocations(attribute, "Tools", Count(attribute), agent, context.CancellationToken, facts.Work);
        foreach (var clash in offer.Clashes)
        {
            facts.Work.Step(WorkKind.Symbols, context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateToolName, locations(clash.Index),
                "Agent '" + agent.Name + "' offers its tasks " + Tools(clash.Names) + " by both '" + clash.Other.Name + "' and '" + clash.Toolbox.Name + "', so they fail when they start",
                DropOne));
        }
    }

    // A task is offered its agent's toolboxes, then its own; each of its own is checked against all the tools before it.
    private static void AnalyzeTask(SymbolAnalysisContext context, INamedTypeSymbol task, AttributeData attribute, Facts facts)
    {
        var cancellationToken = context.CancellationToken;
        if (facts.Toolboxes(attribute) is not { Count: > 0 } own)
        {
            return;
        }

        var agent = DeclarationFacts.AgentOf(attribute, facts.Symbols, cancellationToken);
        var agentOffer = agent is not null && DeclarationFacts.AgentAttribute(agent, facts.Symbols, cancellationToken) is { } agentAttribute
            ? facts.AgentOffer(agent, agentAttribute)
            : null;

        // The same toolbox named again (by the agent or the task) is offered once.
        var added = new List<(int Index, INamedTypeSymbol Toolbox)>(own.Count);
        foreach (var entry in own)
        {
            facts.Work.Step(WorkKind.Symbols, cancellationToken);
            if (agentOffer is null || !agentOffer.Toolboxes.Contains(entry.Toolbox))
            {
                added.Add(entry);
            }
        }

        if (added.Count == 0)
        {
            return;
        }

        var clashes = facts.TaskClashes(agentOffer, added);
        if (clashes.Count == 0)
        {
            return;
        }

        var locations = AttributeSyntaxFacts.ElementLocations(attribute, "Tools", Count(attribute), task, cancellationToken, facts.Work);
        foreach (var clash in clashes)
        {
            facts.Work.Step(WorkKind.Symbols, cancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateToolName, locations(added[clash.Index].Index),
                "Task '" + task.Name + "' is offered " + Tools(clash.Names) + " by both '" + clash.Other.Name + "'" + (clash.FromAgent ? " (in the Tools of agent '" + agent!.Name + "')" : "")
                    + " and '" + clash.Toolbox.Name + "', so it fails when it starts",
                DropOne));
        }
    }

    private static int Count(AttributeData attribute) => AttributeArguments.Named(attribute, "Tools") is { Kind: TypedConstantKind.Array, IsNull: false } argument ? argument.Values.Length : 0;

    private static string Tools(List<string> names)
    {
        var quoted = new List<string>(names.Count);
        foreach (var name in names)
        {
            quoted.Add("'" + MessageText.Quote(name) + "'");
        }

        return (names.Count == 1 ? "two tools named " : "two tools for each of the names ") + MessageText.List(quoted);
    }

    /// <summary>The tools of one toolbox by name, in declaration order, and the later ones that repeat a name.</summary>
    private sealed class ToolNames
    {
        public Dictionary<string, IMethodSymbol> First { get; } = new(StringComparer.Ordinal);

        public List<string> Names { get; } = new();

        public List<(IMethodSymbol Method, AttributeData Attribute, string Name, IMethodSymbol Earlier)> Duplicates { get; } = new();
    }

    /// <summary>
    /// A toolbox (<paramref name="Index"/>: its place in the list checked) offering <paramref name="Names"/>, which
    /// <paramref name="Other"/>, offered before it, offers too; <paramref name="FromAgent"/> when that one is the agent's.
    /// </summary>
    private sealed record Clash(int Index, INamedTypeSymbol Toolbox, INamedTypeSymbol Other, bool FromAgent, List<string> Names);

    /// <summary>What an agent offers every task: its distinct toolboxes, the first owner of each tool name, and the clashes among them.</summary>
    private sealed class Offer
    {
        public HashSet<INamedTypeSymbol> Toolboxes { get; } = new(SymbolEqualityComparer.Default);

        public Dictionary<string, INamedTypeSymbol> Owners { get; } = new(StringComparer.Ordinal);

        public List<Clash> Clashes { get; } = new();
    }

    private sealed class Caches
    {
        public AnalysisCache<INamedTypeSymbol, ToolNames> Names { get; } = new(SymbolEqualityComparer.Default);

        public AnalysisCache<INamedTypeSymbol, Offer> Agents { get; } = new(SymbolEqualityComparer.Default);

        public AnalysisCache<TaskKey, List<Clash>> Tasks { get; } = new();

        public AnalysisCache<(Offer Agent, INamedTypeSymbol Toolbox), List<(INamedTypeSymbol Other, List<string> Names)>> AgentClashes { get; } = new(AgentToolboxComparer.Instance);
    }

    /// <summary>What one analysis needs: the symbols, the per-compilation caches and the action's cancellation.</summary>
    private sealed class Facts(AmshaSymbols symbols, Caches caches, CancellationToken cancellationToken)
    {
        public AmshaSymbols Symbols { get; } = symbols;

        public AnalysisWork? Work => Symbols.Work;

        /// <summary>The names of the tools the generator takes from <paramref name="toolbox"/> (by shape, <see cref="ToolFacts.HasToolShape"/>); once per toolbox.</summary>
        public ToolNames Names(INamedTypeSymbol toolbox) => caches.Names.Get(toolbox, type =>
        {
            var result = new ToolNames();
            foreach (var member in type.GetMembers())
            {
                Work.Step(WorkKind.Symbols, cancellationToken);
                if (member is IMethodSymbol method && method.PartialDefinitionPart is null
                    && Symbols.ToolAttributeOf(method, cancellationToken) is { } attribute
                    && ToolFacts.HasToolShape(method, Work, cancellationToken))
                {
                    var name = ToolFacts.ToolName(method, attribute);
                    if (result.First.TryGetValue(name, out var earlier))
                    {
                        result.Duplicates.Add((method, attribute, name, earlier));
                    }
                    else
                    {
                        result.First.Add(name, method);
                        result.Names.Add(name);
                    }
                }
            }

            return result;
        });

        /// <summary>The distinct toolboxes of a <c>Tools</c> argument with their index in it (other entries are AMSHA019); null when it is not set.</summary>
        public List<(int Index, INamedTypeSymbol Toolbox)>? Toolboxes(AttributeData attribute)
        {
            if (DeclarationFacts.ReadTypes(attribute, "Tools", Work, cancellationToken) is not { } types)
            {
                return null;
            }

            var result = new List<(int, INamedTypeSymbol)>();
            var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            for (var i = 0; i < types.Count; i++)
            {
                Work.Step(WorkKind.Symbols, cancellationToken);
                if (types[i] is { } type && DeclarationFacts.IsUsable(type) && Symbols.Markers(type, cancellationToken).Toolbox is not null && seen.Add(type))
                {
                    result.Add((i, type));
                }
            }

            return result;
        }

        /// <summary>What <paramref name="agent"/> offers; once per agent.</summary>
        public Offer AgentOffer(INamedTypeSymbol agent, AttributeData attribute) => caches.Agents.Get(agent, _ =>
        {
            var offer = new Offer();
            foreach (var (index, toolbox) in Toolboxes(attribute) ?? new List<(int, INamedTypeSymbol)>())
            {
                offer.Toolboxes.Add(toolbox);
                Add(toolbox, index, offer.Owners, offer.Clashes);
            }

            return offer;
        });

        /// <summary>The clashes of a task's own toolboxes (<paramref name="added"/>, none of them the agent's) with its agent's and with each other; once per combination.</summary>
        public List<Clash> TaskClashes(Offer? agent, List<(int Index, INamedTypeSymbol Toolbox)> added)
        {
            var toolboxes = new INamedTypeSymbol[added.Count];
            for (var i = 0; i < toolboxes.Length; i++)
            {
                toolboxes[i] = added[i].Toolbox;
            }

            return caches.Tasks.Get(new TaskKey(agent, toolboxes), key =>
            {
                var clashes = new List<Clash>();
                if (agent is { Owners.Count: > 0 })
                {
                    for (var i = 0; i < key.Toolboxes.Length; i++)
                    {
                        foreach (var (other, names) in AgentClashes(agent, key.Toolboxes[i]))
                        {
                            clashes.Add(new Clash(i, key.Toolboxes[i], other, true, names));
                        }
                    }
                }

                OwnClashes(agent, key.Toolboxes, clashes);
                return clashes;
            });
        }

        /// <summary>
        /// Offers <paramref name="toolbox"/>'s tools after those in <paramref name="owners"/> (offered earlier here):
        /// each name already offered is a clash with its first owner.
        /// </summary>
        private void Add(INamedTypeSymbol toolbox, int index, Dictionary<string, INamedTypeSymbol> owners, List<Clash> clashes)
        {
            var byOther = new Dictionary<INamedTypeSymbol, Clash>(SymbolEqualityComparer.Default);
            foreach (var name in Names(toolbox).Names)
            {
                Work.Step(WorkKind.Symbols, cancellationToken);
                if (owners.TryGetValue(name, out var other))
                {
                    if (!byOther.TryGetValue(other, out var clash))
                    {
                        clash = new Clash(index, toolbox, other, false, new List<string>());
                        byOther.Add(other, clash);
                        clashes.Add(clash);
                    }

                    clash.Names.Add(name);
                }
                else
                {
                    owners.Add(name, toolbox);
                }
            }
        }

        /// <summary>
        /// The names <paramref name="toolbox"/> shares with the agent's tools, by the agent's toolbox that offers each;
        /// once per agent and toolbox, walking the smaller of the two name tables.
        /// </summary>
        private List<(INamedTypeSymbol Other, List<string> Names)> AgentClashes(Offer agent, INamedTypeSymbol toolbox) => caches.AgentClashes.Get((agent, toolbox), pair =>
        {
            var names = Names(pair.Toolbox);
            var byOther = new Dictionary<INamedTypeSymbol, List<string>>(SymbolEqualityComparer.Default);
            var result = new List<(INamedTypeSymbol, List<string>)>();
            if (names.Names.Count <= agent.Owners.Count)
            {
                foreach (var name in names.Names)
                {
                    Work.Step(WorkKind.Symbols, cancellationToken);
                    if (agent.Owners.TryGetValue(name, out var owner))
                    {
                        Group(owner, name);
                    }
                }
            }
            else
            {
                foreach (var owned in agent.Owners)
                {
                    Work.Step(WorkKind.Symbols, cancellationToken);
                    if (names.First.ContainsKey(owned.Key))
                    {
                        Group(owned.Value, owned.Key);
                    }
                }
            }

            return result;

            void Group(INamedTypeSymbol owner, string name)
            {
                if (!byOther.TryGetValue(owner, out var list))
                {
                    list = new List<string>();
                    byOther.Add(owner, list);
                    result.Add((owner, list));
                }

                list.Add(name);
            }
        });

        /// <summary>
        /// The clashes among a task's own toolboxes (names the agent offers are its clashes, not these): each name offered
        /// by an earlier toolbox of the list clashes with its first owner. The largest toolbox is never walked (its own
        /// table answers), so a task that adds a small toolbox to a large shared one costs the small one's size.
        /// </summary>
        private void OwnClashes(Offer? agent, INamedTypeSymbol[] toolboxes, List<Clash> clashes)
        {
            if (toolboxes.Length < 2)
            {
                return;
            }

            var largest = 0;
            for (var i = 1; i < toolboxes.Length; i++)
            {
                Work.Step(WorkKind.Symbols, cancellationToken);
                if (Names(toolboxes[i]).Names.Count > Names(toolboxes[largest]).Names.Count)
                {
                    largest = i;
                }
            }

            var large = Names(toolboxes[largest]).First;
            var firstOwner = new Dictionary<string, int>(StringComparer.Ordinal);
            var byPair = new Dictionary<(int Later, int Earlier), Clash>();
            for (var i = 0; i < toolboxes.Length; i++)
            {
                if (i == largest)
                {
                    continue;
                }

                foreach (var name in Names(toolboxes[i]).Names)
                {
                    Work.Step(WorkKind.Symbols, cancellationToken);
                    if (agent is not null && agent.Owners.ContainsKey(name))
                    {
                        continue;
                    }

                    var inLarge = large.ContainsKey(name);
                    int? earlier = firstOwner.TryGetValue(name, out var owner) ? owner : null;
                    if (inLarge && largest < i && (earlier is null || largest < earlier))
                    {
                        earlier = largest;
                    }

                    if (earlier is { } first)
                    {
                        Record(i, first, name);
                    }
                    else
                    {
                        firstOwner.Add(name, i);
                        if (inLarge)
                        {
                            // The large toolbox comes later in the list and offers the name again.
                            Record(largest, i, name);
                        }
                    }
                }
            }

            void Record(int later, int earlier, string name)
            {
                if (!byPair.TryGetValue((later, earlier), out var clash))
                {
                    clash = new Clash(later, toolboxes[later], toolboxes[earlier], false, new List<string>());
                    byPair.Add((later, earlier), clash);
                    clashes.Add(clash);
                }

                clash.Names.Add(name);
            }
        }
    }

    /// <summary>An agent's offer (or none) and a task's own toolboxes in order, compared by identity and symbols.</summary>
    private sealed class TaskKey(Offer? agent, INamedTypeSymbol[] toolboxes) : IEquatable<TaskKey>
    {
        private readonly int _hash = Hash(agent, toolboxes);

        public Offer? Agent { get; } = agent;

        public INamedTypeSymbol[] Toolboxes { get; } = toolboxes;

        public bool Equals(TaskKey? other)
        {
            if (other is null || other._hash != _hash || !ReferenceEquals(other.Agent, Agent) || other.Toolboxes.Length != Toolboxes.Length)
            {
                return false;
            }

            for (var i = 0; i < Toolboxes.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(Toolboxes[i], other.Toolboxes[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as TaskKey);

        public override int GetHashCode() => _hash;

        private static int Hash(Offer? agent, INamedTypeSymbol[] toolboxes)
        {
            var hash = agent is null ? 17 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(agent);
            foreach (var toolbox in toolboxes)
            {
                hash = unchecked((hash * 31) + SymbolEqualityComparer.Default.GetHashCode(toolbox));
            }

            return hash;
        }
    }

    private sealed class AgentToolboxComparer : IEqualityComparer<(Offer Agent, INamedTypeSymbol Toolbox)>
    {
        public static readonly AgentToolboxComparer Instance = new();

        public bool Equals((Offer Agent, INamedTypeSymbol Toolbox) x, (Offer Agent, INamedTypeSymbol Toolbox) y) =>
            ReferenceEquals(x.Agent, y.Agent) && SymbolEqualityComparer.Default.Equals(x.Toolbox, y.Toolbox);

        public int GetHashCode((Offer Agent, INamedTypeSymbol Toolbox) pair) =>
            unchecked((System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Agent) * 31) + SymbolEqualityComparer.Default.GetHashCode(pair.Toolbox));
    }
}
