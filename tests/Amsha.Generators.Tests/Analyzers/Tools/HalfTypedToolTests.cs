using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>The tool analyzers (and the toolbox generator) run on every keystroke: no prefix of a tool declaration, and no version with one token missing, may make one throw.</summary>
public sealed class HalfTypedToolTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;
        using OpenAI.Chat;

        public sealed record Hit(string Title, double Score);

        /// <summary>Tools.</summary>
        [Toolbox]
        public partial class WebTools(System.Net.Http.HttpClient http)
        {
            /// <summary>Searches.</summary>
            [Tool(Name = "search", Description = "Searches.")]
            public Task<List<Hit>> SearchAsync(string query, int top = 3, CancellationToken cancellationToken = default) => Task.FromResult(new List<Hit>());

            [Tool(Description = "Fetches.")]
            public string Fetch(string url, ChatClient? client, ref int count, params string[] rest) => http.GetStringAsync(url).Result;

            [Tool]
            private T Echo<T>(T value) => value;
        }

        [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(WebTools), typeof(Hit)])]
        public partial class Writer;

        [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E", Tools = [typeof(WebTools), null])]
        public partial class Write;
        """;

    // The analyzers tools reach (the others have half-typed-code tests of their own).
    private static Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] Analyzers() =>
        [.. ToolAnalyzers.Declarations(), new Amsha.Generators.Analyzers.Leakage.ProviderTypeLeakageAnalyzer(), new Amsha.Generators.Analyzers.ControlFlow.BlockingWaitAnalyzer()];

    [Fact]
    public async Task Every_prefix_and_every_single_token_deletion_leaves_the_analyzers_and_generators_whole()
    {
        var tokens = CSharpSyntaxTree.ParseText(Source, GeneratorHarness.ParseOptions).GetRoot().DescendantTokens().ToList();
        Assert.True(tokens.Count > 150, $"Expected a real tool source, found {tokens.Count} tokens.");

        var variants = new List<string>();
        foreach (var token in tokens)
        {
            variants.Add(Source.Substring(0, token.Span.End));
            variants.Add(Source.Remove(token.Span.Start, token.Span.Length));
        }

        // Independent compilations: checked side by side.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(variants.Distinct(), async (variant, cancellationToken) =>
        {
            var compilation = GeneratorHarness.CreateCompilation([CSharpSyntaxTree.ParseText(variant, GeneratorHarness.ParseOptions, path: AnalyzerHarness.SourcePath, cancellationToken: cancellationToken)])
                .AddReferences(ProviderStandIns.References);
            var run = GeneratorHarness.Run(compilation, new Amsha.Generators.Tools.ToolboxGenerator());
            var problems = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || d.Id == "CS8785")
                .Concat((await AnalyzerHarness.AnalyzeAsync(run.Output, analyzers: Analyzers(), cancellationToken: cancellationToken)).Where(d => d.Id == "AD0001"))
                .Select(d => d.ToString())
                .ToList();
            if (problems.Count > 0)
            {
                failures.Add(variant.Length + " characters: " + string.Join("; ", problems));
            }
        });

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}
