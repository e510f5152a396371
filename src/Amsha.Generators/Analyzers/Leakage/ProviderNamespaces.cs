using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// The provider-SDK namespaces of AMSHA101 for one value of <c>amsha_provider_namespaces</c>, with the
/// per-namespace answers cached (each namespace symbol is classified once per compilation) and the
/// provider type found in each type walked (<see cref="ProviderTypeIn"/>).
/// </summary>
internal sealed class ProviderNamespaces
{
    public const string Option = "amsha_provider_namespaces";

    /// <summary>The default list (DIAGNOSTICS.md); the option replaces it.</summary>
    public static readonly ImmutableArray<string> Defaults = ImmutableArray.Create(
        "OpenAI", "Azure.AI.OpenAI", "Azure.AI.Inference", "Anthropic", "Mistral", "OllamaSharp",
        "Google.GenAI", "Microsoft.SemanticKernel", "Microsoft.Agents.AI", "LLama");

    /// <summary>How deep a walk over a type's parts goes.</summary>
    public const int MaxDepth = 32;

    private readonly ImmutableArray<string> _prefixes;
    private readonly ConcurrentDictionary<INamespaceSymbol, bool> _answers = new(SymbolEqualityComparer.Default);
    private readonly AnalysisCache<ITypeSymbol, ITypeSymbol?> _providerIn = new(SymbolEqualityComparer.Default);

    private ProviderNamespaces(ImmutableArray<string> prefixes, Compilation compilation)
    {
        _prefixes = prefixes;
        AnyReferenced = false;
        foreach (var prefix in prefixes)
        {
            if (Exists(compilation.GlobalNamespace, prefix))
            {
                AnyReferenced = true;
                break;
            }
        }
    }

    /// <summary>False when no provider namespace exists in the compilation: nothing can leak, the analyzer stops early.</summary>
    public bool AnyReferenced { get; }

    /// <summary>Parses an option value (semicolon- or comma-separated); null or blank gives the default list.</summary>
    public static ProviderNamespaces Create(string? optionValue, Compilation compilation)
    {
        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var part in (optionValue ?? "").Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var trimmed = part.Trim();
            if (trimmed.Length > 0)
            {
                builder.Add(trimmed);
            }
        }

        return new ProviderNamespaces(builder.Count > 0 ? builder.ToImmutable() : Defaults, compilation);
    }

    /// <summary>True when <paramref name="type"/> (its definition) lives in a provider namespace.</summary>
    public bool IsProviderType(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && named.OriginalDefinition.ContainingNamespace is { IsGlobalNamespace: false } ns && _answers.GetOrAdd(ns, Classify);

    /// <summary>
    /// The first provider type in <paramref name="type"/>: itself, its element or pointed-at type, its type
    /// arguments, the types it is nested in, a function pointer's signature, and so on down to
    /// <see cref="MaxDepth"/> levels; null when there is none. Each distinct type is visited at most once
    /// per walk and its answer kept for the compilation, so shared parts of large types (as built by chained
    /// <c>using</c> aliases) cost nothing the second time.
    /// </summary>
    public ITypeSymbol? ProviderTypeIn(ITypeSymbol? type, AnalysisWork? work, CancellationToken cancellationToken) =>
        type is null ? null : Walks.First(type, _providerIn, t => IsProviderType(t) ? t : null, Parts, MaxDepth, SymbolEqualityComparer.Default, work, cancellationToken);

    private static IEnumerable<ITypeSymbol> Parts(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                yield return array.ElementType;
                break;
            case IPointerTypeSymbol pointer:
                yield return pointer.PointedAtType;
                break;
            case IFunctionPointerTypeSymbol functionPointer:
                yield return functionPointer.Signature.ReturnType;
                foreach (var parameter in functionPointer.Signature.Parameters)
                {
                    yield return parameter.Type;
                }

                break;
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    yield return argument;
                }

                if (named.ContainingType is { } containing)
                {
                    yield return containing;
                }

                break;
        }
    }

    private bool Classify(INamespaceSymbol ns)
    {
        var name = ns.ToDisplayString();
        foreach (var prefix in _prefixes)
        {
            if (name.Length >= prefix.Length
                && name.StartsWith(prefix, StringComparison.Ordinal)
                && (name.Length == prefix.Length || name[prefix.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Exists(INamespaceSymbol global, string dottedName)
    {
        var current = global;
        foreach (var segment in dottedName.Split('.'))
        {
            INamespaceSymbol? next = null;
            foreach (var member in current.GetNamespaceMembers())
            {
                if (member.Name == segment)
                {
                    next = member;
                    break;
                }
            }

            if (next is null)
            {
                return false;
            }

            current = next;
        }

        return true;
    }
}
