using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.TestKit;

/// <summary>An additional file held in memory, as the compiler hands <c>AdditionalFiles</c> to generators and analyzers.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;

    /// <summary>The same file with other contents (a new object, as the IDE makes on an edit).</summary>
    public InMemoryAdditionalText WithText(string newText) => new(Path, newText);
}

/// <summary>
/// What <c>build/Amsha.targets</c> gives the compiler for <c>&lt;AmshaDefinitions Include="..."/&gt;</c>: the files as
/// additional files with <c>build_metadata.AdditionalFiles.AmshaDefinition = true</c>, and the build properties
/// <c>RootNamespace</c> and <c>AmshaDefinitionsNamespace</c> as <c>build_property.*</c> global options.
/// </summary>
public sealed class DefinitionFileSet
{
    public const string MetadataKey = "build_metadata.AdditionalFiles.AmshaDefinition";

    public DefinitionFileSet(IEnumerable<InMemoryAdditionalText> definitions, string? rootNamespace = "Sample", string? definitionsNamespace = null, IEnumerable<InMemoryAdditionalText>? otherFiles = null)
    {
        Definitions = definitions.ToImmutableArray();
        OtherFiles = (otherFiles ?? Array.Empty<InMemoryAdditionalText>()).ToImmutableArray();
        var global = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        if (rootNamespace is not null)
        {
            global["build_property.RootNamespace"] = rootNamespace;
        }

        if (definitionsNamespace is not null)
        {
            global["build_property.AmshaDefinitionsNamespace"] = definitionsNamespace;
        }

        Options = new OptionsProvider(global.ToImmutable(), Definitions.Select(d => d.Path).ToImmutableHashSet(StringComparer.Ordinal));
    }

    /// <summary>Files marked as definitions.</summary>
    public ImmutableArray<InMemoryAdditionalText> Definitions { get; }

    /// <summary>Additional files without the mark (not definition files).</summary>
    public ImmutableArray<InMemoryAdditionalText> OtherFiles { get; }

    public ImmutableArray<AdditionalText> AdditionalTexts => Definitions.Cast<AdditionalText>().Concat(OtherFiles).ToImmutableArray();

    public AnalyzerConfigOptionsProvider Options { get; }

    /// <summary>The parse options of the generated files (the harness's by default); e.g. with documentation comments checked, as <c>GenerateDocumentationFile</c> does.</summary>
    public CSharpParseOptions ParseOptions { get; init; } = GeneratorHarness.ParseOptions;

    /// <summary>Definition files from (path, YAML) pairs, root namespace <c>Sample</c>.</summary>
    public static DefinitionFileSet Of(params (string Path, string Text)[] files) => new(files.Select(f => new InMemoryAdditionalText(f.Path, f.Text)));

    /// <summary>
    /// The definition files a project lists as <c>&lt;AmshaDefinitions Include="..." Exclude="..."/&gt;</c> (globs with
    /// <c>*</c> and <c>**</c>, relative to the project; build output left out), with its <c>RootNamespace</c> (else the
    /// project's name, as the SDK defaults it) and <c>AmshaDefinitionsNamespace</c>: what a build of the project gives the generator.
    /// </summary>
    public static DefinitionFileSet FromProject(string projectPath)
    {
        var project = System.Xml.Linq.XDocument.Load(projectPath);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(projectPath))!;
        string? Property(string name) => project.Descendants(name).Select(e => e.Value.Trim()).LastOrDefault(v => v.Length > 0);

        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in project.Descendants("AmshaDefinitions"))
        {
            var excluded = Expand(directory, (string?)item.Attribute("Exclude")).ToHashSet(StringComparer.Ordinal);
            files.UnionWith(Expand(directory, (string?)item.Attribute("Include")).Where(f => !excluded.Contains(f)));
        }

        var definitions = files.Select(f => new InMemoryAdditionalText(f, System.IO.File.ReadAllText(f)));
        return new DefinitionFileSet(definitions, Property("RootNamespace") ?? System.IO.Path.GetFileNameWithoutExtension(projectPath), Property("AmshaDefinitionsNamespace"));
    }

    // MSBuild's globs, enough for project files: ';'-separated patterns, '*' within a name, '**' across directories.
    private static IEnumerable<string> Expand(string directory, string? patterns)
    {
        foreach (var pattern in (patterns ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var regex = new System.Text.RegularExpressions.Regex(
                "^" + System.Text.RegularExpressions.Regex.Escape(pattern.Replace('\\', '/')).Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*") + "$");
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*", System.IO.SearchOption.AllDirectories))
            {
                var relative = System.IO.Path.GetRelativePath(directory, file).Replace('\\', '/');
                if (!relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal) && regex.IsMatch(relative))
                {
                    yield return file;
                }
            }
        }
    }

    /// <summary>A compilation of <paramref name="sources"/> plus what the generators add with these files (as <see cref="AnalyzerHarness.CreateCompilationWithGeneratedCode"/> does without them).</summary>
    public Compilation CreateCompilationWithGeneratedCode(IEnumerable<(string Path, string Text)> sources, IEnumerable<MetadataReference>? references = null)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, GeneratorHarness.ParseOptions, path: s.Path)).ToList();
        var compilation = GeneratorHarness.CreateCompilation(trees).AddReferences(references ?? Array.Empty<MetadataReference>());
        return Run(compilation).Output;
    }

    /// <summary>The text of the definition file at <paramref name="path"/>.</summary>
    public string TextOf(string path) => Definitions.Single(d => d.Path == path).GetText().ToString();

    /// <summary>A generator driver over these files and options, as the compiler would create it.</summary>
    public GeneratorDriver CreateDriver(params IIncrementalGenerator[] generators)
    {
        if (generators.Length == 0)
        {
            generators = GeneratorHarness.AllGenerators();
        }

        return CSharpGeneratorDriver.Create(
            generators.Select(g => g.AsSourceGenerator()),
            AdditionalTexts,
            ParseOptions,
            Options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generators over <paramref name="compilation"/> with these files.</summary>
    public GeneratorRun Run(CSharpCompilation compilation, params IIncrementalGenerator[] generators)
    {
        var driver = CreateDriver(generators).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(compilation, output, driver, diagnostics);
    }

    /// <summary>Runs the generators over <paramref name="sources"/> with these files.</summary>
    public GeneratorRun Run(params string[] sources) => Run(GeneratorHarness.CreateCompilation(sources));

    /// <summary>Generates, then runs every analyzer over the output compilation with these files: every diagnostic reported.</summary>
    public System.Threading.Tasks.Task<ImmutableArray<Diagnostic>> AnalyzeAsync(params string[] sources) => AnalyzeAsync(Run(sources));

    /// <summary>Runs every analyzer over the output of <paramref name="run"/> with these files (AD0001 for an analyzer exception included).</summary>
    public System.Threading.Tasks.Task<ImmutableArray<Diagnostic>> AnalyzeAsync(GeneratorRun run) => AnalyzeAsync(run.Output);

    /// <summary>Runs every analyzer over <paramref name="compilation"/> (generated code already in it) with these files.</summary>
    public async System.Threading.Tasks.Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
    {
        var options = new AnalyzerOptions(AdditionalTexts, Options);
        var withAnalyzers = compilation.WithAnalyzers(GeneratorHarness.AllAnalyzers(), new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The same set with the file at <paramref name="path"/> replaced (other files keep their objects, as in an IDE).</summary>
    public DefinitionFileSet With(string path, string text) =>
        new(Definitions.Select(d => d.Path == path ? d.WithText(text) : d), Global("build_property.RootNamespace"), Global("build_property.AmshaDefinitionsNamespace"), OtherFiles);

    private string? Global(string key) => Options.GlobalOptions.TryGetValue(key, out var value) ? value : null;

    private sealed class OptionsProvider(ImmutableDictionary<string, string> global, ImmutableHashSet<string> definitionPaths) : AnalyzerConfigOptionsProvider
    {
        private static readonly DictionaryOptions s_empty = new(ImmutableDictionary<string, string>.Empty);
        private static readonly DictionaryOptions s_definition = new(ImmutableDictionary<string, string>.Empty.Add(MetadataKey, "true"));

        public override AnalyzerConfigOptions GlobalOptions { get; } = new DictionaryOptions(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => definitionPaths.Contains(textFile.Path) ? s_definition : s_empty;
    }

    private sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
