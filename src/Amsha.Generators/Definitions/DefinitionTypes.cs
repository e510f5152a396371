using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Definitions;

/// <summary>
/// The one place definitions meet the compilation: type names resolved to types and the classes crews generate looked
/// up, each reduced to plain values (<see cref="DefinitionFacts"/>). The generator, the serializer generator and the
/// analyzer resolve through here, so they agree on what a name means.
/// </summary>
internal static class DefinitionTypes
{
    /// <summary>
    /// The type <paramref name="name"/> means: the type of that metadata name (<c>Sample.Article</c>, nested types with
    /// <c>+</c> or <c>.</c>), else that name in the crews' namespace or the project's root namespace, else the only type
    /// of this project with that simple name. Null, with why, when there is none, several, or one code cannot use.
    /// </summary>
    public static INamedTypeSymbol? Resolve(Compilation compilation, string name, DefinitionOptions options, out TypeLookup lookup, out string detail, CancellationToken cancellationToken)
    {
        lookup = TypeLookup.NotFound;
        detail = "";
        var written = name.Trim();
        if (written.StartsWith("global::", System.StringComparison.Ordinal))
        {
            written = written.Substring("global::".Length);
        }

        if (written.Length == 0 || written.IndexOfAny(new[] { '<', '>', '[', ']', ',', '*', '?', '`', ' ' }) >= 0)
        {
            detail = "generic, array, nullable and pointer types cannot be named; name a record, class or struct";
            return null;
        }

        if (written == "string")
        {
            written = "System.String";
        }

        INamedTypeSymbol? type = null;
        foreach (var candidate in Candidates(written, options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ByMetadataName(compilation, candidate) is { } found)
            {
                type = found;
                break;
            }
        }

        if (type is null && written.IndexOf('.') < 0 && written.IndexOf('+') < 0)
        {
            var matches = compilation.GetSymbolsWithName(written, SymbolFilter.Type, cancellationToken)
                .OfType<INamedTypeSymbol>()
                .Where(t => t.Arity == 0)
                .Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default)
                .ToList();
            if (matches.Count > 1)
            {
                lookup = TypeLookup.Ambiguous;
                detail = Analyzers.MessageText.List(matches.Select(Display).OrderBy(n => n, System.StringComparer.Ordinal).ToList());
                return null;
            }

            type = matches.Count == 1 ? matches[0] : null;
        }

        if (type is null)
        {
            return null;
        }

        if (Unusable(type, compilation) is { } reason)
        {
            lookup = TypeLookup.Unusable;
            detail = reason;
            return null;
        }

        lookup = TypeLookup.Found;
        return type;
    }

    /// <summary>Resolves every name and crew class <paramref name="references"/> lists.</summary>
    public static DefinitionFacts Read(DefinitionReferences references, DefinitionOptions options, Compilation compilation, CancellationToken cancellationToken)
    {
        if (references.OutputTypes.Count == 0 && references.InputTypes.Count == 0 && references.CrewClasses.Count == 0)
        {
            return DefinitionFacts.Empty;
        }

        var types = new List<DefinedType>();
        var outputs = new HashSet<string>(references.OutputTypes);
        foreach (var name in references.OutputTypes.Concat(references.InputTypes).Distinct())
        {
            cancellationToken.ThrowIfCancellationRequested();
            types.Add(Describe(compilation, name, options, asOutput: outputs.Contains(name), cancellationToken));
        }

        var classes = new List<CrewClassFacts>();
        foreach (var metadataName in references.CrewClasses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            classes.Add(DescribeClass(compilation, metadataName, cancellationToken));
        }

        return new DefinitionFacts(types.ToEquatableArray(), classes.ToEquatableArray());
    }

    private static DefinedType Describe(Compilation compilation, string name, DefinitionOptions options, bool asOutput, CancellationToken cancellationToken)
    {
        var type = Resolve(compilation, name, options, out var lookup, out var detail, cancellationToken);
        if (type is null)
        {
            return new DefinedType(name, lookup, detail);
        }

        var isString = type.SpecialType == SpecialType.System_String;
        var members = InputMembers.Of(type, cancellationToken);
        var problems = EquatableArray<SerializationProblem>.Empty;
        if (asOutput && !isString && !SerializationRules.IsSerializable(type, compilation, SerializationRoot.TaskOutput, cancellationToken))
        {
            problems = SerializationRules.Analyze(type, compilation, SerializationRoot.TaskOutput, cancellationToken).Problems.ToEquatableArray();
        }

        return new DefinedType(name, TypeLookup.Found, "")
        {
            FullyQualifiedName = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            DisplayName = Display(type),
            IsString = isString,
            IsReferenceType = type.IsReferenceType,
            MemberKeyword = TypeAccessibility.MemberKeyword(type),
            PlaceholderMembers = members.OrderBy(m => m.Key, System.StringComparer.Ordinal).Select(m => new PlaceholderMember(m.Key, m.Value)).ToEquatableArray(),
            MemberNames = InputMembers.Names(type, cancellationToken).ToEquatableArray(),
            OutputProblems = problems,
        };
    }

    private static CrewClassFacts DescribeClass(Compilation compilation, string metadataName, CancellationToken cancellationToken)
    {
        // Only the project's own declarations matter: a type of that name in a reference is shadowed by the generated
        // one, and generated files (the crew's own part, once generated, as the analyzer sees it) are not the user's.
        bool IsUserTree(SyntaxTree tree) => !Analyzers.Declarations.DeclarationFacts.IsGeneratedTree(tree, cancellationToken);
        if (compilation.GetTypeByMetadataName(metadataName) is not { } type || !type.DeclaringSyntaxReferences.Any(r => IsUserTree(r.SyntaxTree)))
        {
            return new CrewClassFacts(metadataName, Exists: false);
        }

        string? unusable = type.TypeKind != TypeKind.Class ? "is " + KindName(type) + ", not a class"
            : type.IsStatic ? "is a static class"
            : type.IsGenericType ? "is generic"
            : null;
        return new CrewClassFacts(metadataName, Exists: true)
        {
            Keyword = TypeDeclarations.Keyword(type),
            IsPartial = TypeDeclarations.AllPartial(type, cancellationToken),
            Unusable = unusable,
            IsAttributeCrew = type.GetAttributes().Any(a => AmshaAttributes.Is(a.AttributeClass, KnownNames.CrewAttribute) || AmshaAttributes.Is(a.AttributeClass, KnownNames.GenericCrewAttribute)),
            CanRegister = !type.IsAbstract,
            Members = GeneratedCrewMembers.DeclaredBy(type, cancellationToken, IsUserTree).Select(m => m.Member).ToEquatableArray(),
        };
    }

    // The name as written; then in the crews' namespace and the root namespace; each also with nested types written with dots.
    private static IEnumerable<string> Candidates(string written, DefinitionOptions options)
    {
        yield return written;
        if (options.Namespace is { } crewNamespace)
        {
            yield return crewNamespace + "." + written;
        }

        if (options.RootNamespace is { } root && root != options.Namespace)
        {
            yield return root + "." + written;
        }
    }

    // A metadata name, or, for Outer.Inner written with dots, the nested type: the last dots tried as '+' one by one.
    private static INamedTypeSymbol? ByMetadataName(Compilation compilation, string name)
    {
        if (compilation.GetTypeByMetadataName(name) is { } type)
        {
            return type;
        }

        var chars = name.ToCharArray();
        for (var i = chars.Length - 1; i > 0; i--)
        {
            if (chars[i] != '.')
            {
                continue;
            }

            chars[i] = '+';
            if (compilation.GetTypeByMetadataName(new string(chars)) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }

    private static string? Unusable(INamedTypeSymbol type, Compilation compilation)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            return "has errors";
        }

        if (type.IsGenericType)
        {
            return "is generic; name a non-generic record, class or struct";
        }

        if (type.IsStatic)
        {
            return "is a static class";
        }

        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Enum or TypeKind.Interface))
        {
            return "is " + KindName(type) + "; name a record, class or struct";
        }

        // Generated crews are top-level classes of this assembly: they reach public and internal types, not private nested ones.
        return compilation.IsSymbolAccessibleWithin(type, compilation.Assembly) ? null : "is not accessible from generated code (a private or protected nested type); make it internal or public";
    }

    private static string KindName(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct => type.IsRecord ? "a record struct" : "a struct",
        TypeKind.Interface => "an interface",
        TypeKind.Enum => "an enum",
        TypeKind.Delegate => "a delegate",
        _ => "a " + type.TypeKind.ToString().ToLowerInvariant(),
    };

    private static string Display(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
}
