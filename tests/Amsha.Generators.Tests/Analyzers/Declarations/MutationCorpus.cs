using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>One mutated declaration file for the robustness test.</summary>
public sealed record MutationVariant(string Name, string Source);

/// <summary>
/// Deterministic variants of valid declaration files: truncated at every token, each token deleted or
/// duplicated, every attribute argument replaced by values of the wrong type, declarations removed
/// (missing types), and the declarations placed in nested, generic, non-partial and interface
/// containing types under file-scoped, block, nested and no namespaces.
/// </summary>
internal static class MutationCorpus
{
    public const string Usings = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        """;

    /// <summary>A crew with input, sequential, with escapes, verbatim and raw literals.</summary>
    public const string CrewWithInput = """"
        public sealed record ArticleRequest(string Topic, string Audience = "engineers");

        [Agent(Role = "Senior researcher", Goal = "Uncover the key facts about {Topic}", Backstory = "A meticulous analyst.", Llm = "evaluation")]
        public partial class Researcher;

        [Agent(Role = "Writer", Goal = "Explain {topic} to {AUDIENCE}", Backstory = "Writes {{clearly}}.", Llm = "creative")]
        public partial class Writer;

        [CrewTask(Agent = typeof(Researcher), Description = "Research {Topic}.\nList \"ten\" facts.", ExpectedOutput = "Facts with their sources")]
        public partial class Research;

        [CrewTask(Agent = typeof(Writer), Description = @"Write about {Topic} for ""{Audience}"".", ExpectedOutput = """A titled article""", Context = [typeof(Research)])]
        public partial class WriteArticle;

        [Crew<ArticleRequest>(Tasks = [typeof(Research), typeof(WriteArticle)])]
        public partial class ArticleCrew;
        """";

    /// <summary>A graph crew without input, declared out of dependency order.</summary>
    public const string GraphCrew = """
        [Agent(Role = "Poet", Goal = "Write verse", Backstory = "Loves rhyme.")]
        internal partial class Poet;

        [CrewTask(Agent = typeof(Poet), Description = "Write a haiku.", ExpectedOutput = "Three lines", Context = [typeof(Theme)])]
        internal partial class Haiku;

        [CrewTask(Agent = typeof(Poet), Description = "Pick a theme.", ExpectedOutput = "One word")]
        internal partial class Theme;

        [Crew(Tasks = new[] { typeof(Haiku), typeof(Theme) }, Process = CrewProcess.Graph)]
        internal sealed partial class PoetryCrew;
        """;

    /// <summary>LLM calls, execution state and a structured task output.</summary>
    public const string LlmCallsAndState = """
        public sealed record Summary(string Title, string[] Points);

        [ExecutionState]
        public sealed partial class Progress
        {
            public int Done { get; init; }
            public List<string> Notes { get; init; } = new();
        }

        public sealed partial class Summarizer(ExecutionSession session)
        {
            private readonly ExecutionSession _session = session;

            [AmshaLlmCall(Prompt = "Summarize {text} in {words} words", System = "You are brief.", MaxAttempts = 2, TimeoutSeconds = 30, TotalTimeoutSeconds = 90)]
            public partial Task<string> SummarizeAsync(string text, int words, CancellationToken cancellationToken = default);

            [AmshaLlmCall(Prompt = "Outline {text}", OutputRepairs = 1)]
            public partial ValueTask<Summary> OutlineAsync(string text);

            [AmshaLlmCall(Prompt = "Stream {text}")]
            public partial IAsyncEnumerable<string> StreamAsync(string text);
        }

        public sealed record Document(string Text);

        [Agent(Role = "Editor", Goal = "Summarize {Text}", Backstory = "Terse.")]
        public partial class Editor;

        [CrewTask<Summary>(Agent = typeof(Editor), Description = "Summarize {Text}.", ExpectedOutput = "A summary")]
        public partial class Summarize;

        [CrewTask(Agent = typeof(Editor), Description = "Title it.", ExpectedOutput = "A title", Context = [typeof(Summarize)])]
        public partial class TitleIt;

        [Crew<Document>(Tasks = [typeof(Summarize), typeof(TitleIt)])]
        public partial class SummaryCrew;
        """;

    /// <summary>Less common shapes: a less accessible struct input, raw multi-line templates, a record crew.</summary>
    public const string Variety = """"
        internal readonly record struct Query(string Subject, int Count);

        [Agent(Role = "Analyst of {Subject}", Goal = "Count to {count}", Backstory = "Uses {{braces}} and \u0041 escapes.")]
        public partial class Analyst;

        [CrewTask(Agent = typeof(Analyst), Description = """
            Multi-line raw {Subject}
              indented
            """, ExpectedOutput = "A \"quoted\" answer")]
        public partial class Analyze;

        [Crew<Query>(Tasks = [typeof(Analyze)], Process = CrewProcess.Sequential)]
        public sealed partial class QueryCrew;

        [Crew<Query>(Tasks = [typeof(Analyze)])]
        internal sealed partial record RecordCrew;
        """";

    public static readonly (string Name, string Body)[] Bodies =
    [
        ("input", CrewWithInput),
        ("graph", GraphCrew),
        ("llm", LlmCallsAndState),
        ("variety", Variety),
    ];

    /// <summary>Bodies that also get every token and argument mutation (the others only structural variants).</summary>
    public static readonly string[] MutatedBodies = ["input", "graph", "llm"];

    /// <summary>Namespace forms: (name, opening, closing).</summary>
    public static readonly (string Name, string Open, string Close)[] Namespaces =
    [
        ("none", "", ""),
        ("file", "namespace Sample.Crews;\n\n", ""),
        ("block", "namespace Sample\n{\n", "\n}\n"),
        ("nested", "namespace Outer\n{\nnamespace Inner.Deep\n{\n", "\n}\n}\n"),
        ("system", "namespace System.Crews;\n\n", ""),
        ("amsha", "namespace Amsha.Samples;\n\n", ""),
    ];

    /// <summary>Containing types around the declarations: (name, opening, closing).</summary>
    public static readonly (string Name, string Open, string Close)[] Wrappers =
    [
        ("top", "", ""),
        ("static", "public static partial class Holder\n{\n", "\n}\n"),
        ("generic", "internal partial class Holder<T> where T : class\n{\n", "\n}\n"),
        ("struct", "public partial struct Holder\n{\n", "\n}\n"),
        ("record", "public partial record Holder<T1, T2>(T1 First, T2 Second)\n{\n", "\n}\n"),
        ("twolevels", "public partial class A\n{\nprivate partial class B<T>\n{\n", "\n}\n}\n"),
        ("notpartial", "public class NotPartial\n{\n", "\n}\n"),
        ("interface", "public partial interface IHolder\n{\n", "\n}\n"),
    ];

    /// <summary>Values of the wrong (or surprising) type for any attribute argument.</summary>
    public static readonly string[] WrongValues =
    [
        "\"text\"", "42", "null", "typeof(Missing)", "typeof(string)", "[typeof(int)]", "new[] { 1 }", "1.5",
        "CrewProcess.Graph", "default", "nameof(System)", "\"{\"", "[]", "-1",
    ];

    public static string Compose(string body, (string Name, string Open, string Close) ns, (string Name, string Open, string Close) wrapper) =>
        Usings + ns.Open + wrapper.Open + body + wrapper.Close + ns.Close;

    public static IEnumerable<MutationVariant> Variants()
    {
        // Every body in every namespace form and containing type.
        foreach (var (bodyName, body) in Bodies)
        {
            foreach (var ns in Namespaces)
            {
                foreach (var wrapper in Wrappers)
                {
                    yield return new($"{bodyName}/{ns.Name}/{wrapper.Name}", Compose(body, ns, wrapper));
                }
            }
        }

        // Token and argument mutations of each body in two shapes: plain, and nested generic with a file-scoped namespace.
        foreach (var (bodyName, body) in Bodies.Where(b => MutatedBodies.Contains(b.Name)))
        {
            foreach (var (shapeName, source) in new[]
            {
                ("plain", Compose(body, Namespaces[0], Wrappers[0])),
                ("nested", Compose(body, Namespaces[1], Wrappers[2])),
            })
            {
                foreach (var variant in Mutate($"{bodyName}/{shapeName}", source))
                {
                    yield return variant;
                }
            }
        }
    }

    private static IEnumerable<MutationVariant> Mutate(string name, string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot();
        var tokens = root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            yield return new($"{name}/truncate@{i}", source.Substring(0, token.Span.End));
            yield return new($"{name}/delete@{i}", source.Remove(token.Span.Start, token.Span.Length));
            yield return new($"{name}/duplicate@{i}", source.Insert(token.Span.End, " " + token.Text));
        }

        var arguments = root.DescendantNodes().OfType<AttributeArgumentSyntax>().ToList();
        for (var i = 0; i < arguments.Count; i++)
        {
            var expression = arguments[i].Expression;
            foreach (var value in WrongValues)
            {
                yield return new($"{name}/argument@{i}={value}", source.Remove(expression.SpanStart, expression.Span.Length).Insert(expression.SpanStart, value));
            }
        }

        // Missing types: each declaration removed, so references to it no longer bind.
        var declarations = root.DescendantNodes().OfType<MemberDeclarationSyntax>().Where(m => m is BaseTypeDeclarationSyntax or MethodDeclarationSyntax).ToList();
        for (var i = 0; i < declarations.Count; i++)
        {
            var span = declarations[i].FullSpan;
            yield return new($"{name}/remove@{i}", source.Remove(span.Start, span.Length));
        }
    }
}
