using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// The generators' work grows linearly with the code. Each shape is generated at three sizes, ten times apart,
/// and every count may grow at most 1.2 × 10 from one size to the next: types described and type references
/// shaped by the serialization rules, steps of the walks from roots, outputs of the tracked pipeline steps,
/// characters emitted. Counted, never timed, so a test cannot pass because the machine was fast, nor fail
/// because it was busy. The old generator was quadratic or worse in each of these shapes.
/// </summary>
public sealed class GeneratorScalingTests
{
    private static readonly int[] Sizes = [10, 100, 1000];

    private const string Header = """
        using System.Collections.Generic;
        using Amsha;

        namespace Scale;

        [Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Careful.")]
        public partial class Writer;

        public sealed record Brief(string Topic);

        """;

    private static readonly (string What, Func<WorkCounts, double> Count) Emitted = ("emitted characters", r => r.EmittedCharacters);
    private static readonly (string What, Func<WorkCounts, double> Count) StepOutputs = ("step outputs", r => r.StepOutputs);
    private static readonly (string What, Func<WorkCounts, double> Count) Described = ("types described", r => r.Serialization.DescribedTypes);
    private static readonly (string What, Func<WorkCounts, double> Count) Shaped = ("type references shaped", r => r.Serialization.ShapedTypeReferences);
    private static readonly (string What, Func<WorkCounts, double> Count) RootWalks = ("root walk steps", r => r.Serialization.RootWalkSteps);

    // Each task has its own output (with a shared record and an enum in it) and the previous task as context.
    [Fact]
    public void A_typed_crew_costs_the_same_per_task() => AssertScales(Sizes, TypedCrew, Emitted, StepOutputs, Described, Shaped, RootWalks);

    // record R(i)(string Text, List<R(i-1)>? Prev), the last one a task output: one root, depth 10, 100, 1,000.
    [Fact]
    public void A_chain_of_records_costs_the_same_per_record() =>
        AssertScales(Sizes, depth => Header + Chain(depth) + Task($"R{depth - 1}", 0), Emitted, Described, Shaped, RootWalks);

    // D(i) uses L(i) and Q(i), both of which use D(i-1): the paths double at every level, the types do not.
    // The old schemas described every path, doubling the output per level.
    [Fact]
    public void Diamonds_cost_the_same_per_level() =>
        AssertScales(Sizes, depth => Header + Diamond(depth) + Task($"D{depth - 1}", 0), Emitted, Described, Shaped, RootWalks);

    // The issue's shape: record Out(n)(string Text, int N, List<Out(n-1)>? Prev), each a task output. Every type is
    // described and emitted once. (Each root still lists the codecs it reaches, references to the shared models,
    // so the walks from roots take n(n+1)/2 steps in all: that count is not asserted here.)
    [Fact]
    public void A_chain_of_task_outputs_costs_the_same_per_task() => AssertScales(Sizes, ChainOfTaskOutputs, Emitted, StepOutputs, Described, Shaped);

    [Fact]
    public void A_state_type_costs_the_same_per_member() => AssertScales(
        [20, 200, 2000],
        n => Header + "[ExecutionState] public sealed partial class State\n{\n"
            + string.Concat(Enumerable.Range(0, n).Select(i => $"    public {(i % 2 == 0 ? "int" : "List<string>?")} M{i} {{ get; set; }}\n")) + "}\n",
        Emitted,
        Shaped);

    // The compiler binds one switch statement in time that grows faster than its cases (a 4,000-case switch took
    // seven times as long as a 2,000-case one), so no generated switch may grow with the type.
    [Fact]
    public void No_generated_switch_grows_with_the_number_of_members()
    {
        var run = GeneratorHarness.Run(Header + "[ExecutionState] public sealed partial class State\n{\n"
            + string.Concat(Enumerable.Range(0, 2000).Select(i => $"    public {(i % 2 == 0 ? "int" : "List<string>?")} M{i} {{ get; set; }}\n")) + "}\n");
        Assert.Empty(run.CompilationErrors);

        var switches = run.Output.SyntaxTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.SwitchStatementSyntax>())
            .ToList();
        Assert.Contains(switches, s => s.Sections.Count > 30);
        // 64 cases and a default: the size that measured linear, whatever the emitter's constant says.
        Assert.All(switches, s => Assert.InRange(s.Sections.Count, 1, 65));
    }

    [Fact]
    public void A_crew_input_costs_the_same_per_member() => AssertScales(
        [5, 50, 500],
        n => Header
            + "public sealed class Input\n{\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"    public string P{i} {{ get; set; }} = \"\";\n")) + "}\n"
            + "[CrewTask(Agent = typeof(Writer), Description = \"Use {P0} and {P" + (n - 1) + "}\", ExpectedOutput = \"E\")] public partial class Use;\n"
            + "[Crew<Input>(Tasks = [typeof(Use)])] public partial class InputCrew;\n",
        Emitted,
        Shaped);

    [Fact]
    public void LlmCall_methods_cost_the_same_per_method()
    {
        // Thousands of [AmshaLlmCall] methods in one type: the type is searched for its session once.
        int[] methods = [20, 200, 2000];
        var runs = methods.Select(n => WorkCounts.Generate(Header
            + "public sealed record Verdict(bool Supported, string Reason);\npublic partial class Judge(ExecutionSession session)\n{\n"
            + string.Concat(Enumerable.Range(0, n).Select(i => $"    [AmshaLlmCall(Prompt = \"Judge {{claim}} ({i})\")] public partial System.Threading.Tasks.Task<Verdict> Judge{i}Async(string claim);\n"))
            + "}\n")).ToList();

        WorkCounts.AssertLinear(methods, runs, ("emitted characters", r => r.EmittedCharacters), ("step outputs", r => r.StepOutputs));
        Assert.All(runs, r => Assert.Equal(1, r.SessionSearches));
        Assert.All(runs, r => Assert.Equal(1, r.Serialization.DescribedTypes));
    }

    [Fact]
    public async Task AMSHA010_costs_the_same_per_task()
    {
        // The analyzer shares the rules: a serializable root is a lookup once its types are described, so it
        // describes each type once and walks nothing for correct code.
        var counts = new List<SerializationWork>();
        foreach (var tasks in Sizes)
        {
            var probe = new CompilationProbe();
            var compilation = GeneratorHarness.CreateCompilation(ChainOfTaskOutputs(tasks));
            Assert.Empty(await compilation.WithAnalyzers([new SerializableTypeAnalyzer(), probe]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken));
            counts.Add(SerializationRules.WorkFor(probe.Compilation!));
        }

        WorkCounts.AssertLinear("types described", Sizes, counts.Select(c => (double)c.DescribedTypes).ToList());
        WorkCounts.AssertLinear("type references shaped", Sizes, counts.Select(c => (double)c.ShapedTypeReferences).ToList());
        Assert.All(counts, c => Assert.Equal(0, c.RootWalkSteps));
    }

    private static void AssertScales(int[] sizes, Func<int, string> source, params (string What, Func<WorkCounts, double> Count)[] counts) =>
        WorkCounts.AssertLinear(sizes, sizes.Select(size => WorkCounts.Generate(source(size))).ToList(), counts);

    /// <summary>Records the compilation analyzers see (the analyzer driver's own copy of the one analyzed).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class CompilationProbe : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Unused = new("PROBE001", "Probe", "Probe", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public Compilation? Compilation { get; private set; }

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Unused];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationAction(end => Compilation = end.Compilation);
        }
    }

    private static string TypedCrew(int tasks)
    {
        var text = new StringBuilder(Header).Append("public enum Level { Low, High }\npublic sealed record Source(string Title, List<string> Tags);\n");
        for (var i = 0; i < tasks; i++)
        {
            text.Append($"public sealed record Out{i}(string Text, int N, Source Source, Level Level);\n");
            text.Append(Task($"Out{i}", i));
        }

        return text.Append(Crew(tasks)).ToString();
    }

    private static string ChainOfTaskOutputs(int tasks)
    {
        var text = new StringBuilder(Header).Append("public sealed record Out0(string Text, int N);\n").Append(Task("Out0", 0));
        for (var i = 1; i < tasks; i++)
        {
            text.Append($"public sealed record Out{i}(string Text, int N, List<Out{i - 1}>? Prev);\n").Append(Task($"Out{i}", i));
        }

        return text.Append(Crew(tasks)).ToString();
    }

    private static string Chain(int depth) =>
        "public sealed record R0(string Text);\n" + string.Concat(Enumerable.Range(1, depth - 1).Select(i => $"public sealed record R{i}(string Text, List<R{i - 1}>? Prev);\n"));

    private static string Diamond(int depth) =>
        "public sealed record D0(string Text);\n" + string.Concat(Enumerable.Range(1, depth - 1).Select(i =>
            $"public sealed record L{i}(D{i - 1} X);\npublic sealed record Q{i}(D{i - 1} Y);\npublic sealed record D{i}(L{i} Left, Q{i} Right);\n"));

    // Task T(i) producing `output`, with the previous task as its context.
    private static string Task(string output, int i) =>
        $"[CrewTask<{output}>(Agent = typeof(Writer), Description = \"Step {i} on {{Topic}}\", ExpectedOutput = \"E\"{(i > 0 ? $", Context = [typeof(T{i - 1})]" : "")})] public partial class T{i};\n";

    private static string Crew(int tasks) =>
        "[Crew<Brief>(Process = CrewProcess.Graph, Tasks = [" + string.Join(", ", Enumerable.Range(0, tasks).Select(i => $"typeof(T{i})")) + "])] public partial class BigCrew;\n";
}
