using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Amsha.Configuration;

/// <summary>
/// The configuration binder ignores keys it does not know, so a misspelt setting would silently do nothing; the
/// options validators report each one instead. Compiled into each package that binds options (linked source).
/// </summary>
internal static class UnknownSettings
{
    /// <summary>Adds an error to <paramref name="errors"/> for every key of <paramref name="section"/> (at <paramref name="path"/>) not in <paramref name="known"/>, ignoring case as the binder does.</summary>
    public static void Report(IConfiguration section, string path, string[] known, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:{child.Key} is not a known setting. Known settings here: {string.Join(", ", known)}.");
            }
        }
    }
}
