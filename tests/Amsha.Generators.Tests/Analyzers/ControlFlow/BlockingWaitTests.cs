using System.Threading.Tasks;
using Amsha.CodeFixes;

namespace Amsha.Generators.Tests.Analyzers.ControlFlow;

public sealed class BlockingWaitTests
{
    [Fact]
    public async Task Result_Wait_and_GetResult_on_Amsha_tasks_are_reported_on_the_blocking_expression()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static string Block(WritingCrew crew, Req input)
                {
                    var direct = {|AMSHA202:crew.RunAsync(input).Result|};
                    var pending = crew.RunAsync(input);
                    {|AMSHA202:pending.Wait()|};
                    var viaAwaiter = {|AMSHA202:crew.RunAsync(input).GetAwaiter().GetResult()|};
                    var configured = {|AMSHA202:crew.RunAsync(input).ConfigureAwait(false).GetAwaiter().GetResult()|};
                    var handle = crew.StartBackground(input);
                    var fromHandle = {|AMSHA202:handle.ResultAsync().Result|}.Output;
                    return direct.Output + viaAwaiter.Output + configured.Output + fromHandle;
                }
            }
            """);
    }

    [Fact]
    public async Task Blocking_on_an_llm_call_is_reported_and_the_message_names_it()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew + """
            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Summarize {text}")]
                public partial Task<string> SummarizeAsync(string text);
            }

            public static class Client
            {
                public static string Block(Summarizer summarizer) => summarizer.SummarizeAsync("x").Result;
            }
            """, analyzers: LawAnalyzers.All);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "AMSHA202");
        Assert.Equal("'.Result' blocks the thread on 'Summarizer.SummarizeAsync': await it instead (blocking can deadlock and holds a thread for the whole execution)", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Other_tasks_awaited_results_and_unknown_locals_are_not_reported()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static async Task<string> Fine(WritingCrew crew, Req input, Task<CrewResult<string>> given, bool flag)
                {
                    var other = Task.FromResult(1).Result;
                    Task.Delay(1).Wait();
                    var awaited = await crew.RunAsync(input);
                    var mixed = crew.RunAsync(input);
                    if (flag) mixed = given;
                    var unknown = mixed.Result;
                    var fromParameter = given.GetAwaiter().GetResult();
                    var a = crew.RunAsync(input);
                    var b = crew.RunAsync(input with { Topic = "b" });
                    await Task.WhenAll(a, b);
                    var done = crew.RunAsync(input);
                    await done;
                    return awaited.Output + other + unknown.Output + fromParameter.Output + a.Result.Output + b.Result.Output + done.Result.Output;
                }
            }
            """);
    }

    [Fact]
    public async Task A_local_that_is_only_blocked_on_is_reported_at_each_blocking_read()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static string Block(WritingCrew crew, Req input)
                {
                    var task = crew.RunAsync(input);
                    var first = {|AMSHA202:task.Result|};
                    var again = {|AMSHA202:task.ConfigureAwait(false).GetAwaiter().GetResult()|};
                    {|AMSHA202:((Task)task).Wait(1000)|};
                    task = crew.RunAsync(input with { Topic = "b" });
                    return first.Output + again.Output + {|AMSHA202:task.GetAwaiter().GetResult()|}.Output;
                }
            }
            """);
    }

    [Fact]
    public async Task Any_other_use_of_the_local_makes_the_flow_unknown_and_is_not_reported()
    {
        // Each task is used once in a way that is not a blocking read: handed to other code (through
        // params arrays in C# 12 and params spans in C# 13+, collection expressions, lambdas), awaited
        // through ConfigureAwait, aliased by ref, or checked for completion.
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static async Task<string> Fine(WritingCrew crew, Req input)
                {
                    var a = crew.RunAsync(input);
                    var b = crew.RunAsync(input);
                    Task[] pair = [a, b];
                    await Task.WhenAll(pair);

                    var c = crew.RunAsync(input);
                    List<Task> list = [c];
                    await Task.WhenAll(list);

                    var d = crew.RunAsync(input);
                    var e = crew.RunAsync(input);
                    Task.WaitAll(d, e);

                    var f = crew.RunAsync(input);
                    await f.ConfigureAwait(false);

                    var g = crew.RunAsync(input);
                    var fromG = g.IsCompleted ? g.Result.Output : "";

                    var k = crew.RunAsync(input);
                    Func<Task> later = () => k;
                    await later();

                    return a.Result.Output + b.Result.Output + c.Result.Output + d.Result.Output + e.Result.Output
                        + f.Result.Output + fromG + k.Result.Output;
                }

                public static string Aliased(WritingCrew crew, Req input, Task<CrewResult<string>> given)
                {
                    var h = crew.RunAsync(input);
                    ref var alias = ref h;
                    alias = given;
                    return h.Result.Output;
                }
            }
            """);
    }

    [Fact]
    public async Task Code_fix_awaits_and_makes_the_method_async()
    {
        const string before = LawAnalyzers.Crew + """
            public static class Client
            {
                public static string Title(WritingCrew crew, Req input)
                {
                    return crew.RunAsync(input).Result.Output;
                }

                public static void Fire(WritingCrew crew, Req input)
                {
                    crew.RunAsync(input).Wait();
                }

                public static async Task<string> Already(WritingCrew crew, Req input)
                {
                    var result = crew.RunAsync(input).GetAwaiter().GetResult();
                    await Task.Yield();
                    return result.Output;
                }
            }
            """;

        var first = await CodeFixHarness.ApplyAsync(before, new AwaitBlockingWaitCodeFix(), "AMSHA202");
        Assert.Contains("public static async Task<string> Title(WritingCrew crew, Req input)", first);
        Assert.Contains("return (await crew.RunAsync(input)).Output;", first);
        Assert.Contains("crew.RunAsync(input).Wait();", first);

        var all = await CodeFixHarness.ApplyAsync(before, new AwaitBlockingWaitCodeFix(), "AMSHA202", fixAll: true);
        Assert.Equal(before
            .Replace("public static string Title", "public static async Task<string> Title")
            .Replace("return crew.RunAsync(input).Result.Output;", "return (await crew.RunAsync(input)).Output;")
            .Replace("public static void Fire", "public static async Task Fire")
            .Replace("crew.RunAsync(input).Wait();", "await crew.RunAsync(input);")
            .Replace("var result = crew.RunAsync(input).GetAwaiter().GetResult();", "var result = await crew.RunAsync(input);"), all);

        var remaining = await AnalyzerHarness.GetDiagnosticsAsync(all, analyzers: LawAnalyzers.All);
        Assert.DoesNotContain(remaining, d => d.Id == "AMSHA202");
    }

    [Fact]
    public async Task Code_fix_is_not_offered_where_the_code_cannot_await()
    {
        const string source = LawAnalyzers.Crew + """
            public sealed class Client(WritingCrew crew)
            {
                public string Title => crew.RunAsync(new Req("x")).Result.Output;
            }
            """;

        var error = await Assert.ThrowsAsync<System.InvalidOperationException>(() => CodeFixHarness.ApplyAsync(source, new AwaitBlockingWaitCodeFix(), "AMSHA202"));
        Assert.Contains("no action", error.Message);
    }
}
