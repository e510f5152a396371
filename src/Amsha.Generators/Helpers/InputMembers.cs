using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>The members of a crew input that template placeholders can name; shared by the crew generator and AMSHA004.</summary>
internal static class InputMembers
{
    /// <summary>
    /// Readable public instance members of <paramref name="input"/>, keyed by exact name and by upper-case name
    /// (placeholders match ignoring case; an exact-case match wins). Values are the members' names.
    /// </summary>
    public static Dictionary<string, string> Of(ITypeSymbol input, CancellationToken cancellationToken = default)
    {
        var members = new Dictionary<string, string>();
        var byUpper = new Dictionary<string, string>();
        for (var type = input; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsNameable(member))
                {
                    continue;
                }

                if (!members.ContainsKey(member.Name))
                {
                    members[member.Name] = member.Name;
                }

                var upper = member.Name.ToUpperInvariant();
                if (!byUpper.ContainsKey(upper))
                {
                    byUpper[upper] = member.Name;
                }
            }
        }

        foreach (var pair in byUpper)
        {
            if (!members.ContainsKey(pair.Key))
            {
                members[pair.Key] = pair.Value;
            }
        }

        return members;
    }

    /// <summary>The member a placeholder names among <paramref name="members"/> (from <see cref="Of"/>): the exact name, else the same name ignoring case; null when none.</summary>
    public static string? Match(Dictionary<string, string> members, string placeholder) =>
        members.TryGetValue(placeholder, out var member) || members.TryGetValue(placeholder.ToUpperInvariant(), out member) ? member : null;

    /// <summary>The names placeholders can use, each once, in declaration order (the type's own members, then its base types').</summary>
    public static List<string> Names(ITypeSymbol input, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        var seen = new HashSet<string>();
        for (var type = input; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsNameable(member) && seen.Add(member.Name))
                {
                    names.Add(member.Name);
                }
            }
        }

        return names;
    }

    // Public, readable, instance: what generated code can read from the input.
    private static bool IsNameable(ISymbol member) =>
        !member.IsStatic && member.DeclaredAccessibility == Accessibility.Public && !member.IsImplicitlyDeclared
        && member switch
        {
            IPropertySymbol { IsIndexer: false, GetMethod: { DeclaredAccessibility: Accessibility.Public } } => true,
            IFieldSymbol => true,
            _ => false,
        };
}
