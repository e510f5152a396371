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
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
                {
                    continue;
                }

                var readable = member switch
                {
                    IPropertySymbol { IsIndexer: false, GetMethod: { DeclaredAccessibility: Accessibility.Public } } => true,
                    IFieldSymbol => true,
                    _ => false,
                };
                if (!readable)
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
}
