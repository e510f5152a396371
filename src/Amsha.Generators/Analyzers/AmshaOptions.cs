using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers;

/// <summary>Reads <c>amsha_*</c> analyzer options from <c>.editorconfig</c> (per syntax tree, as the compiler resolves them).</summary>
internal static class AmshaOptions
{
    public static string? Get(AnalyzerOptions options, SyntaxTree tree, string key) =>
        options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key, out var value) ? value : null;

    public static bool IsTrue(AnalyzerOptions options, SyntaxTree tree, string key) =>
        string.Equals(Get(options, tree, key)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
