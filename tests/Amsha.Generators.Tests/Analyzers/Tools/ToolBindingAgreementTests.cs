using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>
/// The analyzers say why a tool is missing, so they must agree with the generator: a <c>[Tool]</c> method gets a
/// generated tool exactly when no declaration error (AMSHA001, AMSHA010, AMSHA016, AMSHA017, AMSHA020) is reported
/// inside it or on its toolbox.
/// </summary>
public sealed class ToolBindingAgreementTests
{
    private const string Corpus = ToolAnalyzers.Usings + """
        public enum Freshness { Any, Week }

        public sealed record Hit(string Title, double Score);

        public sealed record Photo(string Name, System.IO.Stream Data);

        public interface IGreeter { string Greet(string name); }

        [Toolbox]
        public partial class Corpus : IGreeter
        {
            [Tool(Description = "d-Ping")] public void Ping() { }
            [Tool(Description = "d-Count")] public int Count(string text, int start = 0) => text.Length - start;
            [Tool(Description = "d-ForgetAsync")] public Task ForgetAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            [Tool(Description = "d-ReadAsync")] public ValueTask<string> ReadAsync(string path) => new(path);
            [Tool(Description = "d-Resume")] public ValueTask Resume() => default;
            [Tool(Description = "d-Search")] public Task<List<Hit>> Search(List<string> terms, Freshness freshness = Freshness.Week, int? top = null) => Task.FromResult(new List<Hit>());
            [Tool(Description = "d-Static")] public static bool Static(string text) => text.Length == 0;
            [Tool(Description = "d-Internal")] internal string Internal(string text) => text;
            [Tool(Description = "d-ProtectedInternal")] protected internal string ProtectedInternal(string text) => text;
            [Tool(Description = "d-Map")] public Dictionary<string, int> Map(Dictionary<string, Hit> hits) => new();
            [Tool(Description = "d-Private")] private string Private(string text) => text;
            [Tool(Description = "d-Protected")] protected string Protected(string text) => text;
            [Tool(Description = "d-PrivateProtected")] private protected string PrivateProtected(string text) => text;
            [Tool(Description = "d-Generic")] public T Generic<T>(T value) => value;
            [Tool(Description = "d-Ref")] public void Ref(ref int count) { }
            [Tool(Description = "d-Out")] public void Out(out int count) { count = 0; }
            [Tool(Description = "d-In")] public int In(in int count) => count;
            [Tool(Description = "d-Params")] public int Params(params int[] values) => values.Length;
            [Tool(Description = "d-Dynamic")] public dynamic Dynamic() => 1;
            [Tool(Description = "d-DynamicAsync")] public Task<dynamic> DynamicAsync() => Task.FromResult<dynamic>(1);
            [Tool(Description = "d-Anything")] public void Anything(object value) { }
            [Tool(Description = "d-Open")] public System.IO.Stream Open(string path) => null!;
            [Tool(Description = "d-Describe")] public string Describe(Photo photo) => photo.Name;
            [Tool(Description = "d-Later")] public Task<Photo> Later() => null!;
            [Tool(Description = "d-Pair")] public int Pair((int A, int B) pair) => pair.A;
            [Tool(Description = "d-Callback")] public int Callback(Func<int> callback) => callback();
            [Tool(Description = "d-MaybeToken")] public int MaybeToken(CancellationToken? token) => 0;
            [Tool(Description = "d-Nested")] public Task<Task<int>> Nested() => null!;
            [Tool(Description = "d-Stream")] public IAsyncEnumerable<string> Stream() => null!;
            [Tool(Description = "d-EchoAsync")] public string EchoAsync(string text) => text;
            [Tool(Description = "d-Echo")] public string Echo(string text) => text;
            [Tool(Name = "EchoAsync", Description = "d-Renamed")] public string Renamed(string text) => text;
            [Tool(Description = "d-Greet")] string IGreeter.Greet(string name) => name;
            public string Name { [Tool(Description = "d-get_Name")] get => ""; }
        }

        [Toolbox] public partial class Cache<T> { [Tool(Description = "d-CacheCount")] public int CacheCount() => 0; }

        [Toolbox] public static partial class MathTools { [Tool(Description = "d-Add")] public static int Add(int a, int b) => a + b; }

        public static class Holder { [Toolbox] public class Plain { [Tool(Description = "d-PlainEcho")] public string PlainEcho(string text) => text; } }

        public partial class Outer { [Toolbox] private partial class Hidden { [Tool(Description = "d-Hide")] public string Hide(string text) => text; } }

        public class NotAToolbox { [Tool(Description = "d-Loose")] public string Loose(string text) => text; }
        """;

    [Fact]
    public async Task A_tool_is_generated_exactly_when_no_declaration_error_is_reported_for_it()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Corpus));
        var generated = string.Join("\n", run.Sources.Where(s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal)).Select(s => s.Value));
        var errors = (await AnalyzerHarness.AnalyzeAsync(run.Output, analyzers: ToolAnalyzers.Declarations()))
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal))
            .ToList();
        Assert.DoesNotContain(errors, d => d.Id == "AD0001");

        var tree = run.Output.SyntaxTrees.First();
        var model = run.Output.GetSemanticModel(tree);
        var checkedTools = 0;
        var generatedTools = 0;
        var disagreements = new System.Collections.Generic.List<string>();
        foreach (var node in tree.GetRoot().DescendantNodes().Where(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax))
        {
            if (model.GetDeclaredSymbol(node) is not IMethodSymbol method
                || method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "ToolAttribute") is not { } attribute)
            {
                continue;
            }

            checkedTools++;
            var description = (string)attribute.NamedArguments.Single(a => a.Key == "Description").Value.Value!;
            var isGenerated = generated.Contains("\"" + description + "\"", System.StringComparison.Ordinal);
            generatedTools += isGenerated ? 1 : 0;

            // Errors on the method, or on the toolbox (and the types around it) that holds it.
            var span = node.Span;
            var reported = errors.Where(d => d.Location.SourceTree == tree && (span.Contains(d.Location.SourceSpan) || OnToolbox(method.ContainingType, d))).Select(d => d.Id).ToList();
            if (isGenerated == (reported.Count > 0))
            {
                disagreements.Add($"{method.ToDisplayString()}: generated {isGenerated}, reported [{string.Join(", ", reported)}]");
            }
        }

        Assert.Equal(39, checkedTools);
        Assert.Equal(12, generatedTools);
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    // A toolbox-level error is reported on the declaration of the toolbox (name, 'static', type parameters) or of a type around it.
    private static bool OnToolbox(INamedTypeSymbol? type, Diagnostic diagnostic)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration
                    && declaration.Identifier.Span.Start <= diagnostic.Location.SourceSpan.Start
                    && diagnostic.Location.SourceSpan.End <= (declaration.TypeParameterList?.Span.End ?? declaration.Identifier.Span.End))
                {
                    return true;
                }

                if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax withModifiers
                    && withModifiers.Modifiers.Any(m => m.Span == diagnostic.Location.SourceSpan))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
