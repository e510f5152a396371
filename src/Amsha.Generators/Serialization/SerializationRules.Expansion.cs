using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    /// <summary>
    /// Finds the generic types that expand without end: <c>record G&lt;T&gt;(T Value, G&lt;List&lt;T&gt;&gt;? Next)</c> reaches
    /// <c>G&lt;int&gt;</c>, <c>G&lt;List&lt;int&gt;&gt;</c>, <c>G&lt;List&lt;List&lt;int&gt;&gt;&gt;</c>, ... — a new type at every level, so no
    /// set of codecs can cover it.
    /// </summary>
    /// <remarks>
    /// The check is on generic definitions, not on the types met (which never repeat): each type parameter
    /// slot of a definition is a node, and a serialized member of definition D whose type mentions G&lt;..., A, ...&gt;
    /// links every type parameter P of D that occurs in argument A to that slot of G — "growing" when A is more
    /// than P itself. A cycle through a growing link means every trip round it nests the arguments deeper: the
    /// definitions on it expand without end (the "expansive cycle" of ECMA-335 II.9.2). Only serialized members
    /// count, and the arguments of a generic type are followed only where that type serializes the parameter.
    /// </remarks>
    private sealed class Expansion(Compilation compilation, SerializationWork work)
    {
        private readonly Dictionary<INamedTypeSymbol, List<SlotLink>> _links = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<INamedTypeSymbol, HashSet<int>> _serializedSlots = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<INamedTypeSymbol, IPropertySymbol?> _expanding = new(SymbolEqualityComparer.Default);

        /// <summary>For a definition that expands without end, a member whose type grows its arguments; null for one that does not.</summary>
        public IPropertySymbol? ExpandingMember(INamedTypeSymbol definition, CancellationToken cancellationToken)
        {
            if (!_expanding.TryGetValue(definition, out var member))
            {
                Examine(definition, cancellationToken);
                member = _expanding[definition];
            }

            return member;
        }

        // Examines every definition reachable from `start` at once: the components found are final for all of them.
        private void Examine(INamedTypeSymbol start, CancellationToken cancellationToken)
        {
            var definitions = new List<INamedTypeSymbol> { start };
            var reached = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { start };
            for (var i = 0; i < definitions.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var link in Links(definitions[i], cancellationToken))
                {
                    if (!_expanding.ContainsKey(link.To.Definition) && reached.Add(link.To.Definition))
                    {
                        definitions.Add(link.To.Definition);
                    }
                }
            }

            // Tarjan over the slots of these definitions, on an explicit stack.
            var slots = new List<Slot>();
            var slotIndex = new Dictionary<Slot, int>();
            foreach (var definition in definitions)
            {
                for (var k = 0; k < AllTypeParameters(definition).Count; k++)
                {
                    slotIndex[new Slot(definition, k)] = slots.Count;
                    slots.Add(new Slot(definition, k));
                }
            }

            var outgoing = new List<SlotLink>[slots.Count];
            for (var i = 0; i < slots.Count; i++)
            {
                outgoing[i] = new List<SlotLink>();
            }

            foreach (var definition in definitions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var link in Links(definition, cancellationToken))
                {
                    if (slotIndex.ContainsKey(link.To))
                    {
                        outgoing[slotIndex[link.From]].Add(link);
                    }
                }
            }

            var component = Components(slots.Count, i => outgoing[i].Select(l => slotIndex[l.To]), cancellationToken);
            foreach (var definition in definitions)
            {
                _expanding[definition] = null;
            }

            // A growing link inside one component makes every definition with a slot in that component expand;
            // the member named is a growing one of the definition itself where it has one.
            var growing = new Dictionary<int, List<SlotLink>>();
            for (var i = 0; i < slots.Count; i++)
            {
                foreach (var link in outgoing[i].Where(l => l.Grows && component[slotIndex[l.To]] == component[i]))
                {
                    if (!growing.TryGetValue(component[i], out var links))
                    {
                        growing[component[i]] = links = new List<SlotLink>();
                    }

                    links.Add(link);
                }
            }

            for (var i = 0; i < slots.Count; i++)
            {
                if (growing.TryGetValue(component[i], out var links) && _expanding[slots[i].Definition] is null)
                {
                    var own = links.FirstOrDefault(l => SymbolEqualityComparer.Default.Equals(l.From.Definition, slots[i].Definition)) ?? links[0];
                    _expanding[slots[i].Definition] = own.Via;
                }
            }
        }

        // The links out of one definition's slots, through its serialized members.
        private List<SlotLink> Links(INamedTypeSymbol definition, CancellationToken cancellationToken)
        {
            if (_links.TryGetValue(definition, out var links))
            {
                return links;
            }

            work.ExaminedDefinitions++;
            links = new List<SlotLink>();
            var parameters = AllTypeParameters(definition);
            foreach (var member in SelectMembers(definition, compilation, cancellationToken).Members)
            {
                if (NestingDepth(member.Property.Type, MaxNesting) <= MaxNesting)
                {
                    Follow(member.Property.Type, member.Property, definition, parameters, links, cancellationToken);
                }
            }

            _links.Add(definition, links);
            return links;
        }

        // Follows a member type the way the walker shapes it (arrays, collections, nullable values, and the arguments
        // a generic type serializes), linking each generic user type met to the slots whose parameters it mentions.
        private void Follow(ITypeSymbol type, IPropertySymbol via, INamedTypeSymbol definition, List<ITypeParameterSymbol> parameters, List<SlotLink> links, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (type is IArrayTypeSymbol array)
            {
                Follow(array.ElementType, via, definition, parameters, links, cancellationToken);
                return;
            }

            if (type is not INamedTypeSymbol named || named.TypeKind == TypeKind.Error)
            {
                return;
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T || FullName(named.OriginalDefinition) is "System.Collections.Generic.List`1" or "System.Collections.Generic.IReadOnlyList`1")
            {
                Follow(named.TypeArguments[0], via, definition, parameters, links, cancellationToken);
                return;
            }

            if (FullName(named.OriginalDefinition) == "System.Collections.Generic.Dictionary`2")
            {
                Follow(named.TypeArguments[1], via, definition, parameters, links, cancellationToken);
                return;
            }

            if (!IsGeneric(named) || named.IsTupleType || IsFrameworkType(named) || named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || named.IsAbstract)
            {
                return;
            }

            var target = named.OriginalDefinition;
            var arguments = AllTypeArguments(named);
            var serialized = SerializedSlots(target, cancellationToken);
            for (var k = 0; k < arguments.Count; k++)
            {
                foreach (var parameter in TypeParametersIn(arguments[k]))
                {
                    var from = parameters.FindIndex(p => SymbolEqualityComparer.Default.Equals(p, parameter));
                    if (from >= 0)
                    {
                        links.Add(new SlotLink(new Slot(definition, from), new Slot(target, k), !SymbolEqualityComparer.Default.Equals(arguments[k], parameter), via));
                    }
                }

                if (serialized.Contains(k))
                {
                    Follow(arguments[k], via, definition, parameters, links, cancellationToken);
                }
            }
        }

        // The slots of a definition whose type parameters occur in its serialized members' types.
        private HashSet<int> SerializedSlots(INamedTypeSymbol definition, CancellationToken cancellationToken)
        {
            if (!_serializedSlots.TryGetValue(definition, out var slots))
            {
                var parameters = AllTypeParameters(definition);
                slots = new HashSet<int>();
                foreach (var member in SelectMembers(definition, compilation, cancellationToken).Members)
                {
                    if (NestingDepth(member.Property.Type, MaxNesting) <= MaxNesting)
                    {
                        foreach (var parameter in TypeParametersIn(member.Property.Type))
                        {
                            slots.Add(parameters.FindIndex(p => SymbolEqualityComparer.Default.Equals(p, parameter)));
                        }
                    }
                }

                _serializedSlots.Add(definition, slots);
            }

            return slots;
        }

        /// <summary>A type parameter position of a generic definition (its containing types' parameters first).</summary>
        private sealed record Slot(INamedTypeSymbol Definition, int Index)
        {
            public bool Equals(Slot? other) => other is not null && Index == other.Index && SymbolEqualityComparer.Default.Equals(Definition, other.Definition);

            public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(Definition) * 31 + Index;
        }

        /// <summary>A link from one slot to another through member <see cref="Via"/>; <see cref="Grows"/> when the argument is more than the parameter.</summary>
        private sealed record SlotLink(Slot From, Slot To, bool Grows, IPropertySymbol Via);
    }

    /// <summary>
    /// The strongly connected components of a graph of <paramref name="count"/> nodes (Tarjan, on an explicit
    /// stack): for each node, the number of its component.
    /// </summary>
    private static int[] Components(int count, System.Func<int, IEnumerable<int>> successors, CancellationToken cancellationToken)
    {
        var index = Enumerable.Repeat(-1, count).ToArray();
        var low = new int[count];
        var component = Enumerable.Repeat(-1, count).ToArray();
        var stack = new Stack<int>();
        var onStack = new bool[count];
        var next = 0;
        var components = 0;
        for (var start = 0; start < count; start++)
        {
            if (index[start] >= 0)
            {
                continue;
            }

            var calls = new Stack<(int Node, IEnumerator<int> Successors)>();
            Enter(start);
            while (calls.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (node, rest) = calls.Peek();
                if (rest.MoveNext())
                {
                    var successor = rest.Current;
                    if (index[successor] < 0)
                    {
                        Enter(successor);
                    }
                    else if (onStack[successor])
                    {
                        low[node] = System.Math.Min(low[node], index[successor]);
                    }

                    continue;
                }

                calls.Pop();
                if (calls.Count > 0)
                {
                    var caller = calls.Peek().Node;
                    low[caller] = System.Math.Min(low[caller], low[node]);
                }

                if (low[node] == index[node])
                {
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component[member] = components;
                    }
                    while (member != node);
                    components++;
                }
            }

            void Enter(int node)
            {
                index[node] = low[node] = next++;
                stack.Push(node);
                onStack[node] = true;
                calls.Push((node, successors(node).GetEnumerator()));
            }
        }

        return component;
    }

    /// <summary>Whether a type or one of its containing types has type arguments.</summary>
    private static bool IsGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeArguments.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The type arguments of a type and its containing types, outermost first.</summary>
    private static List<ITypeSymbol> AllTypeArguments(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            chain.Add(current);
        }

        chain.Reverse();
        return chain.SelectMany(t => t.TypeArguments).ToList();
    }

    /// <summary>The type parameters of a definition and its containing types, outermost first (the slots of <see cref="AllTypeArguments"/>).</summary>
    private static List<ITypeParameterSymbol> AllTypeParameters(INamedTypeSymbol definition) =>
        AllTypeArguments(definition.OriginalDefinition).OfType<ITypeParameterSymbol>().ToList();

    // Every type parameter occurring in a type (callers check its nesting first, so this recursion is bounded).
    private static IEnumerable<ITypeParameterSymbol> TypeParametersIn(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol parameter => new[] { parameter },
        IArrayTypeSymbol array => TypeParametersIn(array.ElementType),
        INamedTypeSymbol named => AllTypeArguments(named).SelectMany(TypeParametersIn),
        _ => Enumerable.Empty<ITypeParameterSymbol>(),
    };

    /// <summary>
    /// How deeply a type nests arrays, collections, nullable values and type arguments (<c>int</c> is 1,
    /// <c>List&lt;int[]&gt;</c> is 3), counted no further than <paramref name="limit"/> + 1: the recursion never goes
    /// deeper than that, whatever the type.
    /// </summary>
    private static int NestingDepth(ITypeSymbol type, int limit)
    {
        if (limit < 0)
        {
            return 1;
        }

        var inner = 0;
        switch (type)
        {
            case IArrayTypeSymbol array:
                inner = NestingDepth(array.ElementType, limit - 1);
                break;
            case INamedTypeSymbol named:
                for (var current = named; current is not null && inner < limit; current = current.ContainingType)
                {
                    foreach (var argument in current.TypeArguments)
                    {
                        inner = System.Math.Max(inner, NestingDepth(argument, limit - 1));
                    }
                }

                break;
        }

        return inner + 1;
    }

    /// <summary>A type's name with its arguments shown three levels deep (<c>List&lt;List&lt;List&lt;…&gt;&gt;&gt;</c>), for messages about types too deep to spell.</summary>
    private static string Abbreviate(ITypeSymbol type)
    {
        var text = new StringBuilder();
        Append(type, 3);
        return text.ToString();

        void Append(ITypeSymbol current, int levels)
        {
            if (levels == 0)
            {
                text.Append('…');
            }
            else if (current is IArrayTypeSymbol array)
            {
                Append(array.ElementType, levels - 1);
                text.Append("[]");
            }
            else if (current is INamedTypeSymbol { TypeArguments.Length: > 0 } named)
            {
                text.Append(named.Name).Append('<');
                for (var i = 0; i < named.TypeArguments.Length; i++)
                {
                    text.Append(i > 0 ? ", " : "");
                    Append(named.TypeArguments[i], levels - 1);
                }

                text.Append('>');
            }
            else
            {
                text.Append(current.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
            }
        }
    }
}
