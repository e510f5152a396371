using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Robustness;

/// <summary>The generator runs on every keystroke: it must never throw, whatever half-typed code it sees.</summary>
public sealed class HalfTypedCodeTests
{
    private const string Declarations = """
        using System;
        using Amsha;

        namespace Sample;

        public sealed record ArticleRequest(string Topic, string Audience = "engineers");

        [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.")]
        public partial class Researcher;

        [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic}.", ExpectedOutput = "Facts")]
        public partial class Research;

        """;

    [Fact]
    public void Quickstart_crew_truncated_at_every_token_boundary_never_breaks_the_generator()
    {
        var source = File.ReadAllText(QuickstartCrewPath());
        var cuts = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot()
            .DescendantTokens()
            .Select(token => token.Span.End)
            .Distinct()
            .ToList();
        Assert.True(cuts.Count > 100, $"Expected a real crew source, found {cuts.Count} tokens.");

        // One driver for all prefixes, as in an IDE: each run is incremental over the previous text.
        var empty = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.Run(empty).Driver;
        var failures = new List<string>();
        var compilingPrefixes = 0;
        foreach (var cut in cuts)
        {
            var prefix = source.Substring(0, cut);
            var input = empty.AddSyntaxTrees(CSharpSyntaxTree.ParseText(prefix, GeneratorHarness.ParseOptions, path: "ArticleCrew.cs"));
            driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);

            var problem = GeneratorProblem(driver, diagnostics);
            if (problem is null && !HasSyntaxErrors(input) && !HasErrors(input))
            {
                compilingPrefixes++;
                problem = OutputErrors(output);
            }

            if (problem is not null)
            {
                failures.Add($"cut at {cut} (...{Tail(prefix)}): {problem}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The last prefix is the whole file, so at least the complete crew went through the compile check.
        Assert.True(compilingPrefixes >= 5, $"Only {compilingPrefixes} prefixes compiled; the compile check hardly ran.");
    }

    [Theory]
    [InlineData("[Crew<")]
    [InlineData("[Crew<ArticleRequest>(")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research), typeof()])] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial class")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] partial class C : ")]
    [InlineData("[Crew<ArticleRequest>(Tasks = null)] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = new Type[] { null! })] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Missing)])] public partial class C;")]
    [InlineData("[Crew<Missing>(Tasks = [typeof(Research)])] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)], Process = (CrewProcess)7)] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(Research)])] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(string)])] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public class NotPartial;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public static partial class StaticCrew;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial struct StructCrew;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial record RecordCrew;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public abstract partial class AbstractCrew;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] [Crew(Tasks = [typeof(Research)])] public partial class Twice;")]
    [InlineData("[Crew<int>(Tasks = [typeof(Research)])] public partial class IntCrew;")]
    [InlineData("[Crew<ArticleRequest?>(Tasks = [typeof(Research)])] public partial class NullableCrew;")]
    [InlineData("[Crew(Tasks = [])] public partial class Empty;")]
    [InlineData("[Crew] public partial class NoTasks;")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"{\", ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class C;")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"{}\", ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class C;")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"}{Topic\", ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class C;")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = null, ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class C;")]
    [InlineData("[CrewTask(Agent = null, Description = \"d\", ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class C;")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"d\", ExpectedOutput = \"x\", Context = [typeof(T2)])] public partial class T1; [CrewTask(Agent = typeof(Researcher), Description = \"d\", ExpectedOutput = \"x\", Context = [typeof(T1)])] public partial class T2; [Crew<ArticleRequest>(Tasks = [typeof(T1), typeof(T2)])] public partial class Cycle;")]
    [InlineData("[CrewTask(Agent = typeof(Researcher), Description = \"d\", ExpectedOutput = \"x\", Context = [typeof(T1)])] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class SelfContext;")]
    [InlineData("[CrewTask<int>(Agent = typeof(Researcher), Description = \"d\", ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class Typed;")]
    [InlineData("[Agent(Role = \"\", Goal = \"{Topic\", Backstory = \"b\")] public partial class A1; [CrewTask(Agent = typeof(A1), Description = \"d\", ExpectedOutput = \"x\")] public partial class T1; [Crew<ArticleRequest>(Tasks = [typeof(T1)])] public partial class C;")]
    [InlineData("[Agent(Role = 1, Goal = \"g\", Backstory = \"b\")] public partial class A1;")]
    [InlineData("public partial class Outer { [Crew<ArticleRequest>(Tasks = [typeof(Research)])] private partial class Inner; }")]
    [InlineData("public partial class Outer<T> where T : [Crew<ArticleRequest>(Tasks = [typeof(Research)])] partial class Inner;")]
    [InlineData("public class NotPartialOuter { [Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial class Inner; }")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial class C<T>;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial class C; [Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial class C;")]
    [InlineData("[Crew<ArticleRequest>(Tasks = [typeof(Research)])] public partial class C; public partial class C { }")]
    public void Half_typed_declarations_never_break_the_generator(string tail)
    {
        var input = GeneratorHarness.CreateCompilation(Declarations + tail);

        var run = GeneratorHarness.Run(input);

        Assert.Null(GeneratorProblem(run.Driver, run.GeneratorDiagnostics));
        if (!HasErrors(input))
        {
            Assert.Null(OutputErrors(run.Output));
        }
    }

    private static string? GeneratorProblem(GeneratorDriver driver, IEnumerable<Diagnostic> diagnostics)
    {
        var exceptions = driver.GetRunResult().Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()).ToList();
        var reported = diagnostics.Where(d => d.Id == "CS8785" || d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        return exceptions.Count + reported.Count == 0 ? null : string.Join("\n", exceptions.Concat(reported));
    }

    private static string? OutputErrors(Compilation output)
    {
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return errors.Count == 0 ? null : "the input compiles but the output does not: " + string.Join("; ", errors.Take(5));
    }

    private static bool HasSyntaxErrors(Compilation compilation) =>
        compilation.SyntaxTrees.Any(t => t.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error));

    private static bool HasErrors(Compilation compilation) =>
        compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);

    private static string Tail(string text) => text.Length <= 40 ? text : text.Substring(text.Length - 40).Replace("\n", "\\n");

    private static string QuickstartCrewPath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "samples", "Amsha.Samples.Quickstart", "ArticleCrew.cs"));
}
