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
        var run = GeneratorHarness.Run(Assistant, """
            namespace Sample;

            public sealed class VerdictCodec : Amsha.Serialization.JsonCodec<Verdict>
            {
                public override string Schema => "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\"},\"score\":{\"type\":\"integer\"}},\"required\":[\"label\",\"score\"]}";

                public override void Write(System.Text.Json.Utf8JsonWriter writer, Verdict value)
                {
                    writer.WriteStartObject();
                    writer.WriteString("label", value.Label);
                    writer.WriteNumber("score", value.Score);
                    writer.WriteEndObject();
                }

                public override Verdict Read(ref System.Text.Json.Utf8JsonReader reader)
                {
                    string? label = null;
                    int? score = null;
                    while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                    {
                        var name = reader.GetString();
                        reader.Read();
                        if (name == "label") label = reader.GetString();
                        else if (name == "score") score = reader.GetInt32();
                        else reader.Skip();
                    }

                    return new Verdict(label ?? throw new System.Text.Json.JsonException("label is missing"), score ?? throw new System.Text.Json.JsonException("score is missing"));
                }
            }
            """);
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

        var codecType = assembly.GetType("Sample.VerdictCodec")!;
        var verdictType = assembly.GetType("Sample.Verdict")!;
        typeof(JsonCodecs).GetMethod(nameof(JsonCodecs.Register))!.MakeGenericMethod(verdictType).Invoke(null, new[] { Activator.CreateInstance(codecType) });

        var assistant = Activator.CreateInstance(assembly.GetType("Sample.Assistant")!, session)!;
        var summary = await (Task<string>)Invoke(assistant, "SummarizeAsync", "The text.", 12, "engineers", CancellationToken.None);
        Assert.Equal("summary text", summary);
        Assert.Equal("system:You summarize for engineers.|user:Summarize in 12 words:\nThe text.", prompts[0]);

        var verdict = (Task)Invoke(assistant, "JudgeAsync", "water is wet");
        await verdict;
        var value = verdict.GetType().GetProperty("Result")!.GetValue(verdict)!;
        Assert.Equal("Verdict { Label = true, Score = 7 }", value.ToString());
        Assert.Contains("Your answer could not be used: at $", prompts[2], StringComparison.Ordinal);

        var stream = (IAsyncEnumerable<string>)Invoke(assistant, "StreamStoryAsync", "dragons", CancellationToken.None);
        var text = "";
        await foreach (var delta in stream)
        {
            text += delta;
        }

        Assert.Equal("once upon a time", text);
        Assert.Equal("user:Tell a story about dragons.", prompts[3]);
    }

    private static object Invoke(object target, string method, params object[] arguments) =>
        target.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(target, arguments)!;
}
