using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.LlmCalls;

public sealed class LlmCallGeneratorTests
{
    private const string Assistant = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public sealed record Verdict(string Label, int Score);

        public partial class Assistant(ExecutionSession session)
        {
            [AmshaLlmCall(System = "You summarize for {audience}.", Prompt = "Summarize in {Words} words:\n{text}", Llm = "creative", MaxAttempts = 5, TimeoutSeconds = 2.5, TotalTimeoutSeconds = 10)]
            public partial Task<string> SummarizeAsync(string text, int words, string audience, CancellationToken cancellationToken = default);

            [AmshaLlmCall(Prompt = "Reply to the conversation.")]
            internal partial ValueTask<ChatResponse> ReplyAsync(IEnumerable<ChatMessage> history, CancellationToken cancellationToken);

            [AmshaLlmCall(Prompt = "Judge: {claim}", OutputRepairs = 2)]
            public partial Task<Verdict> JudgeAsync(string claim);

            [AmshaLlmCall(Prompt = "Tell a story about {topic}.")]
            public partial IAsyncEnumerable<string> StreamStoryAsync(string topic, CancellationToken cancellationToken = default);
        }
        """;

    [Fact]
    public void Wrappers_match_snapshots_and_compile()
    {
        var run = GeneratorHarness.Run(Assistant);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var sources = run.Sources.Where(s => s.Key.EndsWith(".LlmCall.g.cs", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(4, sources.Count);
        Snapshot.Match(string.Join("\n// ----\n", sources.Select(s => "// " + s.Key + "\n" + s.Value)), "Assistant.LlmCalls");
    }

    [Fact]
    public void Field_session_in_nested_generic_type_compiles()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Amsha;

            public static partial class Outer<T>
            {
                internal partial class Helper
                {
                    private readonly ExecutionSession? _session = null;

                    [AmshaLlmCall(Prompt = "Echo {value} {{literal}}")]
                    private partial Task<string> EchoAsync(T value);
                }
            }
            """);

        Assert.Empty(run.CompilationErrors);
        var source = Assert.Single(run.Sources, s => s.Key.EndsWith(".LlmCall.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("this._session ?? throw", source, StringComparison.Ordinal);
        Assert.Contains("\"Echo \" + global::Amsha.Generated.PromptText.Format(value) + \" {literal}\"", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi {missing}\")] public partial Task<string> A(string text);")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi {\")] public partial Task<string> A(string text);")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\", MaxAttempts = 0)] public partial Task<string> A();")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\", TimeoutSeconds = 10, TotalTimeoutSeconds = 5)] public partial Task<string> A();")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\", OutputRepairs = -1)] public partial Task<string> A();")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\")] public partial Task<T> A<T>();")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\")] public partial Task<string> A(ref int x);")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\")] public partial Task A();")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\")] public partial IAsyncEnumerable<int> A();")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\")] public Task<string> A() => Task.FromResult(\"\");")]
    [InlineData("[AmshaLlmCall] public partial Task<string> A();")]
    public void Invalid_methods_get_no_wrapper_and_the_generator_does_not_throw(string member)
    {
        var run = GeneratorHarness.Run($$"""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Amsha;

            public partial class Calls(ExecutionSession session)
            {
                {{member}}
            }
            """);

        Assert.DoesNotContain(run.Result.Results, r => r.Exception is not null);
        Assert.DoesNotContain(run.Sources.Keys, k => k.EndsWith(".LlmCall.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi\")] public partial Task<string> A(")]
    [InlineData("[AmshaLlmCall(Prompt = \"Hi {")]
    [InlineData("[AmshaLlmCall(Prompt = 42, Llm = null, MaxAttempts = \"x\")] public partial Task<string> A();")]
    [InlineData("[AmshaLlmCall(Prompt = \"{x}\")] public partial Task<Missing> A(Unknown x);")]
    public void Half_typed_code_does_not_throw(string member)
    {
        var run = GeneratorHarness.Run($$"""
            using System.Threading.Tasks;
            using Amsha;

            public partial class Calls(ExecutionSession session)
            {
                {{member}}
            }
            """);

        Assert.DoesNotContain(run.Result.Results, r => r.Exception is not null);
    }

    [Fact]
    public void Type_without_session_member_gets_no_wrapper()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Amsha;

            public partial class Calls
            {
                [AmshaLlmCall(Prompt = "Hi")]
                public partial Task<string> A();
            }
            """);

        Assert.DoesNotContain(run.Sources.Keys, k => k.EndsWith(".LlmCall.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Unrelated_edit_keeps_the_model_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Assistant);
        var first = GeneratorHarness.Run(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public static class Unrelated { }", GeneratorHarness.ParseOptions));
        var driver = first.Driver.RunGenerators(edited);

        var steps = driver.GetRunResult().Results.SelectMany(r => r.TrackedSteps).Where(s => s.Key == TrackingNames.LlmCallModels).SelectMany(s => s.Value).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps.SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public async Task Generated_wrappers_run_against_the_offline_client()
    {
        // The structured result is read with the codec the serializer generator emits for Verdict: nothing hand-written.
        var run = GeneratorHarness.Run(Assistant);
        Assert.Empty(run.CompilationErrors);
        var assembly = GeneratorHarness.EmitAndLoad(run.Output);

        var prompts = new List<string>();
        var answers = new Queue<string>(new[] { "summary text", "Sure: ```json\n{\"label\":\"true\"}\n```", "Here it is: {\"label\":\"true\",\"score\":7}", "once upon a time" });
        var offline = new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = messages =>
            {
                prompts.Add(string.Join("|", messages.Select(m => m.Role.Value + ":" + m.Text)));
                return answers.Dequeue();
            },
        });
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(offline);
        var session = new ExecutionSession(options);

        var assistant = Activator.CreateInstance(assembly.GetType("Sample.Assistant")!, session)!;
        var summary = await (Task<string>)Invoke(assistant, "SummarizeAsync", "The text.", 12, "engineers", CancellationToken.None);
        Assert.Equal("summary text", summary);
        Assert.Equal("system:You summarize for engineers.|user:Summarize in 12 words:\nThe text.", prompts[0]);

        var verdict = (Task)Invoke(assistant, "JudgeAsync", "water is wet");
        await verdict;
        var value = verdict.GetType().GetProperty("Result")!.GetValue(verdict)!;
        Assert.Equal("Verdict { Label = true, Score = 7 }", value.ToString());
        Assert.Contains("Your answer could not be used: at $.score: Missing required property 'score' of Verdict.", prompts[2], StringComparison.Ordinal);

        var stream = (IAsyncEnumerable<string>)Invoke(assistant, "StreamStoryAsync", "dragons", CancellationToken.None);
        var text = "";
        await foreach (var delta in stream)
        {
            text += delta;
        }

        Assert.Equal("once upon a time", text);
        Assert.Equal("user:Tell a story about dragons.", prompts[3]);
    }

    private const string Judge = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        namespace Sample;

        public enum Stance { Supported, Refuted, Unclear }

        public sealed record Evidence(string Source, double Weight);

        public sealed record Verdict(bool Supported, double Confidence, string Reason);

        public sealed record Assessment(Stance Stance, IReadOnlyList<Evidence> Evidence);

        public partial class Judge(ExecutionSession session)
        {
            [AmshaLlmCall(Prompt = "Judge the claim: {claim}")]
            public partial Task<Verdict> JudgeAsync(string claim, CancellationToken ct = default);

            [AmshaLlmCall(Prompt = "Assess the claim: {claim}")]
            public partial ValueTask<Assessment> AssessAsync(string claim);

            [AmshaLlmCall(Prompt = "Judge each claim of: {claims}")]
            public partial Task<Verdict[]> JudgeAllAsync(string claims);

            [AmshaLlmCall(Prompt = "List the evidence for {claim}")]
            public partial Task<List<Evidence>> EvidenceAsync(string claim);

            [AmshaLlmCall(Prompt = "Weigh the sources of {claim}")]
            public partial Task<Dictionary<string, double>> WeightsAsync(string claim);
        }
        """;

    [Fact]
    public async Task Structured_results_get_generated_codecs_and_run_against_the_offline_client()
    {
        // Regression: a plain record result compiled without a diagnostic, then every call threw because no
        // codec was registered. Results are objects, arrays, lists or dictionaries; each gets its codec, and so
        // does every type it reaches.
        var run = GeneratorHarness.Run(Judge);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(5, run.Sources.Keys.Count(k => k.EndsWith(".LlmCall.g.cs", StringComparison.Ordinal)));
        foreach (var codec in new[] { "Sample_VerdictJsonCodec", "Sample_AssessmentJsonCodec", "Sample_EvidenceJsonCodec", "Sample_StanceJsonCodec", "Sample_Verdict___" + GeneratedNames.Hash("Sample.Verdict[]") + "JsonCodec", "System_Collections_Generic_List_Sample_Evidence__" + GeneratedNames.Hash("System.Collections.Generic.List<Sample.Evidence>") + "JsonCodec", "System_Collections_Generic_Dictionary_string__double__" + GeneratedNames.Hash("System.Collections.Generic.Dictionary<string, double>") + "JsonCodec" })
        {
            Assert.Contains($"Register({codec}.Instance)", run.Sources["AmshaJsonCodecs.Registration.g.cs"], StringComparison.Ordinal);
        }

        var assembly = GeneratorHarness.EmitAndLoad(run.Output);
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new OfflineChatClient());
        var judge = Activator.CreateInstance(assembly.GetType("Sample.Judge")!, new ExecutionSession(options))!;

        var verdict = await Result(Invoke(judge, "JudgeAsync", "water is wet", CancellationToken.None));
        Assert.Equal("Sample.Verdict", verdict.GetType().FullName);
        Assert.False(string.IsNullOrEmpty((string)verdict.GetType().GetProperty("Reason")!.GetValue(verdict)!));

        var assessmentTask = Invoke(judge, "AssessAsync", "water is wet");
        var assessment = await Result(assessmentTask.GetType().GetMethod("AsTask")!.Invoke(assessmentTask, null)!);
        Assert.NotEmpty((System.Collections.IEnumerable)assessment.GetType().GetProperty("Evidence")!.GetValue(assessment)!);

        var all = (Array)await Result(Invoke(judge, "JudgeAllAsync", "water is wet; fire is cold"));
        Assert.InRange(all.Length, 1, 3);
        Assert.All(all.Cast<object>(), item => Assert.Equal("Sample.Verdict", item.GetType().FullName));

        var evidence = (System.Collections.IList)await Result(Invoke(judge, "EvidenceAsync", "water is wet"));
        Assert.NotEmpty(evidence);

        var weights = (IDictionary<string, double>)await Result(Invoke(judge, "WeightsAsync", "water is wet"));
        Assert.NotEmpty(weights);
    }

    [Fact]
    public void A_result_that_cannot_be_serialized_gets_neither_a_wrapper_nor_a_codec()
    {
        // AMSHA010 explains it (see SerializableTypeAnalyzerTests); the generator reports nothing and never throws.
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Amsha;

            namespace Sample;

            public sealed record Verdict(bool Supported, System.IO.Stream Evidence);

            public enum Mood { Calm, Tense }

            public partial class Judge(ExecutionSession session)
            {
                [AmshaLlmCall(Prompt = "Judge {claim}")]
                public partial Task<Verdict> JudgeAsync(string claim);

                [AmshaLlmCall(Prompt = "How does {claim} feel?")]
                public partial Task<Mood> MoodAsync(string claim);

                [AmshaLlmCall(Prompt = "How many words has {claim}?")]
                public partial ValueTask<int> CountAsync(string claim);

                [AmshaLlmCall(Prompt = "Restate {claim}")]
                public partial Task<string> RestateAsync(string claim);
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Result.Results, r => r.Exception is not null);
        Assert.Equal(["Sample.Judge.RestateAsync"], run.Sources.Keys.Where(k => k.EndsWith(".LlmCall.g.cs", StringComparison.Ordinal)).Select(k => k.Substring(0, k.IndexOf('_', StringComparison.Ordinal))));
        Assert.DoesNotContain(run.Sources.Keys, k => k.EndsWith(".JsonCodec.g.cs", StringComparison.Ordinal));

        // Without a body the compiler reports each method as unimplemented: the call can never throw at run time instead.
        Assert.Equal(["CountAsync", "JudgeAsync", "MoodAsync"], run.CompilationErrors.Where(e => e.Id == "CS8795").Select(e => e.Location.SourceTree!.GetText().ToString(e.Location.SourceSpan)).OrderBy(n => n, StringComparer.Ordinal));
    }

    private static async Task<object> Result(object task)
    {
        await (Task)task;
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    private static object Invoke(object target, string method, params object[] arguments) =>
        target.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(target, arguments)!;
}
