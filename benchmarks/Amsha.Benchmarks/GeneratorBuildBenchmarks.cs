using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Benchmarks;

/// <summary>
/// What the Amsha generators add to a build: parsing, compiling and emitting a large declaration project with
/// the generators (which also compile what they generate) against the same project with the compiler alone
/// (the baseline, ratio 1.00). In-process Roslyn, as the compiler server runs it; references loaded once.
/// </summary>
/// <remarks>
/// The shapes are the issue's: a crew of 1,000 tasks each with its own structured output record (a codec per
/// record), and an <c>[ExecutionState]</c> type with 2,000 members (one codec). Without the generators the
/// declarations compile too (the crew and state types are empty partial classes), they just do nothing.
/// A third row compiles the same declarations with System.Text.Json's generator over a <c>JsonSerializerContext</c>
/// naming the same types (the 1,000 output records, or the state type): what the platform's own compile-time
/// serializer adds for them, the yardstick for what per-member serialization code costs the compiler.
/// </remarks>
[MemoryDiagnoser]
public class GeneratorBuildBenchmarks
{
    private ISourceGenerator[] _generators = [];
    private ISourceGenerator[] _jsonGenerators = [];
    private string _source = "";
    private string _jsonSource = "";

    [Params("TypedCrew1000", "State2000")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _source = SourceOf(Shape);
        _jsonSource = _source + JsonContextOf(Shape);
        _generators = GeneratorHost.AmshaGenerators();
        _jsonGenerators = GeneratorHost.JsonGenerators();

        // Every path must build without errors, or the comparison measures nothing.
        Check(CompilerOnly());
        Check(WithAmshaGenerators());
        Check(WithJsonGenerator());
    }

    [Benchmark(Baseline = true, Description = "Compiler alone")]
    public long CompilerOnly() => GeneratorHost.Emit(Compilation());

    [Benchmark(Description = "Amsha generators + compiler")]
    public long WithAmshaGenerators()
    {
        var compilation = Compilation();
        CSharpGeneratorDriver.Create(_generators, parseOptions: (CSharpParseOptions)compilation.SyntaxTrees[0].Options)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return GeneratorHost.Emit(output);
    }

    [Benchmark(Description = "System.Text.Json generator + compiler")]
    public long WithJsonGenerator()
    {
        var compilation = GeneratorHost.Compilation("Amsha.Benchmarks.Generated", GeneratorHost.Parse("Bench.cs", _jsonSource));
        CSharpGeneratorDriver.Create(_jsonGenerators, parseOptions: GeneratorHost.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return GeneratorHost.Emit(output);
    }

    /// <summary>
    /// A <c>JsonSerializerContext</c> naming the types Amsha writes codecs for in <paramref name="shape"/>; without
    /// System.Text.Json's generator it does not compile (its abstract members are generated).
    /// </summary>
    internal static string JsonContextOf(string shape)
    {
        IEnumerable<string> types = shape == "State2000" ? ["BigState"] : Enumerable.Range(0, 1000).Select(i => $"Out{i}");
        return string.Concat(types.Select(type => $"[System.Text.Json.Serialization.JsonSerializable(typeof({type}))]\n"))
            + "internal sealed partial class BenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;\n";
    }

    /// <summary>The declarations of <paramref name="shape"/> (TypedCrew1000 or State2000).</summary>
    internal static string SourceOf(string shape) => shape == "State2000" ? StateType(2000) : TypedCrew(1000);

    private CSharpCompilation Compilation() => GeneratorHost.Compilation("Amsha.Benchmarks.Generated", GeneratorHost.Parse("Bench.cs", _source));

    private static void Check(long size)
    {
        if (size < 0)
        {
            throw new InvalidOperationException("The benchmark source does not compile.");
        }
    }

    private const string Header = """
        using System.Collections.Generic;
        using Amsha;

        namespace Bench;

        [Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Careful.")]
        public partial class Writer;

        public sealed record Brief(string Topic);

        """;

    private static string TypedCrew(int tasks)
    {
        var text = new StringBuilder(Header);
        for (var i = 0; i < tasks; i++)
        {
            text.Append($"public sealed record Out{i}(string Title, string Body, int Words, List<string> Sources);\n");
            text.Append($"[CrewTask<Out{i}>(Agent = typeof(Writer), Description = \"Step {i} on {{Topic}}\", ExpectedOutput = \"A section\"{(i > 0 ? $", Context = [typeof(T{i - 1})]" : "")})] public partial class T{i};\n");
        }

        return text.Append("[Crew<Brief>(Tasks = [" + string.Join(", ", Enumerable.Range(0, tasks).Select(i => $"typeof(T{i})")) + "])] public partial class BigCrew;\n").ToString();
    }

    private static string StateType(int members)
    {
        var text = new StringBuilder(Header).Append("[ExecutionState]\npublic sealed partial class BigState\n{\n");
        for (var i = 0; i < members; i++)
        {
            text.Append($"    public {(i % 4) switch { 0 => "int", 1 => "string?", 2 => "double", _ => "List<string>?" }} M{i} {{ get; set; }}\n");
        }

        return text.Append("}\n").ToString();
    }
}

/// <summary>
/// Where the build time of <see cref="GeneratorBuildBenchmarks"/> goes, without BenchmarkDotNet: how long the
/// generators run, what they emit (by kind of file) and how long the emit takes with and without it.
/// </summary>
internal static class GeneratorBuildReport
{
    private const int Runs = 5;

    public static void Run()
    {
        foreach (var shape in new[] { "TypedCrew1000", "State2000" })
        {
            var user = GeneratorHost.Compilation("Amsha.Benchmarks.Generated", GeneratorHost.Parse("Bench.cs", GeneratorBuildBenchmarks.SourceOf(shape)));
            var generators = GeneratorHost.AmshaGenerators();
            var generatorTimes = new List<double>();
            Compilation output = user;
            for (var i = 0; i < Runs; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                CSharpGeneratorDriver.Create(generators, parseOptions: GeneratorHost.ParseOptions).RunGeneratorsAndUpdateCompilation(Reparsed(user), out output, out _);
                generatorTimes.Add(watch.Elapsed.TotalMilliseconds);
            }

            var generated = output.SyntaxTrees.Skip(user.SyntaxTrees.Length).ToArray();
            Console.WriteLine($"{shape}: generators {Median(generatorTimes):F0} ms (median of {Runs}, parsing what they emit included); {generated.Length} files, {generated.Sum(t => t.Length):N0} characters");
            foreach (var kind in generated.GroupBy(t => Kind(t.FilePath)).OrderByDescending(g => g.Sum(t => t.Length)))
            {
                Console.WriteLine($"  {kind.Key,-28} {kind.Count(),5} files {kind.Sum(t => t.Length),12:N0} characters");
            }

            var alone = EmitTime(user);
            var all = EmitTime(output);
            Console.WriteLine($"  emit: compiler alone {alone:F0} ms, with what the generators emit {all:F0} ms ({all / alone:F2}x)");

            var jsonUser = GeneratorHost.Compilation("Amsha.Benchmarks.Generated", GeneratorHost.Parse("Bench.cs", GeneratorBuildBenchmarks.SourceOf(shape) + GeneratorBuildBenchmarks.JsonContextOf(shape)));
            CSharpGeneratorDriver.Create(GeneratorHost.JsonGenerators(), parseOptions: GeneratorHost.ParseOptions).RunGeneratorsAndUpdateCompilation(jsonUser, out var jsonOutput, out _);
            var jsonGenerated = jsonOutput.SyntaxTrees.Skip(jsonUser.SyntaxTrees.Length).ToArray();
            var json = EmitTime(jsonOutput);
            Console.WriteLine($"  System.Text.Json's generator for the same types: {jsonGenerated.Length} files, {jsonGenerated.Sum(t => t.Length):N0} characters; emit {json:F0} ms ({json / alone:F2}x)");
        }
    }

    // A fresh parse, so nothing the compiler bound in an earlier run is reused.
    private static Compilation Reparsed(Compilation compilation) =>
        compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)));

    private static double EmitTime(Compilation compilation)
    {
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var fresh = Reparsed(compilation);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            if (GeneratorHost.Emit(fresh) < 0)
            {
                throw new InvalidOperationException("The benchmark source does not compile.");
            }

            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return Median(times);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    // "Bench.Out5.JsonCodec.g.cs" -> "JsonCodec".
    private static string Kind(string path)
    {
        var parts = Path.GetFileName(path).Split('.');
        return parts.Length >= 3 ? parts[^3] : parts[0];
    }
}
