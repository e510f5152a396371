using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    /// <summary>One enum or object type of the compilation that a codec is (or would be) emitted for.</summary>
    private sealed class TypeNode(INamedTypeSymbol symbol, string codecName)
    {
        public INamedTypeSymbol Symbol { get; } = symbol;

        public string CodecName { get; } = codecName;

        public bool IsEnum => Symbol.TypeKind == TypeKind.Enum;

        /// <summary>What describing it found; null until it is described (once per compilation).</summary>
        public Description? Description { get; set; }

        /// <summary>Whether it and every type it reaches can be serialized; null until known.</summary>
        public bool? ClosureIsSerializable { get; set; }

        /// <summary>Its codec's model, built once when first needed.</summary>
        public SerializableTypeModel? Model { get; set; }
    }

    /// <summary>
    /// Something met while describing a type, in member order: another type its codec uses (<see cref="Use"/>), or
    /// a problem (<see cref="Reason"/>). <see cref="Suffix"/> is the member path below the described type
    /// (<c>.Author</c>), or empty for the type itself.
    /// </summary>
    private readonly struct WalkStep(TypeNode? use, string suffix, string? reason)
    {
        public TypeNode? Use { get; } = use;

        public string Suffix { get; } = suffix;

        public string? Reason { get; } = reason;
    }

    /// <summary>What describing one type (or a root's type reference) found: the facts its codec is built from.</summary>
    private sealed class Description
    {
        public List<WalkStep> Steps { get; } = new();

        public bool HasProblems { get; private set; }

        public List<MemberModel> Members { get; } = new();

        public int[] ConstructorOrder { get; set; } = new int[0];

        public List<string> EnumMembers { get; } = new();

        public string EnumUnderlyingType { get; set; } = "int";

        public void Use(TypeNode node, string suffix) => Steps.Add(new WalkStep(node, suffix, null));

        public TypeShape? Problem(string suffix, string reason)
        {
            Steps.Add(new WalkStep(null, suffix, reason));
            HasProblems = true;
            return null;
        }

        public bool HasMemberProblems => Steps.Any(s => s.Reason is not null && s.Suffix.Length > 0);
    }

    private sealed partial class TypeGraph
    {
        /// <summary>Reads a type's members (or enum values) and shapes each member type; the types they use are only named, not walked.</summary>
        private Description Describe(TypeNode node, CancellationToken cancellationToken)
        {
            var description = new Description();
            Work.DescribedTypes++;
            var type = node.Symbol;
            if (node.IsEnum)
            {
                description.EnumUnderlyingType = type.EnumUnderlyingType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "int";
                var seen = new HashSet<object>();
                foreach (var member in type.GetMembers().OfType<IFieldSymbol>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (member.HasConstantValue && member.ConstantValue is { } value && seen.Add(value))
                    {
                        description.EnumMembers.Add(member.Name);
                    }
                }

                return description;
            }

            var data = SelectMembers(type, _compilation, cancellationToken);
            if (data.Constructor is null)
            {
                description.Problem("", $"type '{Display(type)}' has no usable constructor: it needs an accessible parameterless constructor, or one whose parameters all match serialized properties by name");
                return description;
            }

            description.ConstructorOrder = new int[data.Constructor.Parameters.Length];
            var jsonNames = new HashSet<string>();
            foreach (var member in data.Members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var property = member.Property;
                var suffix = "." + property.Name;
                var shape = MemberShape(property.Type, suffix, description, cancellationToken);
                if (shape is null)
                {
                    continue;
                }

                var jsonName = JsonName(property);
                if (!jsonNames.Add(jsonName))
                {
                    description.Problem(suffix, $"JSON name '{jsonName}' is used by two members of '{Display(type)}'; give one a different [JsonPropertyName]");
                    continue;
                }

                if (member.Parameter is { } parameter)
                {
                    description.ConstructorOrder[member.ParameterIndex] = description.Members.Count;
                }

                var defaultValue = member.Parameter is { HasExplicitDefaultValue: true } optional ? DefaultValue(optional) : null;
                description.Members.Add(new MemberModel(property.Name, jsonName, property.Type.ToDisplayString(TypeFormat), shape, member.Init, member.Required, defaultValue));
            }

            if (data.ReadableProperties == 0 || description.Members.Count == 0 && !description.HasMemberProblems)
            {
                description.Problem("", $"type '{Display(type)}' has no readable members: it needs public properties that are set through the constructor or a setter");
            }

            return description;
        }

        /// <summary>The shape of a member's (or a root's) type: first whether it nests too deeply, then level by level.</summary>
        private TypeShape? MemberShape(ITypeSymbol type, string suffix, Description into, CancellationToken cancellationToken) =>
            NestingDepth(type, MaxNesting) > MaxNesting ? into.Problem(suffix, TooDeep(type)) : Shape(type, suffix, into, cancellationToken);

        private static string TooDeep(ITypeSymbol type) =>
            $"type '{Abbreviate(type)}' nests deeper than {MaxNesting} levels (arrays, collections, nullable values and type arguments); flatten it, or wrap some levels in records";

        // Recursion follows one type reference's arrays, collections and nullable values only (at most MaxNesting
        // levels, checked before); the enum and object types it meets become steps, walked later with a stack.
        private TypeShape? Shape(ITypeSymbol type, string suffix, Description into, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Work.ShapedTypeReferences++;
            var referenceAcceptsNull = type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated;

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean: return Simple(ShapeKind.Boolean);
                case SpecialType.System_Byte: return Simple(ShapeKind.Byte);
                case SpecialType.System_SByte: return Simple(ShapeKind.SByte);
                case SpecialType.System_Int16: return Simple(ShapeKind.Int16);
                case SpecialType.System_UInt16: return Simple(ShapeKind.UInt16);
                case SpecialType.System_Int32: return Simple(ShapeKind.Int32);
                case SpecialType.System_UInt32: return Simple(ShapeKind.UInt32);
                case SpecialType.System_Int64: return Simple(ShapeKind.Int64);
                case SpecialType.System_UInt64: return Simple(ShapeKind.UInt64);
                case SpecialType.System_Single: return Simple(ShapeKind.Single);
                case SpecialType.System_Double: return Simple(ShapeKind.Double);
                case SpecialType.System_Decimal: return Simple(ShapeKind.Decimal);
                case SpecialType.System_Char: return Simple(ShapeKind.Char);
                case SpecialType.System_String: return new TypeShape(ShapeKind.String, null, null, referenceAcceptsNull);
                case SpecialType.System_DateTime: return Simple(ShapeKind.DateTime);
            }

            if (type is IArrayTypeSymbol array)
            {
                if (array.Rank != 1)
                {
                    return into.Problem(suffix, $"multi-dimensional array '{Display(type)}' is not supported; use a jagged array or a list of lists");
                }

                var element = Shape(array.ElementType, suffix, into, cancellationToken);
                return element is null ? null : new TypeShape(ShapeKind.Array, null, element, referenceAcceptsNull);
            }

            if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
            {
                return into.Problem(suffix, $"type '{Display(type)}' is not supported (type parameters, pointers and dynamic cannot be serialized at compile time)");
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                var inner = Shape(named.TypeArguments[0], suffix, into, cancellationToken);
                return inner is null ? null : new TypeShape(ShapeKind.Nullable, null, inner, true);
            }

            switch (FullName(named.OriginalDefinition))
            {
                case "System.DateTimeOffset": return Simple(ShapeKind.DateTimeOffset);
                case "System.TimeSpan": return Simple(ShapeKind.TimeSpan);
                case "System.Guid": return Simple(ShapeKind.Guid);
                case "System.Collections.Generic.List`1":
                case "System.Collections.Generic.IReadOnlyList`1":
                {
                    var element = Shape(named.TypeArguments[0], suffix, into, cancellationToken);
                    var kind = named.TypeKind == TypeKind.Interface ? ShapeKind.ReadOnlyList : ShapeKind.List;
                    return element is null ? null : new TypeShape(kind, null, element, referenceAcceptsNull);
                }

                case "System.Collections.Generic.Dictionary`2":
                {
                    if (named.TypeArguments[0].SpecialType != SpecialType.System_String)
                    {
                        return into.Problem(suffix, $"dictionary '{Display(type)}' has keys of type '{Display(named.TypeArguments[0])}'; only Dictionary<string, T> is supported (JSON object keys are strings)");
                    }

                    var value = Shape(named.TypeArguments[1], suffix, into, cancellationToken);
                    return value is null ? null : new TypeShape(ShapeKind.Dictionary, null, value, referenceAcceptsNull);
                }
            }

            if (named.IsTupleType || IsFrameworkType(named) || named.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Enum))
            {
                return into.Problem(suffix, $"type '{Display(type)}' is not supported; use primitives, string, enums, DateTime, DateTimeOffset, TimeSpan, Guid, arrays, List<T>, IReadOnlyList<T>, Dictionary<string, T> or your own records and classes");
            }

            if (named.IsAbstract || named.IsStatic || named.IsUnboundGenericType || !HasConcreteTypeArguments(named))
            {
                return into.Problem(suffix, $"type '{Display(type)}' is abstract, static or open generic; a concrete type is needed to create instances");
            }

            if (!HasFullName(named))
            {
                // Half-typed code (`namespace ;`, `record (int X)`): the compiler reports it; nothing can be generated.
                return into.Problem(suffix, $"type '{Display(type)}' has no complete name yet");
            }

            if (!_compilation.IsSymbolAccessibleWithin(named, _compilation.Assembly))
            {
                return into.Problem(suffix, $"type '{Display(type)}' is not accessible from generated code; make it internal or public");
            }

            if (IsGeneric(named) && _expansion.ExpandingMember(named.OriginalDefinition, cancellationToken) is { } growth)
            {
                return into.Problem(suffix, $"type '{Display(type)}' expands without end: member '{Display(growth.ContainingType)}.{growth.Name}' is of type '{Display(growth.Type)}', so every level needs a new, larger type argument and no serializer can cover them all; give that member a type whose type arguments do not grow");
            }

            var node = Node(named);
            into.Use(node, suffix);
            return new TypeShape(node.IsEnum ? ShapeKind.Enum : ShapeKind.Object, node.CodecName, null, referenceAcceptsNull);

            TypeShape Simple(ShapeKind kind) => new(kind, null, null, false);
        }

        /// <summary>
        /// Whether every type argument, at any depth (<c>G&lt;List&lt;T&gt;&gt;</c>, <c>G&lt;Missing&gt;</c>), is a real,
        /// closed type. Generated code spells the whole type, so one type parameter or unresolved name anywhere in it
        /// would not compile, even where no member uses it. Bounded: member types were checked against MaxNesting.
        /// </summary>
        private static bool HasConcreteTypeArguments(INamedTypeSymbol type)
        {
            var pending = new Stack<ITypeSymbol>();
            for (var current = type; current is not null; current = current.ContainingType)
            {
                foreach (var argument in current.TypeArguments)
                {
                    pending.Push(argument);
                }
            }

            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case ITypeParameterSymbol:
                    case { TypeKind: TypeKind.Error }:
                        return false;
                    case IArrayTypeSymbol array:
                        pending.Push(array.ElementType);
                        break;
                    case INamedTypeSymbol named:
                        for (var current = named; current is not null; current = current.ContainingType)
                        {
                            foreach (var argument in current.TypeArguments)
                            {
                                pending.Push(argument);
                            }
                        }

                        break;
                }
            }

            return true;
        }

        /// <summary>Whether the type, its containing types and its namespaces all have names, so generated code can spell it.</summary>
        private static bool HasFullName(INamedTypeSymbol type)
        {
            for (ISymbol? current = type; current is not null && current is not INamespaceSymbol { IsGlobalNamespace: true }; current = current.ContainingSymbol)
            {
                if (current.Name.Length == 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The codec model of a described, serializable type.</summary>
        private SerializableTypeModel Model(TypeNode node, CancellationToken cancellationToken)
        {
            if (node.Model is { } built)
            {
                return built;
            }

            var description = node.Description!;
            var type = node.Symbol.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            node.Model = new SerializableTypeModel(
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                node.Symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                node.CodecName,
                HintName(type),
                node.IsEnum ? CodecKind.Enum : CodecKind.Object,
                node.Symbol.IsValueType,
                description.EnumUnderlyingType,
                description.EnumMembers.Select(m => new EnumMemberModel(m)).ToEquatableArray(),
                description.Members.ToEquatableArray(),
                description.ConstructorOrder.ToEquatableArray(),
                null,
                SchemaBuilder.Describe(node.CodecName, node.IsEnum, description, cancellationToken));
            return node.Model;
        }

        /// <summary>The codec model of a collection root (an array, list or dictionary), which has a codec of its own.</summary>
        private static SerializableTypeModel CollectionModel(ITypeSymbol root, TypeShape shape, CancellationToken cancellationToken)
        {
            var type = root.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var codecName = CodecName(type);
            return new SerializableTypeModel(
                type.ToDisplayString(TypeFormat),
                type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                codecName,
                HintName(type),
                CodecKind.Collection,
                false,
                "int",
                EquatableArray<EnumMemberModel>.Empty,
                EquatableArray<MemberModel>.Empty,
                EquatableArray<int>.Empty,
                shape,
                SchemaBuilder.Describe(codecName, shape, cancellationToken));
        }
    }
}
