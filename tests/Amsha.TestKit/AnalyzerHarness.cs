using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.TestKit;

/// <summary>An expected diagnostic parsed from markup: <c>{|AMSHA004:Topik|}</c>.</summary>
public sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Runs Amsha's analyzers the way the IDE and the compiler do: over a real compilation that
/// already contains the generated code, with an optional <c>.editorconfig</c>.
/// </summary>
public static class AnalyzerHarness
{
    public const string SourcePath = "/src/Test0.cs";

    /// <summary>
    /// Asserts that exactly the diagnostics marked in <paramref name="markup"/> (<c>{|ID:text|}</c>)
    /// are reported, at exactly those spans, among the diagnostics whose IDs start with <paramref name="idPrefix"/>.
    /// </summary>
    public static Task VerifyAsync(string markup, string? editorConfig = null, string idPrefix = "AMSHA", IEnumerable<DiagnosticAnalyzer>? analyzers = null) =>
        VerifyAsync(markup, Array.Empty<MetadataReference>(), editorConfig, idPrefix, analyzers);

    /// <summary>As <see cref="VerifyAsync(string, string?, string, IEnumerable{DiagnosticAnalyzer}?)"/>, compiling against extra <paramref name="references"/> (e.g. stand-in provider assemblies).</summary>
    public static async Task VerifyAsync(string markup, IEnumerable<MetadataReference> references, string? editorConfig = null, string idPrefix = "AMSHA", IEnumerable<DiagnosticAnalyzer>? analyzers = null)
    {
        var (source, expected) = ParseMarkup(markup);
        var actual = (await GetDiagnosticsAsync(source, references, editorConfig, analyzers).ConfigureAwait(false))
            .Where(d => d.Id.StartsWith(idPrefix, StringComparison.Ordinal))
            .ToList();

        var expectedKeys = expected.Select(e => (e.Id, e.Span)).OrderBy(k => k.Span.Start).ThenBy(k => k.Id).ToList();
        var actualKeys = actual.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(k => k.SourceSpan.Start).ThenBy(k => k.Id).ToList();
        if (!expectedKeys.SequenceEqual(actualKeys))
        {
            throw new DiagnosticMismatchException(Describe(source, expected, actual));
        }
    }

    /// <summary>Every diagnostic the analyzers report (AD0001 for an analyzer exception included).</summary>
    public static Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(string source, string? editorConfig = null, IEnumerable<DiagnosticAnalyzer>? analyzers = null, CancellationToken cancellationToken = default) =>
        GetDiagnosticsAsync(source, Array.Empty<MetadataReference>(), editorConfig, analyzers, cancellationToken);

    /// <summary>Every diagnostic the analyzers report, compiling against extra <paramref name="references"/>.</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(string source, IEnumerable<MetadataReference> references, string? editorConfig = null, IEnumerable<DiagnosticAnalyzer>? analyzers = null, CancellationToken cancellationToken = default)
    {
        var compilation = CreateCompilationWithGeneratedCode(new[] { (SourcePath, source) }, editorConfig, references);
        return await AnalyzeAsync(compilation, editorConfig, analyzers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the analyzers over an existing compilation (generators not run again).</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, string? editorConfig = null, IEnumerable<DiagnosticAnalyzer>? analyzers = null, CancellationToken cancellationToken = default)
    {
        var set = (analyzers ?? GeneratorHarness.AllAnalyzers()).ToImmutableArray();
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new EditorConfigOptionsProvider(editorConfig));
        var withAnalyzers = compilation.WithAnalyzers(set, new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);

        // Severity settings from .editorconfig reach the driver through the compilation's
        // SyntaxTreeOptionsProvider, exactly as in a real build.
        return diagnostics;
    }

    /// <summary>A compilation of <paramref name="sources"/> plus everything Amsha's generators add to it.</summary>
    public static Compilation CreateCompilationWithGeneratedCode(IEnumerable<(string Path, string Text)> sources, string? editorConfig = null, IEnumerable<MetadataReference>? references = null)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, GeneratorHarness.ParseOptions, path: s.Path)).ToList();
        var compilation = GeneratorHarness.CreateCompilation(trees).AddReferences(references ?? Array.Empty<MetadataReference>());
        if (editorConfig is not null)
        {
            compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigTreeOptions(editorConfig)));
        }

        return GeneratorHarness.Run(compilation).Output;
    }

    /// <summary>Splits markup into clean source and the expected diagnostics.</summary>
    public static (string Source, List<ExpectedDiagnostic> Expected) ParseMarkup(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string Id, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                var colon = markup.IndexOf(':', i + 2);
                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length));
                i = colon + 1;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }

        return (source.ToString(), expected);
    }

    private static string Describe(string source, List<ExpectedDiagnostic> expected, List<Diagnostic> actual)
    {
        var text = new StringBuilder("Diagnostics differ.\nExpected:\n");
        foreach (var e in expected)
        {
            text.Append("  ").Append(e.Id).Append(" at ").Append(e.Span).Append(" '").Append(source.Substring(e.Span.Start, e.Span.Length)).AppendLine("'");
        }

        text.AppendLine("Actual:");
        foreach (var d in actual)
        {
            var span = d.Location.SourceSpan;
            var snippet = d.Location.SourceTree?.FilePath == SourcePath && span.End <= source.Length ? source.Substring(span.Start, span.Length) : d.Location.ToString();
            text.Append("  ").Append(d.Id).Append(" at ").Append(span).Append(" '").Append(snippet).Append("': ").AppendLine(d.GetMessage());
        }

        return text.ToString();
    }

    /// <summary>Parses the <c>key = value</c> lines of an editorconfig <c>[*.cs]</c> section; enough for tests.</summary>
    internal static ImmutableDictionary<string, string> ParseEditorConfig(string? text)
    {
        var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[')
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line.Substring(0, equals).Trim()] = line.Substring(equals + 1).Trim();
            }
        }

        return values.ToImmutable();
    }

    private sealed class EditorConfigOptionsProvider(string? editorConfig) : AnalyzerConfigOptionsProvider
    {
        private readonly DictionaryOptions _options = new(ParseEditorConfig(editorConfig));

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;
    }

    private sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }

    private sealed class EditorConfigTreeOptions(string editorConfig) : SyntaxTreeOptionsProvider
    {
        private readonly ImmutableDictionary<string, string> _values = ParseEditorConfig(editorConfig);

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            TryGetGlobalDiagnosticValue(diagnosticId, cancellationToken, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            if (!_values.TryGetValue($"dotnet_diagnostic.{diagnosticId}.severity", out var value))
            {
                return false;
            }

            severity = value.ToLowerInvariant() switch
            {
                "error" => ReportDiagnostic.Error,
                "warning" => ReportDiagnostic.Warn,
                "suggestion" => ReportDiagnostic.Info,
                "silent" => ReportDiagnostic.Hidden,
                "none" => ReportDiagnostic.Suppress,
                _ => ReportDiagnostic.Default,
            };
            return severity != ReportDiagnostic.Default;
        }
    }
}

public sealed class DiagnosticMismatchException(string message) : Exception(message);
