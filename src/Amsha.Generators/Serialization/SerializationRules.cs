using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;

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
internal static partial class SerializationRules
{
    public const string GeneratedNamespace = "Amsha.Generated";

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

    /// <summary>The generated file of a type's codec.</summary>
    private static string HintName(ITypeSymbol type) =>
        Identifier(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "")).Replace('_', '.') + ".JsonCodec.g.cs";

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
}
