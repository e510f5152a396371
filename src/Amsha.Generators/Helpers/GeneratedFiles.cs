using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>
/// Keeps the files of one generator apart as Roslyn compares them, ignoring case: names that differ only in case
/// (<c>Shop.MyCrew</c> and <c>Shop.Mycrew</c>) would make <c>AddSource</c> throw and the generator add nothing.
/// The names that clash are found once over all of a generator's files; every other file keeps its plain name.
/// </summary>
internal static class GeneratedFiles
{
    /// <summary>The names among <paramref name="hintNames"/> that equal another but for case.</summary>
    public static EquatableArray<string> CaseClashes(IEnumerable<string> hintNames) =>
        hintNames
            .Distinct(StringComparer.Ordinal)
            .GroupBy(static name => name, StringComparer.OrdinalIgnoreCase)
            .Where(static group => group.Skip(1).Any())
            .SelectMany(static group => group)
            .OrderBy(static name => name, StringComparer.Ordinal)
            .ToEquatableArray();

    /// <summary>The file name to add <paramref name="hintName"/> under, given the generator's <paramref name="clashes"/>.</summary>
    public static string NameFor(string hintName, EquatableArray<string> clashes) =>
        clashes.Contains(hintName) ? GeneratedNames.CaseDistinct(hintName) : hintName;

    /// <summary>The case clashes among the hint names that <paramref name="providers"/> hold, as one value.</summary>
    public static IncrementalValueProvider<EquatableArray<string>> CaseClashes(params IncrementalValuesProvider<string>[] providers)
    {
        var all = providers[0].Collect();
        for (var i = 1; i < providers.Length; i++)
        {
            all = all.Combine(providers[i].Collect()).Select(static (pair, _) => pair.Left.AddRange(pair.Right));
        }

        return all.Select(static (names, _) => CaseClashes(names));
    }
}
