using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Serialization;

/// <summary>The outcome of <see cref="SerializationRules.Analyze"/> for one root type.</summary>
internal sealed class SerializationAnalysis
{
    public SerializationAnalysis(TypeShape? root, List<SerializableTypeModel> types, List<SerializationProblem> problems)
    {
        Root = root;
        Types = types;
        Problems = problems;
    }

    /// <summary>The root's shape, or null when the root itself is unsupported.</summary>
    public TypeShape? Root { get; }

    /// <summary>Every enum and object type reachable from the root (empty when there are problems).</summary>
    public List<SerializableTypeModel> Types { get; }

    /// <summary>What is not serializable, by member path; empty when the root can be serialized.</summary>
    public List<SerializationProblem> Problems { get; }

    public bool IsSerializable => Root is not null && Problems.Count == 0;
}

/// <summary>
/// The single definition of what Amsha can serialize at compile time. The serializer generator
/// emits codecs from it, the crew generator decides on typed tasks with it and the AMSHA010
/// analyzer reports its problems, so the three never disagree.
/// </summary>
internal static class SerializationRules
{
    public const string GeneratedNamespace = "Amsha.Generated";

    private const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    private const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    private const string JsonConstructorAttribute = "System.Text.Json.Serialization.JsonConstructorAttribute";

    /// <summary>A TimeSpan is written in the invariant "c" format, e.g. <c>1.02:03:04.5</c>.</summary>
    public const string TimeSpanPattern = "^-?(\\\\d+\\\\.)?\\\\d{2}:\\\\d{2}:\\\\d{2}(\\\\.\\\\d{1,7})?$";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// Analyzes <paramref name="root"/> and everything reachable from it. With
    /// <paramref name="requireObjectRoot"/> (task outputs: the model answers with a JSON object),
    /// a root that is not a record, class or struct is a problem.
    /// </summary>
    public static SerializationAnalysis Analyze(ITypeSymbol root, Compilation compilation, bool requireObjectRoot, CancellationToken cancellationToken)
    {
        var walker = new Walker(compilation, cancellationToken);
        var rootPath = root.Name.Length > 0 ? root.Name : root.ToDisplayString();
        TypeShape? shape = null;
        if (requireObjectRoot && (root.TypeKind is not (TypeKind.Class or TypeKind.Struct) || root.SpecialType != SpecialType.None || IsFrameworkType(root) || root is not INamedTypeSymbol))
        {
            walker.Problems.Add(new SerializationProblem(rootPath, $"a task output must be a record, class or struct (the model answers with a JSON object), not '{Display(root)}'; wrap the value in a record"));
        }
        else
        {
            shape = walker.Shape(root.WithNullableAnnotation(NullableAnnotation.NotAnnotated), rootPath);
        }

        if (shape is null || walker.Problems.Count > 0)
        {
            return new SerializationAnalysis(shape, new List<SerializableTypeModel>(), walker.Problems);
        }

        return new SerializationAnalysis(shape, walker.BuildModels(), walker.Problems);
    }

    /// <summary>The codec class name for a type: its full name made into an identifier.</summary>
    public static string CodecName(ITypeSymbol type) => Identifier(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "")) + "JsonCodec";

    /// <summary>The JSON name of a C# member: the System.Text.Json camel-case rule.</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (char.IsSeparator(chars[i + 1]))
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    private static string Identifier(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return builder.ToString();
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    private static bool IsFrameworkType(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns is { Name: "System" or "Microsoft" };
    }

    private static string? FullName(ITypeSymbol type) => type.ContainingNamespace is null
        ? null
        : type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;

    private sealed class ObjectInfo
    {
        public ObjectInfo(INamedTypeSymbol symbol, string codecName, bool isEnum)
        {
            Symbol = symbol;
            CodecName = codecName;
            IsEnum = isEnum;
        }

        public INamedTypeSymbol Symbol { get; }

        public string CodecName { get; }

        public bool IsEnum { get; }

        public List<MemberModel> Members { get; } = new();

        public List<int> ConstructorOrder { get; } = new();

        public List<string> EnumMembers { get; } = new();

        public string EnumUnderlyingType { get; set; } = "int";
    }

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
                string text => SymbolDisplay.FormatLiteral(text, quote: true),
                char c => SymbolDisplay.FormatLiteral(c, quote: true),
                bool b => b ? "true" : "false",
                float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
                double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
                decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
                _ => $"({type})({System.Convert.ToString(value, CultureInfo.InvariantCulture)})",
            };
        }

        public List<SerializableTypeModel> BuildModels()
        {
            var byCodec = _order.ToDictionary(i => i.CodecName);
            var models = new List<SerializableTypeModel>();
            foreach (var info in _order)
            {
                var schema = new StringBuilder();
                WriteRootSchema(schema, info, byCodec);
                var typeName = info.Symbol.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                models.Add(new SerializableTypeModel(
                    typeName,
                    info.Symbol.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    info.CodecName,
                    Identifier(typeName.Replace("global::", "")).Replace('_', '.') + ".JsonCodec.g.cs",
                    info.IsEnum,
                    info.Symbol.IsValueType,
                    info.EnumUnderlyingType,
                    info.EnumMembers.Select(m => new EnumMemberModel(m)).ToEquatableArray(),
                    info.Members.ToEquatableArray(),
                    info.ConstructorOrder.ToEquatableArray(),
                    schema.ToString()));
            }

            return models;
        }

        // The root's schema, with "$defs" for the recursive types it contains (each rendered in full once).
        private static void WriteRootSchema(StringBuilder s, ObjectInfo root, Dictionary<string, ObjectInfo> byCodec)
        {
            var context = new SchemaContext();
            var body = new StringBuilder();
            WriteNamedSchema(body, root, byCodec, context);
            if (context.Needed.Count == 0)
            {
                s.Append(body);
                return;
            }

            var defs = new StringBuilder();
            for (var i = 0; i < context.Needed.Count; i++)
            {
                var name = context.Needed[i];
                defs.Append(i == 0 ? "" : ",").Append(Quote(name)).Append(':');
                WriteNamedSchema(defs, byCodec[name], byCodec, new SchemaContext(context.Needed));
            }

            s.Append(body.ToString(0, body.Length - 1)).Append(",\"$defs\":{").Append(defs).Append("}}");
        }

        private sealed class SchemaContext
        {
            public SchemaContext(List<string>? needed = null) => Needed = needed ?? new List<string>();

            public HashSet<string> InProgress { get; } = new();

            public List<string> Needed { get; }
        }

        private static void WriteNamedSchema(StringBuilder s, ObjectInfo info, Dictionary<string, ObjectInfo> byCodec, SchemaContext inProgress)
        {
            if (info.IsEnum)
            {
                s.Append("{\"type\":\"string\",\"enum\":[");
                s.Append(string.Join(",", info.EnumMembers.Select(Quote)));
                s.Append("]}");
                return;
            }

            // A type that contains itself is described once, in "$defs"; inner occurrences refer to it.
            if (!inProgress.InProgress.Add(info.CodecName))
            {
                if (!inProgress.Needed.Contains(info.CodecName))
                {
                    inProgress.Needed.Add(info.CodecName);
                }

                s.Append("{\"$ref\":\"#/$defs/").Append(info.CodecName).Append("\"}");
                return;
            }

            s.Append("{\"type\":\"object\",\"properties\":{");
            for (var i = 0; i < info.Members.Count; i++)
            {
                var member = info.Members[i];
                s.Append(i == 0 ? "" : ",").Append(Quote(member.JsonName)).Append(':');
                WriteSchema(s, member.Type, byCodec, inProgress);
            }

            s.Append("},\"required\":[");
            s.Append(string.Join(",", info.Members.Where(m => m.Required).Select(m => Quote(m.JsonName))));
            s.Append("],\"additionalProperties\":false}");
            inProgress.InProgress.Remove(info.CodecName);
        }

        private static void WriteSchema(StringBuilder s, TypeShape shape, Dictionary<string, ObjectInfo> byCodec, SchemaContext inProgress)
        {
            var nullable = shape.AcceptsNull;
            var inner = shape.Kind == ShapeKind.Nullable ? shape.Element! : shape;
            var simple = SimpleSchema(inner.Kind);
            if (simple is not null)
            {
                var (type, rest) = simple.Value;
                s.Append("{\"type\":").Append(nullable ? "[\"" + type + "\",\"null\"]" : "\"" + type + "\"").Append(rest).Append('}');
                return;
            }

            if (nullable)
            {
                s.Append("{\"anyOf\":[");
            }

            switch (inner.Kind)
            {
                case ShapeKind.Enum:
                case ShapeKind.Object:
                    WriteNamedSchema(s, byCodec[inner.CodecName!], byCodec, inProgress);
                    break;
                case ShapeKind.Array:
                case ShapeKind.List:
                case ShapeKind.ReadOnlyList:
                    s.Append("{\"type\":\"array\",\"items\":");
                    WriteSchema(s, inner.Element!, byCodec, inProgress);
                    s.Append('}');
                    break;
                case ShapeKind.Dictionary:
                    s.Append("{\"type\":\"object\",\"additionalProperties\":");
                    WriteSchema(s, inner.Element!, byCodec, inProgress);
                    s.Append('}');
                    break;
            }

            if (nullable)
            {
                s.Append(",{\"type\":\"null\"}]}");
            }
        }

        private static (string Type, string Extra)? SimpleSchema(ShapeKind kind) => kind switch
        {
            ShapeKind.Boolean => ("boolean", ""),
            ShapeKind.Byte => ("integer", ",\"minimum\":0,\"maximum\":255"),
            ShapeKind.SByte => ("integer", ",\"minimum\":-128,\"maximum\":127"),
            ShapeKind.Int16 => ("integer", ",\"minimum\":-32768,\"maximum\":32767"),
            ShapeKind.UInt16 => ("integer", ",\"minimum\":0,\"maximum\":65535"),
            ShapeKind.Int32 => ("integer", ""),
            ShapeKind.UInt32 or ShapeKind.UInt64 => ("integer", ",\"minimum\":0"),
            ShapeKind.Int64 => ("integer", ""),
            ShapeKind.Single or ShapeKind.Double or ShapeKind.Decimal => ("number", ""),
            ShapeKind.Char => ("string", ",\"minLength\":1,\"maxLength\":1"),
            ShapeKind.String => ("string", ""),
            ShapeKind.DateTime or ShapeKind.DateTimeOffset => ("string", ",\"format\":\"date-time\""),
            ShapeKind.TimeSpan => ("string", ",\"pattern\":\"" + TimeSpanPattern + "\""),
            ShapeKind.Guid => ("string", ",\"format\":\"uuid\""),
            _ => null,
        };

        private static string Quote(string text)
        {
            var builder = new StringBuilder("\"");
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    default:
                        if (c < ' ')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.Append('"').ToString();
        }
    }
}
