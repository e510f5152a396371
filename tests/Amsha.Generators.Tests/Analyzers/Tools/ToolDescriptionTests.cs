using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers.Declarations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA018: a tool whose description, as the generator picks it, is missing or blank.</summary>
public sealed class ToolDescriptionTests
{
    private const string Toolbox = ToolAnalyzers.Usings + """
        [Toolbox]
        public partial class Docs
        {
            [{|AMSHA018:Tool|}]
            public string A(string s) => s;

            [Tool(Description = {|AMSHA018:""|})]
            public string B(string s) => s;

            [Tool(Description = {|AMSHA018:"   "|})]
            public string C(string s) => s;

            /// <summary>Has a summary, which a blank Description does not hide.</summary>
            [Tool(Description = " ")]
            public string D(string s) => s;

            /// <summary>Echoes.</summary>
            [Tool]
            public string E(string s) => s;

            /// <summary>
            ///   <see cref="E"/>   <br/>
            /// </summary>
            [{|AMSHA018:Tool|}]
            public string F(string s) => s;

            /// <remarks>Only remarks.</remarks>
            /// <param name="s">A text.</param>
            [{|AMSHA018:Tool|}]
            public string G(string s) => s;

            [Tool(Description = "Echoes.")]
            public string H(string s) => s;

            /** <summary>A block comment the generator does not read.</summary> */
            [{|AMSHA018:Tool|}]
            public string I(string s) => s;

            /// <summary>Uses <c>code</c> &amp; entities.</summary>
            [Tool(Name = "j")]
            public string J(string s) => s;

            /// <summary>
            /// Spread over
            /// two lines.
            /// </summary>
            [Tool(Description = "")]
            public string K(string s) => s;

            /// <summary>Not closed.
            [{|AMSHA018:Tool|}]
            public string L(string s) => s;

            /// <summary><b></b> < </summary>
            [Tool]
            public string M(string s) => s;
        }
        """;

    [Fact]
    public async Task Tools_without_a_description_the_model_could_read_are_reported()
    {
        await ToolAnalyzers.VerifyAsync(Toolbox);
    }

    [Theory]
    [InlineData(DocumentationMode.None)]
    [InlineData(DocumentationMode.Parse)]
    [InlineData(DocumentationMode.Diagnose)]
    public async Task Doc_comments_count_whatever_the_documentation_mode_and_agree_with_the_generator(DocumentationMode mode)
    {
        var (source, expected) = AnalyzerHarness.ParseMarkup(Toolbox);
        var tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions.WithDocumentationMode(mode), path: AnalyzerHarness.SourcePath);
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([tree]));
        var diagnostics = await AnalyzerHarness.AnalyzeAsync(run.Output, analyzers: [new ToolDescriptionAnalyzer()]);

        Assert.Equal(expected.Select(e => e.Span).OrderBy(s => s.Start), diagnostics.Where(d => d.Id == "AMSHA018").Select(d => d.Location.SourceSpan).OrderBy(s => s.Start));

        // The generator gives each reported tool a blank description and every other one some text.
        var toolbox = Assert.Single(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal)).Value;
        foreach (var (name, reported) in new[] { ("A", true), ("B", true), ("C", true), ("D", false), ("E", false), ("F", true), ("G", true), ("H", false), ("I", true), ("j", false), ("K", false), ("L", true), ("M", false) })
        {
            var start = toolbox.IndexOf("base(\"" + name + "\", \"", System.StringComparison.Ordinal);
            Assert.True(start >= 0, name + " is not generated.");
            var text = toolbox.Substring(start + name.Length + 10, toolbox.IndexOf('"', start + name.Length + 10) - start - name.Length - 10);
            Assert.True(string.IsNullOrWhiteSpace(text) == reported, $"{name}: generated description '{text}', reported: {reported}.");
        }
    }

    [Theory]
    [InlineData("[Tool] public string A(string s) => s;", "Tool 'A' has no Description and no /// <summary>: the model chooses tools by their descriptions, so it may never call this one or call it wrongly; set Description in [Tool(...)] or write a /// <summary> for the method")]
    [InlineData("[Tool(Description = \"\")] public string SearchAsync(string s) => s;", "Tool 'Search' has an empty Description and no /// <summary>: the model chooses tools by their descriptions, so it may never call this one or call it wrongly; set Description in [Tool(...)] or write a /// <summary> for the method")]
    [InlineData("[Tool(Name = \"echo\", Description = \" \")] public string A(string s) => s;", "Tool 'echo' has a blank Description and no /// <summary>: the model chooses tools by their descriptions, so it may never call this one or call it wrongly; set Description in [Tool(...)] or write a /// <summary> for the method")]
    public async Task Messages_name_the_tool_and_what_is_missing(string member, string message)
    {
        var diagnostic = await ToolAnalyzers.SingleAsync(ToolAnalyzers.Usings + "[Toolbox] public partial class Tools {\n" + member + "\n}", "AMSHA018");

        Assert.Equal(message, diagnostic.GetMessage());
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
    }
}
