using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Benchmarks;

/// <summary>
/// What the generator benchmarks compile with, loaded once: the platform's reference assemblies and Amsha's, the Amsha
/// generators (internal, found by their attribute as the compiler finds them), and System.Text.Json's source generator
/// from the SDK's targeting pack (the one every net10.0 project runs).
/// </summary>
internal static class GeneratorHost
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(ExecutionSession).Assembly.Location)
            .Where(File.Exists)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static ISourceGenerator[] AmshaGenerators() =>
        Assembly.Load("Amsha.Generators").GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t) && t.GetCustomAttribute<GeneratorAttribute>() is not null)
            .Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t, nonPublic: true)!).AsSourceGenerator())
            .ToArray();

    /// <summary>System.Text.Json's generator from <c>packs/Microsoft.NETCore.App.Ref/{version}/analyzers/dotnet/cs</c>, the running runtime's version first.</summary>
    public static ISourceGenerator[] JsonGenerators()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var candidates = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .OrderByDescending(directory => Path.GetFileName(directory) == Environment.Version.ToString())
                .ThenByDescending(directory => Version.TryParse(Path.GetFileName(directory).Split('-')[0], out var version) ? version : new Version())
                .Select(directory => Path.Combine(directory, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
                .Where(File.Exists)
                .ToArray()
            : [];
        if (candidates.Length == 0)
        {
            throw new InvalidOperationException($"System.Text.Json.SourceGeneration.dll was not found under '{packs}': the comparison needs the SDK's targeting pack.");
        }

        return Assembly.LoadFrom(candidates[0]).GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t) && t.GetCustomAttribute<GeneratorAttribute>() is not null)
            .Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t, nonPublic: true)!).AsSourceGenerator())
            .ToArray();
    }

    public static CSharpCompilation Compilation(string assemblyName, params SyntaxTree[] trees) => CSharpCompilation.Create(
        assemblyName,
        trees,
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));

    public static SyntaxTree Parse(string path, string text) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    /// <summary>The size of the emitted assembly; -1 when the emit failed.</summary>
    public static long Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        return compilation.Emit(stream).Success ? stream.Length : -1;
    }
}
