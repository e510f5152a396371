using System.Linq;
using System.Threading.Tasks;
using Amsha.CodeFixes;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA206: blocking waits inside a [Tool] method, and the await code fix for them.</summary>
public sealed class BlockingWaitInToolTests
{
    private const string Toolbox = """
        [Toolbox]
        public partial class WebTools(System.Net.Http.HttpClient http)
        {

        """;

    [Fact]
    public async Task Blocking_on_any_call_inside_a_tool_is_reported_on_the_blocking_expression()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + Toolbox + """
                [Tool(Description = "Fetches a page.")]
                public string Fetch(string url) => {|AMSHA206:http.GetStringAsync(url).Result|};

                [Tool(Description = "Measures a page.")]
                public int Measure(string url)
                {
                    var page = http.GetStringAsync(url);
                    {|AMSHA206:page.Wait()|};
                    return {|AMSHA206:page.Result|}.Length;
                }

                [Tool(Description = "Fetches without a context.")]
                public string Plain(string url) => {|AMSHA206:http.GetStringAsync(url).ConfigureAwait(false).GetAwaiter().GetResult()|};

                [Tool(Description = "Counts.")]
                public static int Count() => {|AMSHA206:CountAsync().Result|};

                [Tool(Description = "Fetches lazily.")]
                public string Lazy(string url)
                {
                    Func<string> later = () => {|AMSHA206:http.GetStringAsync(url).Result|};
                    return later();
                }

                [Tool(Description = "Runs a crew.")]
                public string Write(WritingCrew crew) => {|AMSHA202:crew.RunAsync(new Req("x")).Result|}.Output;

                private static ValueTask<int> CountAsync() => new(1);
            }
            """);
    }

    [Fact]
    public async Task Awaited_tasks_unknown_flow_and_code_outside_tools_are_not_reported()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + Toolbox + """
                [Tool(Description = "Fetches two pages.")]
                public async Task<string> BothAsync(string first, string second)
                {
                    var a = http.GetStringAsync(first);
                    var b = http.GetStringAsync(second);
                    await Task.WhenAll(a, b);
                    return a.Result + b.Result;
                }

                [Tool(Description = "Fetches if done.")]
                public string IfDone(Task<string> given)
                {
                    var pending = http.GetStringAsync("x");
                    return pending.IsCompleted ? pending.Result : given.Result;
                }

                [Tool(Description = "Awaits.")]
                public async Task<string> FetchAsync(string url) => await http.GetStringAsync(url);

                public string NotATool(string url) => http.GetStringAsync(url).Result;
            }

            public static class Client
            {
                public static string Fetch(System.Net.Http.HttpClient http) => http.GetStringAsync("x").Result;
            }
            """);
    }

    [Fact]
    public async Task Message_names_the_blocking_construct_the_call_and_the_tool()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew + Toolbox + """
                [Tool(Description = "Fetches a page.")]
                public string Fetch(string url) => http.GetStringAsync(url).Result;
            }
            """, analyzers: LawAnalyzers.All);

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "AMSHA206");
        Assert.Equal(
            "'.Result' blocks the thread on 'HttpClient.GetStringAsync' inside tool 'WebTools.Fetch': await it and let the tool return Task or ValueTask (the execution awaits its tools; blocking holds a thread for the whole call, can deadlock and ignores cancellation)",
            diagnostic.GetMessage());
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Fact]
    public async Task Await_fix_makes_the_tool_async_and_the_generator_still_binds_it()
    {
        var source = LawAnalyzers.Crew + Toolbox + """
                [Tool(Description = "Fetches a page.")]
                public string Fetch(string url) => http.GetStringAsync(url).Result;

                [Tool(Description = "Measures a page.")]
                public void Measure(string url)
                {
                    http.GetStringAsync(url).Wait();
                }
            }
            """;

        var fixedSource = await CodeFixHarness.ApplyAsync(source, new AwaitBlockingWaitCodeFix(), "AMSHA206", fixAll: true);

        Assert.Contains("public async Task<string> Fetch(string url) => await http.GetStringAsync(url);", fixedSource, System.StringComparison.Ordinal);
        Assert.Contains("public async Task Measure(string url)", fixedSource, System.StringComparison.Ordinal);
        Assert.Contains("await http.GetStringAsync(url);", fixedSource, System.StringComparison.Ordinal);
        Assert.DoesNotContain(await AnalyzerHarness.GetDiagnosticsAsync(fixedSource), d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal));
        var toolbox = Assert.Single(GeneratorHarness.Run(fixedSource).Sources, s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal)).Value;
        Assert.Contains("\"Fetch\"", toolbox, System.StringComparison.Ordinal);
        Assert.Contains("\"Measure\"", toolbox, System.StringComparison.Ordinal);
    }
}
