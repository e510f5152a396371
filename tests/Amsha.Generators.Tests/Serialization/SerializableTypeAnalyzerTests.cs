using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Serialization;

/// <summary>AMSHA010, checked by id, exact span and message.</summary>
public sealed class SerializableTypeAnalyzerTests
{
    private const string Declarations = """
        using System.Collections.Generic;
        using Amsha;

        [Agent(Role = "W", Goal = "G", Backstory = "B")]
        public partial class Writer;

        """;

    [Fact]
    public async Task A_deep_unsupported_member_is_reported_on_the_task_output_argument_with_its_path()
    {
        var source = Declarations + """
            public sealed record Photo(System.IO.Stream Data);
            public sealed record Author(string Name, Photo Photo);
            public sealed record Article(string Title, Author Author);

            [CrewTask<Article>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;
            """;

        var diagnostic = Assert.Single(await AnalyzeAsync(source));

        AssertAt(diagnostic, source, "Article>(Agent", "Article");
        Assert.StartsWith("'Article.Author.Photo.Data' cannot be serialized at compile time: type 'System.IO.Stream' is not supported", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Fact]
    public async Task An_ExecutionState_type_is_reported_on_its_name_once_per_problem()
    {
        var source = Declarations + """
            [ExecutionState]
            public sealed partial class Checkpoint
            {
                public object? Anything { get; set; }
                public Dictionary<int, string> ByNumber { get; set; } = new();
                public string Fine { get; set; } = "";
            }
            """;

        var diagnostics = await AnalyzeAsync(source);

        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => AssertAt(d, source, "Checkpoint\n", "Checkpoint"));
        Assert.Contains(diagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).StartsWith("'Checkpoint.Anything'", System.StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("only Dictionary<string, T> is supported", System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("int", "a task output must be a record, class or struct")]
    [InlineData("List<string>", "a task output must be a record, class or struct")]
    [InlineData("NoConstructor", "has no usable constructor")]
    [InlineData("NoMembers", "has no readable members")]
    [InlineData("Clash", "JSON name 'name' is used by two members")]
    [InlineData("IReadOnlyCollection<int>", "a task output must be a record, class or struct")]
    public async Task Each_unsupported_shape_is_reported(string outputType, string reason)
    {
        var source = Declarations + $$"""
            public sealed class NoConstructor { public NoConstructor(int unrelated) { } public string Name { get; set; } = ""; }
            public sealed class NoMembers { public int Computed => 1; }
            public sealed class Clash { public string Name { get; set; } = ""; [System.Text.Json.Serialization.JsonPropertyName("name")] public string Other { get; set; } = ""; }

            [CrewTask<{{outputType}}>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;
            """;

        await AssertReportedOnceAsync(source, outputType + ">(Agent", outputType, reason);
    }

    [Fact]
    public async Task A_private_nested_state_type_is_not_accessible_to_generated_code()
    {
        var source = Declarations + """
            public partial class Holder
            {
                [ExecutionState]
                private sealed partial class Secret { public int X { get; set; } }
            }
            """;

        var diagnostic = Assert.Single(await AnalyzeAsync(source));

        AssertAt(diagnostic, source, "Secret {", "Secret");
        Assert.Contains("is not accessible from generated code", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supported_types_text_tasks_and_unsupported_crew_inputs_produce_no_diagnostics()
    {
        var source = Declarations + """
            public enum Tone { Calm }
            public readonly record struct Point(double X, double Y);
            public sealed record Output(string A, int? B, Tone T, Point P, Point? Q, List<Output>? Children, IReadOnlyList<string> Tags, Dictionary<string, double[]> Map, System.DateTime D, System.DateTimeOffset O, System.TimeSpan S, System.Guid G)
            {
                [System.Text.Json.Serialization.JsonIgnore]
                public System.IO.Stream? Ignored { get; init; }
            }
            public sealed record Input(System.IO.Stream NotSerializable);

            [CrewTask<Output>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Structured;

            [CrewTask<string>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class StringTask;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class TextTask;

            [Crew<Input>(Tasks = [typeof(Structured)])]
            public partial class InputCrew;

            [ExecutionState]
            public sealed partial class State { public int Count { get; set; } public required string Name { get; init; } }
            """;

        Assert.Empty(await AnalyzeAsync(source));
    }

    private const string LlmCalls = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        public sealed record Source(string Title, System.IO.Stream Scan);
        public sealed record Verdict(bool Supported, double Confidence, Source Source);
        public enum Mood { Calm, Tense }

        """;

    [Fact]
    public async Task An_unserializable_LlmCall_result_is_reported_on_the_return_type_with_its_path()
    {
        var source = LlmCalls + """
            public partial class Judge(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Judge the claim: {claim}")]
                public partial Task<Verdict> JudgeAsync(string claim, CancellationToken ct = default);
            }
            """;

        await AssertReportedOnceAsync(source, "Task<Verdict> JudgeAsync", "Task<Verdict>", "'Verdict.Source.Scan' cannot be serialized at compile time: type 'System.IO.Stream' is not supported");
    }

    private const string NotAJsonObjectOrArray = "an [AmshaLlmCall] result must be a record, class or struct, or an array, List<T>, IReadOnlyList<T> or Dictionary<string, T> (the model answers with a JSON object or array)";

    public static TheoryData<string, string> UnsupportedResults => new()
    {
        // The runtime finds a JSON object or array in the answer: an enum, number or GUID alone is neither.
        { "Task<Mood>", NotAJsonObjectOrArray + ", not 'Mood'; wrap the value in a record" },
        { "ValueTask<int>", NotAJsonObjectOrArray },
        { "Task<System.Guid>", NotAJsonObjectOrArray },
        // Collections are roots too; their paths start at the collection type.
        { "Task<Verdict[]>", "'Verdict[].Source.Scan' cannot be serialized" },
        { "ValueTask<List<Verdict>>", "'List<Verdict>.Source.Scan' cannot be serialized" },
        { "Task<Dictionary<int, string>>", "only Dictionary<string, T> is supported" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedResults))]
    public async Task Each_unsupported_LlmCall_result_is_reported(string returnType, string reason)
    {
        var source = LlmCalls + $$"""
            public partial class Judge(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Judge the claim: {claim}")]
                public partial {{returnType}} JudgeAsync(string claim);
            }
            """;

        await AssertReportedOnceAsync(source, returnType + " JudgeAsync", returnType, reason);
    }

    [Fact]
    public async Task Serializable_LlmCall_results_text_responses_and_streams_produce_no_diagnostics()
    {
        var source = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Amsha;
            using Microsoft.Extensions.AI;

            public sealed record Verdict(bool Supported, double Confidence, string Reason);
            public readonly record struct Score(int Value);

            public partial class Judge(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "a")] public partial Task<Verdict> A();
                [AmshaLlmCall(Prompt = "b")] public partial ValueTask<Score> B();
                [AmshaLlmCall(Prompt = "c")] public partial Task<Verdict[]> C();
                [AmshaLlmCall(Prompt = "d")] public partial Task<List<Verdict>> D();
                [AmshaLlmCall(Prompt = "e")] public partial Task<IReadOnlyList<string>> E();
                [AmshaLlmCall(Prompt = "f")] public partial Task<Dictionary<string, Verdict?>> F();
                [AmshaLlmCall(Prompt = "g")] public partial Task<string> G();
                [AmshaLlmCall(Prompt = "h")] public partial Task<ChatResponse> H();
                [AmshaLlmCall(Prompt = "i")] public partial IAsyncEnumerable<string> I();
            }
            """;

        Assert.Empty(await AnalyzeAsync(source));
    }

    [Fact]
    public async Task Silent_without_the_Amsha_runtime()
    {
        var compilation = CSharpCompilation.Create(
            "NoAmsha",
            [CSharpSyntaxTree.ParseText("public sealed class ExecutionStateAttribute : System.Attribute {} [ExecutionState] public class S { public object? O { get; set; } }", GeneratorHarness.ParseOptions)],
            GeneratorHarness.References.Where(r => !(r.Display ?? "").EndsWith("Amsha.dll", System.StringComparison.Ordinal)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var diagnostics = await compilation.WithAnalyzers([new SerializableTypeAnalyzer()]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void The_descriptor_links_its_docs_page_and_is_in_the_declarations_category()
    {
        var descriptor = new SerializableTypeAnalyzer().SupportedDiagnostics.Single();

        Assert.Equal("AMSHA010", descriptor.Id);
        Assert.Equal("Amsha.Declarations", descriptor.Category);
        Assert.Equal("https://github.com/amsha-dotnet/amsha/blob/main/docs/diagnostics/AMSHA010.md", descriptor.HelpLinkUri);
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        // Without the generators, [AmshaLlmCall] methods have no body (CS8795); nothing else may be wrong.
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id is not ("CS0122" or "CS8795")));
        return await compilation.WithAnalyzers([new SerializableTypeAnalyzer()]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
    }

    // Exactly one AMSHA010, on `expected` at `anchor`, giving `reason`.
    private static async Task AssertReportedOnceAsync(string source, string anchor, string expected, string reason)
    {
        var diagnostic = Assert.Single((await AnalyzeAsync(source)).Where(d => d.Id == "AMSHA010"));
        AssertAt(diagnostic, source, anchor, expected);
        Assert.Contains(reason, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    // The diagnostic covers exactly `expected`, found at the start of the unique `anchor` in the source.
    private static void AssertAt(Diagnostic diagnostic, string source, string anchor, string expected)
    {
        var start = source.IndexOf(anchor, System.StringComparison.Ordinal);
        Assert.True(start >= 0 && source.IndexOf(anchor, start + 1, System.StringComparison.Ordinal) < 0, "anchor must be unique: " + anchor);
        Assert.Equal("AMSHA010", diagnostic.Id);
        Assert.Equal(start, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(expected.Length, diagnostic.Location.SourceSpan.Length);
    }
}
