using System.Collections.Generic;
using Amsha.Definitions;
using Amsha.Generators.Crews;
using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Definitions;

/// <summary>The build settings definition files depend on, read from the compiler's global options.</summary>
/// <param name="Namespace">Where generated crews go: <c>AmshaDefinitionsNamespace</c>, else <c>RootNamespace</c>, else null (the global namespace).</param>
/// <param name="RootNamespace">The project's root namespace (type names are also looked up in it); null when not set or not a namespace name.</param>
internal sealed record DefinitionOptions(string? Namespace, string? RootNamespace)
{
    public const string DefinitionsNamespaceKey = "build_property.AmshaDefinitionsNamespace";
    public const string RootNamespaceKey = "build_property.RootNamespace";

    /// <summary>Metadata <c>build/Amsha.targets</c> sets on the additional files listed as <c>AmshaDefinitions</c>.</summary>
    public const string DefinitionMetadataKey = "build_metadata.AdditionalFiles.AmshaDefinition";
}

/// <summary>What the definitions ask of the compilation: the C# types they name, and the crew classes they generate.</summary>
/// <param name="OutputTypes">Names written as a task's <c>output</c> (text outputs left out).</param>
/// <param name="InputTypes">Names written as a crew's <c>input</c>.</param>
/// <param name="CrewClasses">Metadata names of the classes generated for crews (<c>Namespace.ClassName</c>).</param>
internal sealed record DefinitionReferences(EquatableArray<string> OutputTypes, EquatableArray<string> InputTypes, EquatableArray<string> CrewClasses)
{
    public static readonly DefinitionReferences Empty = new(EquatableArray<string>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty);
}

/// <summary>How a type name of a definition file was resolved.</summary>
internal enum TypeLookup
{
    Found,
    NotFound,
    Ambiguous,

    /// <summary>Found, but not a type generated code can use there (generic, static, inaccessible, …).</summary>
    Unusable,
}

/// <summary>A member a placeholder can name: the key it is found by (its name, or its upper-case name) and its C# name.</summary>
internal sealed record PlaceholderMember(string Key, string Member);

/// <summary>A type named in a definition file, reduced to what binding needs: plain values only.</summary>
/// <param name="Name">The name as written.</param>
/// <param name="Lookup">Whether it was found.</param>
/// <param name="Detail">For a type not used: why (the candidates of an ambiguous name, what makes it unusable).</param>
internal sealed record DefinedType(string Name, TypeLookup Lookup, string Detail)
{
    /// <summary>The fully qualified name (<c>global::Sample.Article</c>), without nullable annotation.</summary>
    public string FullyQualifiedName { get; init; } = "";

    /// <summary>The name as messages show it.</summary>
    public string DisplayName { get; init; } = "";

    public bool IsString { get; init; }

    public bool IsReferenceType { get; init; }

    /// <summary>The widest accessibility of members whose signatures mention it (<see cref="TypeAccessibility.MemberKeyword"/>).</summary>
    public string MemberKeyword { get; init; } = "public";

    /// <summary>What placeholders can name when it is a crew's input (<see cref="InputMembers.Of"/>).</summary>
    public EquatableArray<PlaceholderMember> PlaceholderMembers { get; init; } = EquatableArray<PlaceholderMember>.Empty;

    /// <summary>The same members' names, each once, in declaration order.</summary>
    public EquatableArray<string> MemberNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Why it cannot be a task output (AMSHA010), by member path; empty when it can. Only computed for output names.</summary>
    public EquatableArray<SerializationProblem> OutputProblems { get; init; } = EquatableArray<SerializationProblem>.Empty;
}

/// <summary>The class a crew generates, as the compilation already declares it (or not).</summary>
/// <param name="MetadataName"><c>Namespace.ClassName</c>.</param>
/// <param name="Exists">Whether the project declares a type of that name.</param>
internal sealed record CrewClassFacts(string MetadataName, bool Exists)
{
    /// <summary>The keyword that declares it (class or record); the generated part repeats it.</summary>
    public string Keyword { get; init; } = "class";

    /// <summary>Every declaration is <c>partial</c>.</summary>
    public bool IsPartial { get; init; } = true;

    /// <summary>Why the type cannot be a crew (static, generic, a struct, …); null when it can.</summary>
    public string? Unusable { get; init; }

    /// <summary>It is itself a <c>[Crew]</c>: the attribute pipeline generates it already.</summary>
    public bool IsAttributeCrew { get; init; }

    /// <summary>The container can create it (not abstract).</summary>
    public bool CanRegister { get; init; } = true;

    /// <summary>The members the user declared on it, to find clashes with the generated ones (AMSHA015).</summary>
    public EquatableArray<DeclaredMember> Members { get; init; } = EquatableArray<DeclaredMember>.Empty;
}

/// <summary>Everything binding needs from the compilation, as plain values: it stays equal while unrelated code changes.</summary>
internal sealed record DefinitionFacts(EquatableArray<DefinedType> Types, EquatableArray<CrewClassFacts> Classes)
{
    public static readonly DefinitionFacts Empty = new(EquatableArray<DefinedType>.Empty, EquatableArray<CrewClassFacts>.Empty);
}

/// <summary>A mistake found while binding definitions, at its place in a definition file.</summary>
/// <param name="Descriptor">Which diagnostic (the same id as the same mistake written with attributes).</param>
/// <param name="Path">The definition file.</param>
/// <param name="Range">Where in it.</param>
/// <param name="Arguments">The descriptor's message arguments.</param>
internal sealed record DefinitionDiagnostic(DiagnosticDescriptor Descriptor, string Path, TextRange Range, string[] Arguments)
{
    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;
}

/// <summary>The outcome of binding: the crews that can be generated, and every mistake (for the analyzer).</summary>
internal sealed class DefinitionBinding(List<CrewModel> crews, List<DefinitionDiagnostic> diagnostics)
{
    /// <summary>Models of the crews without errors, in definition order.</summary>
    public List<CrewModel> Crews { get; } = crews;

    /// <summary>Every mistake, each once, in the order found.</summary>
    public List<DefinitionDiagnostic> Diagnostics { get; } = diagnostics;
}
