using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    private const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    private const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    private const string JsonConstructorAttribute = "System.Text.Json.Serialization.JsonConstructorAttribute";

    /// <summary>What the walker learned about one enum or object type: the facts its codec and schema are built from.</summary>
    private sealed class ObjectInfo(INamedTypeSymbol symbol, string codecName, bool isEnum)
    {
        public INamedTypeSymbol Symbol { get; } = symbol;

        public string CodecName { get; } = codecName;

        public bool IsEnum { get; } = isEnum;

        public List<MemberModel> Members { get; } = new();

        public List<int> ConstructorOrder { get; } = new();

        public List<string> EnumMembers { get; } = new();

        public string EnumUnderlyingType { get; set; } = "int";
    }

    /// <summary>
    /// Walks the symbols reachable from a root, deciding for each type reference its <see cref="TypeShape"/>
    /// and recording every problem by member path; then builds the codec models (and their schema models).
    /// </summary>
    private sealed class Walker
    {
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<ITypeSymbol, ObjectInfo> _named = new(SymbolEqualityComparer.Default);
        private readonly List<ObjectInfo> _order = new();

        public Walker(Compilation compilation, CancellationToken cancellationToken)
        {
            _compilation = compilation;
            _cancellationToken = cancellationToken;
        }

        public List<SerializationProblem> Problems { get; } = new();

        public TypeShape? Shape(ITypeSymbol type, string path)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var typeName = type.ToDisplayString(TypeFormat);
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
                case SpecialType.System_String: return new TypeShape(ShapeKind.String, typeName, null, null, referenceAcceptsNull);
                case SpecialType.System_DateTime: return Simple(ShapeKind.DateTime);
            }

            if (type is IArrayTypeSymbol array)
            {
                if (array.Rank != 1)
                {
                    return Problem(path, $"multi-dimensional array '{Display(type)}' is not supported; use a jagged array or a list of lists");
                }

                var element = Shape(array.ElementType, path);
                return element is null ? null : new TypeShape(ShapeKind.Array, typeName, null, element, referenceAcceptsNull);
            }

            if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
            {
                return Problem(path, $"type '{Display(type)}' is not supported (type parameters, pointers and dynamic cannot be serialized at compile time)");
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                var inner = Shape(named.TypeArguments[0], path);
                return inner is null ? null : new TypeShape(ShapeKind.Nullable, typeName, null, inner, true);
            }

            switch (FullName(named.OriginalDefinition))
            {
                case "System.DateTimeOffset": return Simple(ShapeKind.DateTimeOffset);
                case "System.TimeSpan": return Simple(ShapeKind.TimeSpan);
                case "System.Guid": return Simple(ShapeKind.Guid);
                case "System.Collections.Generic.List`1":
                case "System.Collections.Generic.IReadOnlyList`1":
                {
                    var element = Shape(named.TypeArguments[0], path);
                    var kind = named.TypeKind == TypeKind.Interface ? ShapeKind.ReadOnlyList : ShapeKind.List;
                    return element is null ? null : new TypeShape(kind, typeName, null, element, referenceAcceptsNull);
                }

                case "System.Collections.Generic.Dictionary`2":
                {
                    if (named.TypeArguments[0].SpecialType != SpecialType.System_String)
                    {
                        return Problem(path, $"dictionary '{Display(type)}' has keys of type '{Display(named.TypeArguments[0])}'; only Dictionary<string, T> is supported (JSON object keys are strings)");
                    }

                    var value = Shape(named.TypeArguments[1], path);
                    return value is null ? null : new TypeShape(ShapeKind.Dictionary, typeName, null, value, referenceAcceptsNull);
                }
            }

            if (named.IsTupleType || IsFrameworkType(named) || named.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Enum))
            {
                return Problem(path, $"type '{Display(type)}' is not supported; use primitives, string, enums, DateTime, DateTimeOffset, TimeSpan, Guid, arrays, List<T>, IReadOnlyList<T>, Dictionary<string, T> or your own records and classes");
            }

            if (named.IsAbstract || named.IsStatic || named.IsUnboundGenericType || named.TypeArguments.Any(t => t is ITypeParameterSymbol))
            {
                return Problem(path, $"type '{Display(type)}' is abstract, static or open generic; a concrete type is needed to create instances");
            }

            if (!_compilation.IsSymbolAccessibleWithin(named, _compilation.Assembly))
            {
                return Problem(path, $"type '{Display(type)}' is not accessible from generated code; make it internal or public");
            }

            var definitionKey = named.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            if (!_named.TryGetValue(definitionKey, out var info))
            {
                info = new ObjectInfo(named, CodecName(named), named.TypeKind == TypeKind.Enum);
                _named.Add(definitionKey, info);
                _order.Add(info);
                if (info.IsEnum)
                {
                    DescribeEnum(info);
                }
                else
                {
                    DescribeObject(info, path);
                }
            }

            return new TypeShape(info.IsEnum ? ShapeKind.Enum : ShapeKind.Object, typeName, info.CodecName, null, referenceAcceptsNull);

            TypeShape Simple(ShapeKind kind) => new(kind, typeName, null, null, false);
        }

        private TypeShape? Problem(string path, string reason)
        {
            Problems.Add(new SerializationProblem(path, reason));
            return null;
        }

        private static void DescribeEnum(ObjectInfo info)
        {
            info.EnumUnderlyingType = info.Symbol.EnumUnderlyingType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "int";
            var seen = new HashSet<object>();
            foreach (var member in info.Symbol.GetMembers().OfType<IFieldSymbol>())
            {
                if (member.HasConstantValue && member.ConstantValue is { } value && seen.Add(value))
                {
                    info.EnumMembers.Add(member.Name);
                }
            }
        }

        private void DescribeObject(ObjectInfo info, string path)
        {
            var type = info.Symbol;
            var properties = new List<IPropertySymbol>();
            var names = new HashSet<string>();
            for (var current = type; current is not null && current.SpecialType == SpecialType.None && !IsFrameworkType(current); current = current.BaseType)
            {
                foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
                {
                    if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                        || property.GetMethod is null || !_compilation.IsSymbolAccessibleWithin(property.GetMethod, _compilation.Assembly)
                        || HasAttribute(property, JsonIgnoreAttribute) || !names.Add(property.Name))
                    {
                        continue;
                    }

                    properties.Add(property);
                }
            }

            var constructor = ChooseConstructor(type, properties);
            if (constructor is null)
            {
                Problems.Add(new SerializationProblem(path, $"type '{Display(type)}' has no usable constructor: it needs an accessible parameterless constructor, or one whose parameters all match serialized properties by name"));
                return;
            }

            var parameterIndex = new Dictionary<string, int>();
            for (var i = 0; i < constructor.Parameters.Length; i++)
            {
                parameterIndex[constructor.Parameters[i].Name.ToUpperInvariant()] = i;
            }

            var constructorOrder = new int[constructor.Parameters.Length];
            var jsonNames = new HashSet<string>();
            foreach (var property in properties)
            {
                MemberInit init;
                var required = false;
                string? defaultValue = null;
                if (parameterIndex.TryGetValue(property.Name.ToUpperInvariant(), out var index))
                {
                    var parameter = constructor.Parameters[index];
                    init = MemberInit.Constructor;
                    required = !parameter.HasExplicitDefaultValue;
                    defaultValue = parameter.HasExplicitDefaultValue ? DefaultValue(parameter) : null;
                    constructorOrder[index] = info.Members.Count;
                }
                else if (property.SetMethod is { } setter && _compilation.IsSymbolAccessibleWithin(setter, _compilation.Assembly))
                {
                    var acceptsNull = !property.Type.IsValueType && property.Type.NullableAnnotation != NullableAnnotation.NotAnnotated
                        || property.Type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
                    if (property.IsRequired)
                    {
                        init = MemberInit.Initializer;
                        required = true;
                    }
                    else if (setter.IsInitOnly)
                    {
                        // An init-only property can only be set in the initializer, where an absent value would
                        // overwrite its declared default: it is required unless null is an acceptable value.
                        init = MemberInit.Initializer;
                        required = !acceptsNull;
                    }
                    else
                    {
                        init = MemberInit.Assignment;
                    }
                }
                else
                {
                    // Get-only and not a constructor parameter: computed, so it is not part of the data.
                    continue;
                }

                var memberPath = path + "." + property.Name;
                var shape = Shape(property.Type, memberPath);
                if (shape is null)
                {
                    continue;
                }

                var jsonName = JsonName(property);
                if (!jsonNames.Add(jsonName))
                {
                    Problems.Add(new SerializationProblem(memberPath, $"JSON name '{jsonName}' is used by two members of '{Display(type)}'; give one a different [JsonPropertyName]"));
                    continue;
                }

                info.Members.Add(new MemberModel(property.Name, jsonName, shape, init, required, defaultValue));
            }

            info.ConstructorOrder.AddRange(constructorOrder);
            if (properties.Count == 0 || info.Members.Count == 0 && !Problems.Any(p => p.MemberPath.StartsWith(path + ".", System.StringComparison.Ordinal)))
            {
                Problems.Add(new SerializationProblem(path, $"type '{Display(type)}' has no readable members: it needs public properties that are set through the constructor or a setter"));
            }
        }

        private IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, List<IPropertySymbol> properties)
        {
            var propertyNames = new HashSet<string>(properties.Select(p => p.Name.ToUpperInvariant()));
            var candidates = type.InstanceConstructors
                .Where(c => _compilation.IsSymbolAccessibleWithin(c, _compilation.Assembly))
                .Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type)))
                .ToList();

            bool Usable(IMethodSymbol c) => c.Parameters.All(p => p.RefKind == RefKind.None && propertyNames.Contains(p.Name.ToUpperInvariant()));

            var marked = candidates.FirstOrDefault(c => HasAttribute(c, JsonConstructorAttribute));
            if (marked is not null)
            {
                return Usable(marked) ? marked : null;
            }

            // Structs always have an implicit parameterless constructor; an explicit one wins over it.
            var explicitOnes = type.IsValueType ? candidates.Where(c => !c.IsImplicitlyDeclared).ToList() : candidates;
            var parameterless = candidates.FirstOrDefault(c => c.Parameters.Length == 0 && !(type.IsValueType && c.IsImplicitlyDeclared));
            if (parameterless is not null)
            {
                return parameterless;
            }

            var best = explicitOnes.Where(Usable).OrderByDescending(c => c.Parameters.Length).FirstOrDefault();
            return best ?? candidates.FirstOrDefault(c => c.Parameters.Length == 0);
        }

        private static string JsonName(IPropertySymbol property)
        {
            foreach (var attribute in property.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == JsonPropertyNameAttribute
                    && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name && name.Length > 0)
                {
                    return name;
                }
            }

            return CamelCase(property.Name);
        }

        private static bool HasAttribute(ISymbol symbol, string fullName) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == fullName);

        private static string DefaultValue(IParameterSymbol parameter)
        {
            var type = parameter.Type.ToDisplayString(TypeFormat);
            var value = parameter.ExplicitDefaultValue;
            if (value is null)
            {
                return "default!";
            }

            if (parameter.Type.TypeKind == TypeKind.Enum)
            {
                return $"({type})({SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false)})";
            }

            return value switch
            {
                string text => CodeText.Literal(text),
                char c => SymbolDisplay.FormatLiteral(c, quote: true),
                bool b => b ? "true" : "false",
                float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
                double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
                decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
                _ => $"({type})({System.Convert.ToString(value, CultureInfo.InvariantCulture)})",
            };
        }

        /// <summary>
        /// The codecs for everything reached from the root of shape <paramref name="rootShape"/>: one per enum and
        /// object type, and one for the root itself when it is a collection (an array, list or dictionary).
        /// </summary>
        public List<SerializableTypeModel> BuildModels(ITypeSymbol root, TypeShape rootShape)
        {
            var schemas = new SchemaBuilder(_order.ToDictionary(i => i.CodecName));
            var models = new List<SerializableTypeModel>();
            foreach (var info in _order)
            {
                var type = info.Symbol.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                var typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                var shape = new TypeShape(info.IsEnum ? ShapeKind.Enum : ShapeKind.Object, typeName, info.CodecName, null, false);
                models.Add(new SerializableTypeModel(
                    typeName,
                    info.Symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    info.CodecName,
                    HintName(type),
                    info.IsEnum ? CodecKind.Enum : CodecKind.Object,
                    info.Symbol.IsValueType,
                    info.EnumUnderlyingType,
                    info.EnumMembers.Select(m => new EnumMemberModel(m)).ToEquatableArray(),
                    info.Members.ToEquatableArray(),
                    info.ConstructorOrder.ToEquatableArray(),
                    null,
                    schemas.Root(shape)));
            }

            if (IsCollection(root))
            {
                var type = root.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                models.Add(new SerializableTypeModel(
                    rootShape.TypeName,
                    type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    CodecName(type),
                    HintName(type),
                    CodecKind.Collection,
                    false,
                    "int",
                    EquatableArray<EnumMemberModel>.Empty,
                    EquatableArray<MemberModel>.Empty,
                    EquatableArray<int>.Empty,
                    rootShape,
                    schemas.Root(rootShape)));
            }

            return models;
        }
    }
}
