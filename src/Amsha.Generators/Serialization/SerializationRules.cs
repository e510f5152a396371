using System.Collections.Generic;
using System.Text;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Serialization;

/// <summary>What a root type is the root of; decides which JSON values it may be.</summary>
internal enum SerializationRoot
{
    /// <summary>The <c>TOutput</c> of <c>[CrewTask&lt;TOutput&gt;]</c>: the model answers with a JSON object.</summary>
    TaskOutput,

    /// <summary>A type marked <c>[ExecutionState]</c>: stored as a JSON object.</summary>
    ExecutionState,

    /// <summary>
    /// The <c>T</c> of an <c>[AmshaLlmCall]</c> method returning <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>: the model
    /// answers with a JSON object or array (the runtime's <c>JsonOutputFormat&lt;T&gt;</c> finds either in the answer).
    /// </summary>
    LlmCallResult,

    /// <summary>The <c>TInput</c> of <c>[Crew&lt;TInput&gt;]</c>: any serializable value (durable executions persist it).</summary>
    CrewInput,
}

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

    /// <summary>The codecs to emit: every enum and object type reachable from the root, and the root itself when it is a collection (empty when there are problems).</summary>
    public List<SerializableTypeModel> Types { get; }

    /// <summary>What is not serializable, by member path; empty when the root can be serialized.</summary>
    public List<SerializationProblem> Problems { get; }

    public bool IsSerializable => Root is not null && Problems.Count == 0;
}

/// <summary>
/// How much work the rules have done for one compilation, counted (never timed) so tests can check that it
/// grows linearly with the code: every type is described once however many roots reach it.
/// </summary>
internal sealed class SerializationWork
{
    /// <summary>Enum and object types whose members were read and shaped.</summary>
    public int DescribedTypes { get; set; }

    /// <summary>Type references shaped: each member type, and each array, collection and nullable level inside it.</summary>
    public int ShapedTypeReferences { get; set; }

    /// <summary>Generic type definitions examined for types that expand without end.</summary>
    public int ExaminedDefinitions { get; set; }

    /// <summary>Steps of the walks from roots over already described types (one per member type met).</summary>
    public long RootWalkSteps { get; set; }
}

/// <summary>
/// The single definition of what Amsha can serialize at compile time. The serializer generator
/// emits codecs from it, the crew and LLM-call generators decide on typed tasks and structured
/// results with it and the AMSHA010 analyzer reports its problems, so they never disagree.
/// </summary>
/// <remarks>
/// Each type is described once per compilation (<see cref="TypeGraph"/>), however many roots reach it, and
/// the type graph is walked with explicit stacks: a chain of a thousand records costs a thousand steps, not a
/// deep recursion. A generic type that needs ever larger type arguments (<c>G&lt;T&gt;</c> with a member of
/// type <c>G&lt;List&lt;T&gt;&gt;</c>) expands without end and is reported instead of walked; a type that nests
/// deeper than <see cref="MaxNesting"/> levels is reported too.
/// </remarks>
internal static partial class SerializationRules
{
    public const string GeneratedNamespace = "Amsha.Generated";

    /// <summary>
    /// The deepest a member's type may nest arrays, collections, nullable values and generic type arguments
    /// (<c>List&lt;List&lt;int&gt;&gt;</c> is 3). System.Text.Json reads no deeper by default (its <c>MaxDepth</c>).
    /// </summary>
    public const int MaxNesting = 64;

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Analyzes <paramref name="root"/> and everything reachable from it, as a root of kind <paramref name="kind"/>: its codecs, or its problems.</summary>
    public static SerializationAnalysis Analyze(ITypeSymbol root, Compilation compilation, SerializationRoot kind, CancellationToken cancellationToken)
    {
        var analysis = TypeGraph.For(compilation).Analyze(root, kind, cancellationToken);
        return kind is SerializationRoot.TaskOutput or SerializationRoot.LlmCallResult
            ? new SerializationAnalysis(analysis.Root, analysis.Types.ConvertAll(static type => type with { LlmOutput = true }), analysis.Problems)
            : analysis;
    }

    /// <summary>Whether <paramref name="root"/> can be serialized as a root of kind <paramref name="kind"/>; cheap once its types are described.</summary>
    public static bool IsSerializable(ITypeSymbol root, Compilation compilation, SerializationRoot kind, CancellationToken cancellationToken) =>
        TypeGraph.For(compilation).IsSerializable(root, kind, cancellationToken);

    /// <summary>The work done so far for <paramref name="compilation"/> (for tests).</summary>
    internal static SerializationWork WorkFor(Compilation compilation) => TypeGraph.For(compilation).Work;

    /// <summary>Why <paramref name="root"/> cannot be a root of kind <paramref name="kind"/>, or null when its JSON value fits.</summary>
    private static string? RootProblem(ITypeSymbol root, SerializationRoot kind) => kind switch
    {
        SerializationRoot.TaskOutput when !IsObject(root) =>
            $"a task output must be a record, class or struct (the model answers with a JSON object), not '{Display(root)}'; wrap the value in a record",
        SerializationRoot.ExecutionState when !IsObject(root) =>
            $"an [ExecutionState] type must be a record, class or struct, not '{Display(root)}'",
        SerializationRoot.LlmCallResult when !IsObject(root) && !IsCollection(root) =>
            $"an [AmshaLlmCall] result must be a record, class or struct, or an array, List<T>, IReadOnlyList<T> or Dictionary<string, T> (the model answers with a JSON object or array), not '{Display(root)}'; wrap the value in a record",
        _ => null,
    };

    /// <summary>A record, class or struct of the user's: its JSON value is an object.</summary>
    private static bool IsObject(ITypeSymbol type) =>
        type is INamedTypeSymbol && type.TypeKind is TypeKind.Class or TypeKind.Struct && type.SpecialType == SpecialType.None && !IsFrameworkType(type);

    /// <summary>An array, list or string-keyed dictionary: its JSON value is an array or object, and it gets its own codec as a root.</summary>
    private static bool IsCollection(ITypeSymbol type) =>
        type is IArrayTypeSymbol
        || type is INamedTypeSymbol named && FullName(named.OriginalDefinition) is "System.Collections.Generic.List`1" or "System.Collections.Generic.IReadOnlyList`1" or "System.Collections.Generic.Dictionary`2";

    /// <summary>The codec class name for a type: its full name made into an identifier, one per type.</summary>
    public static string CodecName(ITypeSymbol type) => CodecIdentifier(type) + "JsonCodec";

    /// <summary>The generated file of a type's codec.</summary>
    private static string HintName(ITypeSymbol type) => GeneratedNames.FileName(FullDisplayName(type), CodecFileSuffix);

    private const string CodecFileSuffix = ".JsonCodec.g.cs";

    private static string CodecIdentifier(ITypeSymbol type) => GeneratedNames.Identifier(FullDisplayName(type));

    private static string FullDisplayName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");

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

    /// <summary><paramref name="text"/> with every character but letters and digits made '_'; callers keep the results of one scope apart.</summary>
    internal static string Identifier(string text)
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
