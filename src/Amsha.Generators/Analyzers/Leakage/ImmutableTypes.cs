using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// A conservative "cannot change after construction" test for AMSHA103: primitives, strings, enums,
/// delegates, readonly structs, immutable and frozen collections, read-only collection interfaces,
/// well-known immutable BCL types, and source types whose instance fields are all readonly.
/// </summary>
internal static class ImmutableTypes
{
    public static bool IsImmutable(ITypeSymbol type)
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
                return type is INamedTypeSymbol { TypeArguments.Length: 1 } nullable && IsImmutable(nullable.TypeArguments[0]);
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

        // Own types (records, classes) are immutable when every instance field is readonly, auto-property backing fields included.
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named && named.Locations.Length > 0 && named.Locations[0].IsInSource)
        {
            foreach (var member in named.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsReadOnly: false, IsConst: false })
                {
                    return false;
                }
            }

            return named.BaseType is null || named.BaseType.SpecialType == SpecialType.System_Object || IsImmutable(named.BaseType);
        }

        return false;
    }
}
