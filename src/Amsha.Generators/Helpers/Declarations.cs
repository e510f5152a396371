using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Helpers;

/// <summary>
/// The pipelines' view of the compilation: equal to the previous one while no declaration changed. Everything the
/// generators read is declaration-level (attributes, types, members, signatures), which an edit inside a method body
/// cannot change; so after such an edit — what the IDE asks for on every keystroke — no semantic step runs again.
/// <c>ForAttributeWithMetadataName</c> binds every marked declaration again on every new compilation; this does not.
/// </summary>
internal sealed class DeclarationSnapshot
{
    private static long s_lastSequence;
    private readonly long _sequence;

    private DeclarationSnapshot(Compilation compilation)
    {
        Compilation = compilation;
        _sequence = Interlocked.Increment(ref s_lastSequence);
    }

    /// <summary>
    /// The newest compilation with these declarations. The pipeline keeps the snapshot it already holds when a new one
    /// compares equal; that snapshot then moves to the newer compilation, so the one it was taken from can be collected
    /// (in the IDE, one whole bound compilation less kept alive).
    /// </summary>
    public Compilation Compilation { get; private set; }

    /// <summary>The snapshot of every compilation the generator sees, compared by declarations. Create it once per generator.</summary>
    public static IncrementalValueProvider<DeclarationSnapshot> Of(IncrementalGeneratorInitializationContext context) =>
        context.CompilationProvider
            .Select(static (compilation, _) => new DeclarationSnapshot(compilation))
            .WithComparer(SameDeclarations.Instance);

    /// <summary>
    /// True when nothing the generators read can differ: same options and references, and every source file either
    /// the same or changed only inside bodies (Roslyn's top-level equivalence) with the same preprocessor directives
    /// (they change what is compiled and how nullable annotations read, and are trivia to that equivalence).
    /// </summary>
    internal static bool HaveSameDeclarations(Compilation previous, Compilation current)
    {
        if (ReferenceEquals(previous, current))
        {
            return true;
        }

        if (previous.AssemblyName != current.AssemblyName
            || !previous.Options.Equals(current.Options)
            || !previous.References.SequenceEqual(current.References, ReferenceIdentity.Instance))
        {
            return false;
        }

        using var previousTrees = previous.SyntaxTrees.GetEnumerator();
        using var currentTrees = current.SyntaxTrees.GetEnumerator();
        while (true)
        {
            var more = previousTrees.MoveNext();
            if (more != currentTrees.MoveNext())
            {
                return false;
            }

            if (!more)
            {
                return true;
            }

            if (!HaveSameDeclarations(previousTrees.Current, currentTrees.Current))
            {
                return false;
            }
        }
    }

    private static bool HaveSameDeclarations(SyntaxTree previous, SyntaxTree current)
    {
        if (ReferenceEquals(previous, current))
        {
            return true;
        }

        if (previous.FilePath != current.FilePath || !previous.Options.Equals(current.Options))
        {
            return false;
        }

        var previousRoot = previous.GetRoot();
        var currentRoot = current.GetRoot();
        if (!SyntaxFactory.AreEquivalent(previousRoot, currentRoot, topLevel: true))
        {
            return false;
        }

        return SameDirectives((CSharpSyntaxNode)previousRoot, (CSharpSyntaxNode)currentRoot)
            && SameUncomparedText(previousRoot, currentRoot);
    }

    private static bool SameDirectives(CSharpSyntaxNode previousRoot, CSharpSyntaxNode currentRoot)
    {
        if (!previousRoot.ContainsDirectives && !currentRoot.ContainsDirectives)
        {
            return true;
        }

        // Walked from directive to directive: Roslyn marks the nodes that hold any, so this skips the rest of the tree.
        var previousDirective = previousRoot.GetFirstDirective();
        var currentDirective = currentRoot.GetFirstDirective();
        while (previousDirective is not null && currentDirective is not null)
        {
            if (!previousDirective.IsEquivalentTo(currentDirective))
            {
                return false;
            }

            previousDirective = previousDirective.GetNextDirective();
            currentDirective = currentDirective.GetNextDirective();
        }

        return previousDirective is null && currentDirective is null;
    }

    // What the generators read but the top-level equivalence may not compare, compared here:
    // - a declaration's /// comment, trivia to the equivalence, which a tool's description falls back to
    //   (without documentation parsing, "///" lines are plain comments: those count as well);
    // - an enum member's value, which the compiler the SDK ships skips like a field initializer, though a codec
    //   reads enum values (two members of one value are one JSON name).
    private static bool SameUncomparedText(SyntaxNode previousRoot, SyntaxNode currentRoot) =>
        UncomparedTextOf(previousRoot).SequenceEqual(UncomparedTextOf(currentRoot), StringComparer.Ordinal);

    private static IEnumerable<string> UncomparedTextOf(SyntaxNode root)
    {
        foreach (var member in MemberDeclarations(root, CancellationToken.None))
        {
            foreach (var trivia in member.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia)
                    || (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) && trivia.ToString().StartsWith("///", StringComparison.Ordinal))
                    || (trivia.IsKind(SyntaxKind.MultiLineCommentTrivia) && trivia.ToString().StartsWith("/**", StringComparison.Ordinal)))
                {
                    yield return trivia.ToFullString();
                }
            }

            if (member is EnumDeclarationSyntax enumeration)
            {
                foreach (var value in enumeration.Members)
                {
                    yield return value.EqualsValue is { } equals ? "= " + equals.Value : "";
                }
            }
        }
    }

    /// <summary>
    /// Every member declaration of a file outside bodies (namespaces, types and their members, nested ones included),
    /// in source order; walked with a stack, however deep the user nests.
    /// </summary>
    internal static IEnumerable<MemberDeclarationSyntax> MemberDeclarations(SyntaxNode root, CancellationToken cancellationToken)
    {
        var pending = new Stack<SyntaxNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = pending.Pop();
            if (node is MemberDeclarationSyntax member)
            {
                yield return member;
            }

            var members = node switch
            {
                CompilationUnitSyntax unit => unit.Members,
                BaseNamespaceDeclarationSyntax ns => ns.Members,
                TypeDeclarationSyntax type => type.Members,
                _ => default,
            };

            // Pushed in reverse, so they come out in source order.
            for (var i = members.Count - 1; i >= 0; i--)
            {
                pending.Push(members[i]);
            }
        }
    }

    private sealed class SameDeclarations : IEqualityComparer<DeclarationSnapshot>
    {
        public static readonly SameDeclarations Instance = new();

        public bool Equals(DeclarationSnapshot? x, DeclarationSnapshot? y)
        {
            if (x is null || y is null || !HaveSameDeclarations(x.Compilation, y.Compilation))
            {
                return false;
            }

            var newest = x._sequence > y._sequence ? x.Compilation : y.Compilation;
            x.Compilation = newest;
            y.Compilation = newest;
            return true;
        }

        public int GetHashCode(DeclarationSnapshot obj) => obj.Compilation.AssemblyName?.GetHashCode() ?? 0;
    }

    // A reference is the same when it is the same object (the host makes a new one when the file changes), or a
    // reference to another project whose declarations are the same: the IDE makes a new one on every edit there, and
    // a body edit in a library changes nothing the generators can see of it.
    private sealed class ReferenceIdentity : IEqualityComparer<MetadataReference>
    {
        public static readonly ReferenceIdentity Instance = new();

        public bool Equals(MetadataReference? x, MetadataReference? y) =>
            ReferenceEquals(x, y)
            || (x is CompilationReference previous && y is CompilationReference current
                && previous.Properties.Equals(current.Properties)
                && HaveSameDeclarations(previous.Compilation, current.Compilation));

        public int GetHashCode(MetadataReference obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}

/// <summary>A declaration carrying one of Amsha's attributes: what <c>GeneratorAttributeSyntaxContext</c> gives, from a <see cref="DeclarationSnapshot"/>.</summary>
internal readonly struct AttributeTarget
{
    public AttributeTarget(SyntaxNode targetNode, ISymbol targetSymbol, SemanticModel semanticModel, ImmutableArray<AttributeData> attributes)
    {
        TargetNode = targetNode;
        TargetSymbol = targetSymbol;
        SemanticModel = semanticModel;
        Attributes = attributes;
    }

    /// <summary>The type or method declaration the attribute is written on.</summary>
    public SyntaxNode TargetNode { get; }

    public ISymbol TargetSymbol { get; }

    public SemanticModel SemanticModel { get; }

    /// <summary>The matching attributes written on this declaration (not on other partial parts).</summary>
    public ImmutableArray<AttributeData> Attributes { get; }
}

/// <summary>Finds declarations by attribute in a <see cref="DeclarationSnapshot"/>, as <c>ForAttributeWithMetadataName</c> does.</summary>
internal static class AttributedDeclarations
{
    /// <summary>
    /// One item per type or method declaration that <paramref name="predicate"/> accepts and that carries the attribute
    /// <paramref name="metadataName"/> (an <c>Amsha.</c> name from <see cref="KnownNames"/>), in source order.
    /// The transform runs only when the snapshot changes (a declaration changed); each item is then compared with
    /// the one at its position, so outputs of items that stayed equal are not written again.
    /// </summary>
    public static IncrementalValuesProvider<T> ForAttribute<T>(
        this IncrementalValueProvider<DeclarationSnapshot> snapshot,
        string metadataName,
        Func<SyntaxNode, bool> predicate,
        Func<AttributeTarget, CancellationToken, T> transform) =>
        snapshot.SelectMany((snapshot, cancellationToken) =>
        {
            var items = ImmutableArray.CreateBuilder<T>();
            foreach (var target in Find(snapshot.Compilation, metadataName, predicate, cancellationToken))
            {
                items.Add(transform(target, cancellationToken));
            }

            return items.ToImmutable();
        });

    /// <summary>The declarations marked with <paramref name="metadataName"/>, bound.</summary>
    internal static IEnumerable<AttributeTarget> Find(Compilation compilation, string metadataName, Func<SyntaxNode, bool> predicate, CancellationToken cancellationToken)
    {
        var index = DeclarationIndex.Of(compilation, cancellationToken);
        var shortName = ShortName(metadataName);
        SemanticModel? model = null;
        foreach (var entry in index.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!predicate(entry.Node) || !entry.MayCarry(shortName, index.Aliases))
            {
                continue;
            }

            if (model?.SyntaxTree != entry.Node.SyntaxTree)
            {
                model = compilation.GetSemanticModel(entry.Node.SyntaxTree);
            }

            if (model.GetDeclaredSymbol(entry.Node, cancellationToken) is not { } symbol)
            {
                continue;
            }

            var attributes = ImmutableArray.CreateBuilder<AttributeData>();
            foreach (var attribute in symbol.GetAttributes())
            {
                if (AmshaAttributes.Is(attribute.AttributeClass, metadataName)
                    && attribute.ApplicationSyntaxReference is { } reference
                    && reference.SyntaxTree == entry.Node.SyntaxTree
                    && entry.AttributeSpan.Contains(reference.Span))
                {
                    attributes.Add(attribute);
                }
            }

            if (attributes.Count > 0)
            {
                yield return new AttributeTarget(entry.Node, symbol, model, attributes.ToImmutable());
            }
        }
    }

    // "Amsha.CrewTaskAttribute`1" → "CrewTask": the name as an attribute is written, without its suffix.
    private static string ShortName(string metadataName)
    {
        var name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
        var tick = name.IndexOf('`');
        return WithoutSuffix(tick < 0 ? name : name.Substring(0, tick));
    }

    internal static string WithoutSuffix(string name) =>
        name.Length > "Attribute".Length && name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;

    /// <summary>
    /// Every type and method declaration with attributes, in source order, with the names its attributes are written
    /// with; and every alias name a using directive declares (an alias can name an attribute). Built from syntax
    /// alone, once per compilation.
    /// </summary>
    private sealed class DeclarationIndex
    {
        private DeclarationIndex(List<Entry> entries, HashSet<string> aliases)
        {
            Entries = entries;
            Aliases = aliases;
        }

        public List<Entry> Entries { get; }

        public HashSet<string> Aliases { get; }

        public static DeclarationIndex Of(Compilation compilation, CancellationToken cancellationToken) =>
            PerCompilation<DeclarationIndex>.Get(compilation, c => Build(c, cancellationToken));

        private static DeclarationIndex Build(Compilation compilation, CancellationToken cancellationToken)
        {
            var entries = new List<Entry>();
            var aliases = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
                {
                    continue;
                }

                AddAliases(unit.Usings, aliases);
                foreach (var member in DeclarationSnapshot.MemberDeclarations(unit, cancellationToken))
                {
                    switch (member)
                    {
                        case BaseNamespaceDeclarationSyntax ns:
                            AddAliases(ns.Usings, aliases);
                            break;
                        case TypeDeclarationSyntax type:
                            Add(type, type.AttributeLists, entries);
                            break;
                        case MethodDeclarationSyntax method:
                            Add(method, method.AttributeLists, entries);
                            break;
                    }
                }
            }

            return new DeclarationIndex(entries, aliases);
        }

        private static void Add(MemberDeclarationSyntax node, SyntaxList<AttributeListSyntax> lists, List<Entry> entries)
        {
            if (lists.Count == 0)
            {
                return;
            }

            var names = new List<string>();
            foreach (var list in lists)
            {
                foreach (var attribute in list.Attributes)
                {
                    names.Add(WithoutSuffix(SimpleName(attribute.Name)));
                }
            }

            entries.Add(new Entry(node, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(lists[0].SpanStart, lists[lists.Count - 1].Span.End), names.ToArray()));
        }

        private static void AddAliases(SyntaxList<UsingDirectiveSyntax> usings, HashSet<string> aliases)
        {
            foreach (var directive in usings)
            {
                if (directive.Alias is { } alias)
                {
                    aliases.Add(WithoutSuffix(alias.Name.Identifier.ValueText));
                }
            }
        }

        private static string SimpleName(NameSyntax name) => name switch
        {
            QualifiedNameSyntax qualified => SimpleName(qualified.Right),
            AliasQualifiedNameSyntax aliasQualified => SimpleName(aliasQualified.Name),
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => name.ToString(),
        };
    }

    /// <summary>A declaration with attributes: the span of its attribute lists and the names they are written with.</summary>
    private sealed class Entry
    {
        public Entry(SyntaxNode node, Microsoft.CodeAnalysis.Text.TextSpan attributeSpan, string[] names)
        {
            Node = node;
            AttributeSpan = attributeSpan;
            Names = names;
        }

        public SyntaxNode Node { get; }

        public Microsoft.CodeAnalysis.Text.TextSpan AttributeSpan { get; }

        public string[] Names { get; }

        /// <summary>Whether one of its attributes may be the one named <paramref name="shortName"/>: written so, or through an alias.</summary>
        public bool MayCarry(string shortName, HashSet<string> aliases)
        {
            foreach (var name in Names)
            {
                if (name == shortName || aliases.Contains(name))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
