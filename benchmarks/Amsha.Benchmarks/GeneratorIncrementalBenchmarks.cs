using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Benchmarks;

/// <summary>
/// The generators as the IDE runs them, on <see cref="TwoHundredCrews"/>: Amsha's over the 200 crews against
/// System.Text.Json's over the same 200 records (the baseline, ratio 1.00). <b>Cold</b>: a new driver on a new
/// compilation (opening the project, a command-line build). <b>Unrelated edit</b>: a driver that has run once, on the
/// compilation after a keystroke in an unrelated method body (every keystroke in the IDE). <b>Record edit</b>: the
/// same driver after one record gains a member. Only the generators run; the compiler's own work is the same on both sides.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratorIncrementalBenchmarks
{
    private readonly TwoHundredCrews _project = new();
    private Side _amsha = null!;
    private Side _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _amsha = new Side(GeneratorHost.AmshaGenerators(), _project.AmshaCompilation(), _project);
        _json = new Side(GeneratorHost.JsonGenerators(), _project.JsonCompilation(), _project);
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json generator")]
    [BenchmarkCategory("Cold")]
    public GeneratorDriver JsonCold() => _json.Cold();

    [Benchmark(Description = "Amsha generators")]
    [BenchmarkCategory("Cold")]
    public GeneratorDriver AmshaCold() => _amsha.Cold();

    [Benchmark(Baseline = true, Description = "System.Text.Json generator")]
    [BenchmarkCategory("Unrelated edit")]
    public GeneratorDriver JsonUnrelatedEdit() => _json.AfterUnrelatedEdit();

    [Benchmark(Description = "Amsha generators")]
    [BenchmarkCategory("Unrelated edit")]
    public GeneratorDriver AmshaUnrelatedEdit() => _amsha.AfterUnrelatedEdit();

    [Benchmark(Baseline = true, Description = "System.Text.Json generator")]
    [BenchmarkCategory("Record edit")]
    public GeneratorDriver JsonRecordEdit() => _json.AfterRecordEdit();

    [Benchmark(Description = "Amsha generators")]
    [BenchmarkCategory("Record edit")]
    public GeneratorDriver AmshaRecordEdit() => _amsha.AfterRecordEdit();

    /// <summary>
    /// <c>dotnet run -c Release --project benchmarks/Amsha.Benchmarks -- generator-report</c>: the generated source of each
    /// side, which steps re-ran after each edit (their run reasons) and a quick median timing, without BenchmarkDotNet.
    /// </summary>
    public static void Report()
    {
        var project = new TwoHundredCrews();
        var sides = new (string Name, Side Side)[]
        {
            ("System.Text.Json", new Side(GeneratorHost.JsonGenerators(), project.JsonCompilation(), project)),
            ("Amsha", new Side(GeneratorHost.AmshaGenerators(), project.AmshaCompilation(), project)),
        };

        var sizes = new Dictionary<string, long>();
        foreach (var (name, side) in sides)
        {
            var run = side.Cold().GetRunResult();
            var sources = run.Results.SelectMany(result => result.GeneratedSources).ToArray();
            var errors = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            sizes[name] = sources.Sum(source => (long)source.SourceText.Length);
            Console.WriteLine($"## {name}: {sources.Length} files, {sizes[name]:N0} characters generated{(errors.Length > 0 ? $", {errors.Length} errors: {errors[0]}" : "")}");
            foreach (var group in sources.GroupBy(source => Kind(source.HintName)).OrderByDescending(g => g.Sum(s => s.SourceText.Length)))
            {
                Console.WriteLine($"   {group.Key,-28} {group.Count(),5} files {group.Sum(s => (long)s.SourceText.Length),12:N0} characters");
            }

            Console.WriteLine("   after an unrelated edit: " + string.Join("; ", TwoHundredCrews.StepReasons(side.AfterUnrelatedEdit(track: true).GetRunResult())));
            var recordEdit = side.AfterRecordEdit(track: true).GetRunResult();
            Console.WriteLine("   after a record edit:     " + string.Join("; ", TwoHundredCrews.StepReasons(recordEdit)));
            Console.WriteLine("   outputs written again:   " + string.Join(", ", TwoHundredCrews.RewrittenOutputs(recordEdit)));
            Console.WriteLine($"   median ms: cold {Median(() => side.Cold()):F1}, unrelated edit {Median(() => side.AfterUnrelatedEdit()):F1}, record edit {Median(() => side.AfterRecordEdit()):F1}");
        }

        Console.WriteLine($"generated source, Amsha / System.Text.Json: {(double)sizes["Amsha"] / sizes["System.Text.Json"]:F2}");
    }

    /// <summary>
    /// <c>-- generator-profile unrelated|record|cold N</c>: Amsha's generators after that edit, N times, and nothing else,
    /// for a profiler (<c>dotnet-trace collect -- dotnet Amsha.Benchmarks.dll generator-profile unrelated 300</c>).
    /// </summary>
    public static void Profile(string edit, int count)
    {
        var project = new TwoHundredCrews();
        var side = new Side(GeneratorHost.AmshaGenerators(), project.AmshaCompilation(), project);
        Func<GeneratorDriver> run = edit switch
        {
            "cold" => side.Cold,
            "record" => () => side.AfterRecordEdit(),
            _ => () => side.AfterUnrelatedEdit(),
        };
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            run();
        }

        Console.WriteLine($"{edit}: {watch.Elapsed.TotalMilliseconds / count:F1} ms per run over {count}");
    }

    // Files that differ only by a crew's or record's number are one kind: "Bench.Report#.g.cs".
    private static string Kind(string hintName) => System.Text.RegularExpressions.Regex.Replace(hintName, "[0-9]+", "#");

    private static double Median(Func<GeneratorDriver> run, int count = 9)
    {
        run();
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[count / 2];
    }

    /// <summary>One side of the comparison: its generators, its compilation, and a driver that has already run once on it.</summary>
    private sealed class Side
    {
        private readonly ISourceGenerator[] _generators;
        private readonly CSharpCompilation _compilation;
        private readonly TwoHundredCrews _project;
        private readonly GeneratorDriver _warm;
        private readonly GeneratorDriver _warmTracked;

        public Side(ISourceGenerator[] generators, CSharpCompilation compilation, TwoHundredCrews project)
        {
            _generators = generators;
            _compilation = compilation;
            _project = project;
            _warm = Driver(track: false).RunGenerators(compilation);
            _warmTracked = Driver(track: true).RunGenerators(compilation);
        }

        // A new compilation from the same trees: nothing bound yet, as after opening the project.
        public GeneratorDriver Cold() => Driver(track: false).RunGenerators(_compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(_compilation.SyntaxTrees));

        public GeneratorDriver AfterUnrelatedEdit(bool track = false) =>
            (track ? _warmTracked : _warm).RunGenerators(_compilation.ReplaceSyntaxTree(_project.Unrelated, _project.EditedUnrelated));

        public GeneratorDriver AfterRecordEdit(bool track = false) =>
            (track ? _warmTracked : _warm).RunGenerators(_compilation.ReplaceSyntaxTree(_project.Records[TwoHundredCrews.EditedRecordIndex], _project.EditedRecord));

        private GeneratorDriver Driver(bool track) => CSharpGeneratorDriver.Create(
            _generators,
            parseOptions: GeneratorHost.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));
    }
}
