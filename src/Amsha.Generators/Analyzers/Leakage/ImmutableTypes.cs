using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// A conservative "cannot change after construction" test for AMSHA103: primitives, strings, enums,
/// delegates, readonly structs, immutable and frozen collections, read-only collection interfaces,
/// well-known immutable BCL types, and source types whose instance fields are all readonly (and whose
/// base types are immutable, up to <see cref="MaxBaseTypes"/> of them; beyond, the type counts as mutable).
/// One instance per compilation: each type is answered once.
/// </summary>
internal sealed class ImmutableTypes(AnalysisWork? work)
{
    public const int MaxBaseTypes = 64;

    private readonly AnalysisCache<ITypeSymbol, bool> _answers = new(SymbolEqualityComparer.Default);

    public bool IsImmutable(ITypeSymbol type, CancellationToken cancellationToken)
    {
        if (_answers.TryGet(type, out var known))
        {
            return known;
        }

        // A source type is immutable when it and each of its base types are: the chain is walked in a loop
        // (not by recursion), and every type on it gets the same answer.
        var chain = new List<ITypeSymbol>();
        var visited = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        var answer = false;
        var current = type;
        while (true)
        {
            work.Step(WorkKind.Types, cancellationToken);
            if (_answers.TryGet(current, out known))
            {
                answer = known;
                break;
            }

            if (chain.Count >= MaxBaseTypes || !visited.Add(current))
            {
                break;
            }

            chain.Add(current);
            if (Shallow(current, cancellationToken) is { } decided)
            {
                answer = decided;
                break;
            }

            // Own types (records, classes) are immutable when every instance field is readonly, auto-property backing fields included.
            var named = (INamedTypeSymbol)current;
            if (HasMutableInstanceField(named, cancellationToken))
            {
                break;
            }

            if (named.BaseType is not { } baseType || baseType.SpecialType == SpecialType.System_Object)
            {
                answer = true;
                break;
            }

            current = baseType;
        }

        // A chain cut short at MaxBaseTypes says nothing about the types deeper in it: only the first is answered,
        // so the answer for each type never depends on which one was asked first.
        foreach (var walked in chain.Count >= MaxBaseTypes ? chain.Take(1) : chain)
        {
            _answers.Set(walked, answer);
        }

        return answer;
    }

    /// <summary>The answer for <paramref name="type"/> itself; null for a source class or struct, which depends on its fields and base type.</summary>
    private bool? Shallow(ITypeSymbol type, CancellationToken cancellationToken)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return true;
        }

        switch (type.OriginalDefinition.SpecialType)
        {
            case SpecialType.System_Nullable_T:
                return type is INamedTypeSymbol { TypeArguments.Length: 1 } nullable && IsImmutable(nullable.TypeArguments[0], cancellationToken);
            case SpecialType.System_Collections_Generic_IEnumerable_T:
            case SpecialType.System_Collections_Generic_IReadOnlyList_T:
            case SpecialType.System_Collections_Generic_IReadOnlyCollection_T:
                return true;
        }

        if (type.TypeKind is TypeKind.Enum or TypeKind.Delegate || type is INamedTypeSymbol { IsValueType: true, IsReadOnly: true })
        {
            return true;
        }

        var name = type.OriginalDefinition.ToDisplayString();
        var containingNamespace = type.ContainingNamespace?.ToDisplayString();
        if (containingNamespace is "System.Collections.Immutable" or "System.Collections.Frozen")
        {
            return true;
        }

        switch (name)
        {
            case "System.Guid":
            case "System.TimeSpan":
            case "System.DateTimeOffset":
            case "System.DateOnly":
            case "System.TimeOnly":
            case "System.Uri":
            case "System.Type":
            case "System.Version":
            case "System.Text.RegularExpressions.Regex":
            case "System.Globalization.CultureInfo":
            case "System.Text.CompositeFormat":
            case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
            case "System.Collections.Generic.IReadOnlySet<T>":
                return true;
        }

        return type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named && named.Locations.Length > 0 && named.Locations[0].IsInSource
            ? null
            : false;
    }

    private bool HasMutableInstanceField(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var member in type.GetMembers())
        {
            work.Step(WorkKind.Symbols, cancellationToken);
            if (member is IFieldSymbol { IsStatic: false, IsReadOnly: false, IsConst: false })
            {
                return true;
            }
        }

        return false;
    }
}
