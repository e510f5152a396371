using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace Amsha.Generators.Tests.Tools;

public sealed class ToolboxGeneratorTests
{
    internal const string WebTools = """
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        namespace Sample;

        public enum Freshness { Any, Week, Day }

        public sealed record SearchFilter(string Site, List<string> Tags, int? MinWords);

        public sealed record SearchResult(string Title, string Url, double Score);

        /// <summary>Tools that look things up.</summary>
        [Toolbox]
        public partial class WebTools
        {
            public static int Calls;

            /// <summary>Searches the web.</summary>
            /// <param name="query">What to look for.</param>
            /// <param name="top">How many results to return.</param>
            [Tool(Description = "Searches the web for pages.")]
            public Task<List<SearchResult>> SearchAsync(string query, int top = 3, Freshness freshness = Freshness.Week, CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref Calls);
                var results = new List<SearchResult>();
                for (var i = 0; i < top; i++)
                {
                    results.Add(new SearchResult(query + " " + i, "https://example.test/" + i, 1.0 / (i + 1)));
                }

                return Task.FromResult(results);
            }

            [Tool(Name = "filtered_search", Description = "Searches one site.")]
            public ValueTask<SearchResult> FilteredAsync([Description("Where and what to search.")] SearchFilter filter, string? note = null)
            {
                Interlocked.Increment(ref Calls);
                return ValueTask.FromResult(new SearchResult(filter.Site + ":" + string.Join(",", filter.Tags) + ":" + (filter.MinWords?.ToString() ?? "any") + ":" + (note ?? "-"), "https://" + filter.Site, 0.5));
            }

            [Tool(Description = "Counts the words of a text.")]
            public static int CountWords(string text) { Interlocked.Increment(ref Calls); return text.Split(' ', System.StringSplitOptions.RemoveEmptyEntries).Length; }

            [Tool(Description = "Says hello.")]
            public string Greet(string name) => "Hello, " + name + "!";

            [Tool(Description = "Forgets everything.")]
            public Task ForgetAsync() => Task.CompletedTask;

            public void NotATool() { }
        }
        """;

    [Fact]
    public void Toolbox_matches_snapshot_and_compiles()
    {
        var run = GeneratorHarness.Run(WebTools);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var toolbox = Assert.Single(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", StringComparison.Ordinal));
        var arguments = run.Sources.Where(s => s.Key.Contains("Arguments", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(5, arguments.Count);
        var searchArguments = arguments.Single(a => a.Key.Contains("_Search", StringComparison.Ordinal));
        Snapshot.Match(toolbox.Value + "\n// ---- " + searchArguments.Key + "\n" + searchArguments.Value, "WebTools.Toolbox");
    }

    [Fact]
    public void Schemas_are_valid_json_schemas_that_accept_good_and_reject_bad_arguments()
    {
        var tools = Tools();
        Assert.Equal(["Search", "filtered_search", "CountWords", "Greet", "Forget"], tools.Select(t => t.Name));
        foreach (var tool in tools)
        {
            // Every schema is itself valid against the 2020-12 meta-schema.
            var schemaNode = JsonNode.Parse(tool.SchemaText)!;
            var meta = MetaSchemas.Draft202012.Evaluate(JsonDocument.Parse(tool.SchemaText).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(meta.IsValid, tool.Name + ": " + tool.SchemaText);
            Assert.Equal("object", schemaNode["type"]!.GetValue<string>());
        }

        var search = JsonNode.Parse(tools[0].SchemaText)!;
        Assert.Equal("Searches the web for pages.", tools[0].Description);
        Assert.Equal("What to look for.", search["properties"]!["query"]!["description"]!.GetValue<string>());
        Assert.Equal("How many results to return.", search["properties"]!["top"]!["description"]!.GetValue<string>());
        Assert.Equal(3, search["properties"]!["top"]!["default"]!.GetValue<int>());
        Assert.Equal("Week", search["properties"]!["freshness"]!["default"]!.GetValue<string>());
        Assert.Equal(["query"], search["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(search["properties"]!.AsObject().ContainsKey("cancellationToken"));

        AssertAccepts(tools[0], """{"query":"amsha"}""");
        AssertAccepts(tools[0], """{"query":"amsha","top":2,"freshness":"Day"}""");
        AssertRejects(tools[0], """{"top":2}""");
        AssertRejects(tools[0], """{"query":"amsha","freshness":"Yesterday"}""");
        AssertRejects(tools[0], """{"query":"amsha","top":"two"}""");
        AssertRejects(tools[0], """{"query":"amsha","extra":1}""");

        var filtered = JsonNode.Parse(tools[1].SchemaText)!;
        Assert.Equal("Where and what to search.", filtered["properties"]!["filter"]!["description"]!.GetValue<string>());
        AssertAccepts(tools[1], """{"filter":{"site":"docs.test","tags":["a","b"],"minWords":null}}""");
        AssertAccepts(tools[1], """{"filter":{"site":"docs.test","tags":[],"minWords":50},"note":"n"}""");
        AssertRejects(tools[1], """{"filter":{"site":"docs.test","tags":[1],"minWords":null}}""");
        AssertRejects(tools[1], """{"filter":{"site":"docs.test"}}""");

        AssertAccepts(tools[4], "{}");
    }

    [Fact]
    public async Task Arguments_bind_strictly_and_results_are_json()
    {
        var tools = Tools();
        var calls = CallCounter();
        var search = await tools[0].InvokeJsonAsync(Utf8("""{"query":"amsha","top":2}"""), CancellationToken.None);
        using (var results = JsonDocument.Parse(search))
        {
            Assert.Equal(2, results.RootElement.GetArrayLength());
            Assert.Equal("amsha 1", results.RootElement[1].GetProperty("title").GetString());
        }

        // Through the AIFunction surface, with arguments as a chat client hands them over.
        var filtered = await tools[1].InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["filter"] = JsonDocument.Parse("""{"site":"docs.test","tags":["x"],"minWords":7}""").RootElement,
            ["note"] = "hi",
        }));
        Assert.Contains("docs.test:x:7:hi", filtered!.ToString(), StringComparison.Ordinal);
        Assert.Equal("3", await tools[2].InvokeJsonAsync(Utf8("""{"text":"one two three"}"""), CancellationToken.None));
        Assert.Equal("Hello, Ada!", await tools[3].InvokeJsonAsync(Utf8("""{"name":"Ada"}"""), CancellationToken.None));
        Assert.Equal("done", await tools[4].InvokeJsonAsync(Utf8("{}"), CancellationToken.None));
        Assert.Equal(3, calls() );

        // A missing or wrong argument names the parameter and never reaches the method.
        var missing = await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[0].InvokeJsonAsync(Utf8("""{"top":2}"""), CancellationToken.None));
        Assert.Equal("query", missing.Parameter);
        Assert.Contains("'query'", missing.Message, StringComparison.Ordinal);
        var wrong = await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[0].InvokeJsonAsync(Utf8("""{"query":"a","top":"two"}"""), CancellationToken.None));
        Assert.Equal("top", wrong.Parameter);
        var nested = await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[1].InvokeJsonAsync(Utf8("""{"filter":{"site":"s","tags":[3],"minWords":null}}"""), CancellationToken.None));
        Assert.Equal("filter", nested.Parameter);
        Assert.Contains("$.filter.tags[0]", nested.InnerException!.Message + ((System.Text.Json.JsonException)nested.InnerException).Path, StringComparison.Ordinal);
        var enumValue = await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[0].InvokeJsonAsync(Utf8("""{"query":"a","freshness":"Yesterday"}"""), CancellationToken.None));
        Assert.Equal("freshness", enumValue.Parameter);
        await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[0].InvokeJsonAsync(Utf8("""["not an object"]"""), CancellationToken.None));
        var extra = await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[0].InvokeJsonAsync(Utf8("""{"query":"a","limit":3}"""), CancellationToken.None));
        Assert.Equal("limit", extra.Parameter);
        Assert.Contains("has no property 'limit'; it has query, top, freshness", extra.Message, StringComparison.Ordinal);
        Assert.Contains("has no property 'x' (it has none)", (await Assert.ThrowsAsync<ToolArgumentException>(async () => await tools[4].InvokeJsonAsync(Utf8("""{"x":1}"""), CancellationToken.None))).Message, StringComparison.Ordinal);
        Assert.Equal("Hello, Ada!", await tools[3].InvokeJsonAsync(Utf8("""{"Name":"Ada"}"""), CancellationToken.None)); // names match ignoring case
        Assert.Equal(3, calls());
    }

    [Fact]
    public void Tools_without_a_toolbox_attribute_or_partial_class_generate_nothing()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;
            public class Loose { [Tool(Description = "x")] public int A() => 1; }
            [Toolbox] public class NotPartial { [Tool(Description = "x")] public int B() => 1; }
            """);

        Assert.DoesNotContain(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", StringComparison.Ordinal));
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void Tool_names_that_make_the_same_identifier_get_distinct_classes()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;
            namespace Sample;
            [Toolbox]
            public partial class Names
            {
                [Tool(Name = "web-search", Description = "Dash.")] public string A(string q) => q;
                [Tool(Name = "web_search", Description = "Underscore.")] public string B(string q) => q;
                [Tool(Name = "web.search", Description = "Dot.")] public string C(string q) => q;
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var type = GeneratorHarness.EmitAndLoad(run.Output).GetType("Sample.Names")!;
        var tools = (IReadOnlyList<ToolFunction>)type.GetMethod("CreateAIFunctions")!.Invoke(Activator.CreateInstance(type), null)!;
        Assert.Equal(["web-search", "web_search", "web.search"], tools.Select(t => t.Name));
    }

    [Fact]
    public void Long_doc_comments_with_stray_brackets_keep_their_text()
    {
        // 50,000 '<' that open no tag stay text, and the next tags are still found. Documentation parsing is off
        // because the compiler's own XML parser cannot take such a comment; the generator reads its text either way.
        var noise = string.Concat(System.Linq.Enumerable.Repeat(" < a", 50_000));
        var source = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText($$"""
            using Amsha;
            namespace Sample;
            [Toolbox]
            public partial class Noisy
            {
                /// <summary>Searches.{{noise}}</summary>
                /// <param name="q">The <c>query</c>.</param>
                [Tool] public string Search(string q) => q;
            }
            """, GeneratorHarness.ParseOptions.WithDocumentationMode(Microsoft.CodeAnalysis.DocumentationMode.None));
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([source]));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var toolbox = Assert.Single(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("base(\"Search\", \"Searches. < a < a", toolbox, StringComparison.Ordinal);
        var arguments = Assert.Single(run.Sources, s => s.Key.Contains("_SearchArguments", StringComparison.Ordinal)).Value;
        Assert.Contains("The query.", arguments, StringComparison.Ordinal);
    }

    private static Assembly? s_assembly;

    private static Assembly Loaded()
    {
        if (s_assembly is null)
        {
            var run = GeneratorHarness.Run(WebTools);
            Assert.Empty(run.CompilationErrors);
            s_assembly = GeneratorHarness.EmitAndLoad(run.Output);
        }

        return s_assembly;
    }

    private static IReadOnlyList<ToolFunction> Tools()
    {
        var type = Loaded().GetType("Sample.WebTools")!;
        var instance = Activator.CreateInstance(type)!;
        return (IReadOnlyList<ToolFunction>)type.GetMethod("CreateAIFunctions")!.Invoke(instance, null)!;
    }

    private static Func<int> CallCounter()
    {
        var field = Loaded().GetType("Sample.WebTools")!.GetField("Calls")!;
        field.SetValue(null, 0);
        return () => (int)field.GetValue(null)!;
    }

    private static ReadOnlyMemory<byte> Utf8(string json) => System.Text.Encoding.UTF8.GetBytes(json);

    private static void AssertAccepts(ToolFunction tool, string arguments) =>
        Assert.True(Evaluate(tool, arguments), $"{tool.Name} should accept {arguments}: {tool.SchemaText}");

    private static void AssertRejects(ToolFunction tool, string arguments) =>
        Assert.False(Evaluate(tool, arguments), $"{tool.Name} should reject {arguments}: {tool.SchemaText}");

    private static bool Evaluate(ToolFunction tool, string arguments) =>
        JsonSchema.FromText(tool.SchemaText).Evaluate(JsonDocument.Parse(arguments).RootElement).IsValid;
}
