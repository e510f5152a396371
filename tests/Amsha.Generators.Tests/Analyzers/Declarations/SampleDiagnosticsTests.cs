using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>The samples are what users copy: they must compile with no Amsha diagnostic at all.</summary>
public sealed class SampleDiagnosticsTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(Path.Combine(RepositoryRoot(), "samples")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_compiles_with_zero_Amsha_diagnostics(string sample)
    {
        var directory = Path.Combine(RepositoryRoot(), "samples", sample);
        var sources = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(directory, path))
            .Order(StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllText(path)))
            .ToList();
        Assert.NotEmpty(sources);

        // The sample's YAML crews too, as its build gives them to the generator (<AmshaDefinitions Include="..."/>).
        var definitions = DefinitionFileSet.FromProject(Directory.GetFiles(directory, "*.csproj").Single());
        var compilation = definitions.CreateCompilationWithGeneratedCode(sources, SampleOnlyReferences(directory));
        if (compilation.SyntaxTrees.Any(tree => tree.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any()))
        {
            // Top-level statements: compile as the executable the sample is.
            compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        }

        var diagnostics = await definitions.AnalyzeAsync(compilation);

        Assert.Empty(diagnostics.Where(d => d.Id.StartsWith("AMSHA", StringComparison.Ordinal) || d.Id == "AD0001").Select(d => d.ToString()));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !IsLoggerMessage(d)).Select(d => d.ToString()));
    }

    [Fact]
    public void Quickstart_is_among_the_samples()
    {
        Assert.Contains("Amsha.Samples.Quickstart", Samples().Select(row => (string)row.Data));
    }

    // Amsha.OpenAI (a sample switches to a real endpoint by configuration) from its build output: referencing the
    // project would put the OpenAI SDK among every test compilation's references, where the leakage tests declare
    // stand-in OpenAI types of their own.
    private static MetadataReference[] SampleOnlyReferences(string sampleDirectory)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), "src", "Amsha.OpenAI", "bin", configuration, "net8.0", "Amsha.OpenAI.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Amsha.OpenAI was not built at '{path}'; build the solution first.", path);
        }

        var references = new List<MetadataReference> { MetadataReference.CreateFromFile(path) };
        var project = Directory.GetFiles(sampleDirectory, "*.csproj").Single();
        references.AddRange(SampleOutputReferences(sampleDirectory, configuration, File.ReadAllText(project).Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal)));
        return references.ToArray();
    }

    // A sample compiles against the libraries its build copied (Amsha.AspNetCore, Orleans, …) and, for a web sample,
    // ASP.NET Core's shared framework (beside the runtime this test runs on); assemblies the tests reference already are kept.
    private static IEnumerable<MetadataReference> SampleOutputReferences(string sampleDirectory, string configuration, bool web)
    {
        var known = new HashSet<string>(
            GeneratorHarness.References.OfType<PortableExecutableReference>().Select(r => Path.GetFileName(r.FilePath!)),
            StringComparer.OrdinalIgnoreCase);
        var output = Path.Combine(sampleDirectory, "bin", configuration, "net10.0");
        if (!Directory.Exists(output))
        {
            throw new DirectoryNotFoundException($"'{Path.GetFileName(sampleDirectory)}' was not built at '{output}'; build the solution first.");
        }

        var libraries = Directory.GetFiles(output, "*.dll").AsEnumerable();
        if (web)
        {
            var runtime = new DirectoryInfo(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
            var aspNetCore = new DirectoryInfo(Path.Combine(runtime.Parent!.Parent!.FullName, "Microsoft.AspNetCore.App"))
                .GetDirectories()
                .OrderByDescending(d => Version.TryParse(d.Name.Split('-')[0], out var version) ? version : new Version(0, 0))
                .FirstOrDefault() ?? throw new DirectoryNotFoundException($"No ASP.NET Core shared framework beside '{runtime.FullName}'.");
            libraries = aspNetCore.GetFiles("*.dll").Select(f => f.FullName).Concat(libraries);
        }

        var sample = Path.GetFileName(sampleDirectory) + ".dll";
        foreach (var dll in libraries)
        {
            var name = Path.GetFileName(dll);
            if (!name.Equals(sample, StringComparison.OrdinalIgnoreCase) && known.Add(name))
            {
                yield return MetadataReference.CreateFromFile(dll);
            }
        }
    }

    // [LoggerMessage] methods are implemented by Microsoft.Extensions.Logging's own generator, which this compilation does not run.
    private static bool IsLoggerMessage(Diagnostic diagnostic) =>
        diagnostic.Id == "CS8795"
        && diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan) is { } node
        && node.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is { } method
        && method.AttributeLists.SelectMany(list => list.Attributes).Any(a => a.Name.ToString() is "LoggerMessage" or "LoggerMessageAttribute");

    private static bool IsBuildOutput(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        return relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal);
    }

    /// <summary>The directory holding Amsha.Generators.sln, found by walking up from the test binaries.</summary>
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Amsha.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Could not find Amsha.Generators.sln above " + AppContext.BaseDirectory + "; run the tests from inside the repository.");
    }
}
