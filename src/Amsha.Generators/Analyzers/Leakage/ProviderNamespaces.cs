using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// The provider-SDK namespaces of AMSHA101 for one value of <c>amsha_provider_namespaces</c>, with the
/// per-namespace answers cached (each namespace symbol is classified once per compilation).
/// </summary>
internal sealed class ProviderNamespaces
{
    public const string Option = "amsha_provider_namespaces";

    /// <summary>The default list (DIAGNOSTICS.md); the option replaces it.</summary>
    public static readonly ImmutableArray<string> Defaults = ImmutableArray.Create(
        "OpenAI", "Azure.AI.OpenAI", "Azure.AI.Inference", "Anthropic", "Mistral", "OllamaSharp",
        "Google.GenAI", "Microsoft.SemanticKernel", "Microsoft.Agents.AI", "LLama");

    private readonly ImmutableArray<string> _prefixes;
    private readonly ConcurrentDictionary<INamespaceSymbol, bool> _answers = new(SymbolEqualityComparer.Default);

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

    /// <summary>True when <paramref name="type"/>, its element type or any type argument is a provider type.</summary>
    public bool MentionsProviderType(ITypeSymbol? type, int depth = 0)
    {
        switch (type)
        {
            case null:
                return false;
            case IArrayTypeSymbol array:
                return depth < 8 && MentionsProviderType(array.ElementType, depth + 1);
            case INamedTypeSymbol named:
                if (IsProviderType(named))
                {
                    return true;
                }

                if (depth < 8)
                {
                    foreach (var argument in named.TypeArguments)
                    {
                        if (MentionsProviderType(argument, depth + 1))
                        {
                            return true;
                        }
                    }
                }

                return false;
            default:
                return false;
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
