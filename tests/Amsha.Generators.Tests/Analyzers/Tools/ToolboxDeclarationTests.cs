using System.Linq;
using System.Threading.Tasks;
using Amsha.CodeFixes;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA016 (toolboxes the generator cannot extend, tools outside toolboxes) and AMSHA001 for toolboxes.</summary>
public sealed class ToolboxDeclarationTests
{
    [Fact]
    public async Task Valid_toolbox_agent_task_and_crew_have_no_diagnostics_from_any_analyzer()
    {
        var diagnostics = await ToolAnalyzers.DiagnosticsAsync(ToolAnalyzers.Valid, GeneratorHarness.AllAnalyzers());

        Assert.Empty(diagnostics.Select(d => d.ToString()));
        Assert.Empty(AnalyzerHarness.CreateCompilationWithGeneratedCode([(AnalyzerHarness.SourcePath, ToolAnalyzers.Valid)]).GetDiagnostics()
            .Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public async Task Tool_in_a_type_that_is_not_a_toolbox_is_reported_on_the_attribute()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            public partial class Helpers
            {
                [{|AMSHA016:Tool|}(Description = "Echoes.")]
                public string Echo(string text) => text;

                public string NotATool(string text) => text;
            }

            [Toolbox]
            public partial class Derived : Helpers;

            public class Plain
            {
                [{|AMSHA016:Amsha.Tool|}(Description = "Echoes.")]
                public static string Echo(string text) => text;
            }
            """);
    }

    [Fact]
    public async Task Tool_outside_a_toolbox_message_says_what_to_do()
    {
        var diagnostic = await ToolAnalyzers.SingleAsync(ToolAnalyzers.Usings + """
            public class Helpers
            {
                [Tool(Description = "Echoes.")]
                public string Echo(string text) => text;
            }
            """, "AMSHA016");

        Assert.Equal(
            "Tool 'Echo' is declared in 'Helpers', which is not marked [Toolbox], so the generator emits no tool for it; mark 'Helpers' with [Toolbox], or move the method to a toolbox (a toolbox's tools are the methods it declares, not inherited ones)",
            diagnostic.GetMessage());
    }

    [Fact]
    public async Task Generic_static_unreachable_and_file_local_toolboxes_are_reported_where_written()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            [Toolbox]
            public partial class Cache{|AMSHA016:<T>|}
            {
                [Tool(Description = "Counts.")]
                public int Count() => 0;
            }

            [Toolbox]
            public {|AMSHA016:static|} partial class MathTools
            {
                [Tool(Description = "Adds.")]
                public static int Add(int a, int b) => a + b;
            }

            public partial class Outer
            {
                [Toolbox]
                private partial class {|AMSHA016:Hidden|}
                {
                    [Tool(Description = "Hides.")]
                    public string Hide(string text) => text;
                }

                private partial class Middle
                {
                    [Toolbox]
                    public partial class {|AMSHA016:Deep|}
                    {
                        [Tool(Description = "Digs.")]
                        public string Dig(string text) => text;
                    }
                }

                [Toolbox]
                protected internal partial class Reachable
                {
                    [Tool(Description = "Reaches.")]
                    public string Reach(string text) => text;
                }
            }

            public partial class Box<T>
            {
                [Toolbox]
                public partial class {|AMSHA016:Inner|}
                {
                    [Tool(Description = "Unpacks.")]
                    public string Unpack(string text) => text;
                }
            }

            [Toolbox]
            file partial class {|AMSHA016:Local|}
            {
                [Tool(Description = "Stays.")]
                public string Stay(string text) => text;
            }
            """);
    }

    [Theory]
    [InlineData("[Toolbox] public partial class Cache<T> { }", "Toolbox 'Cache' is generic, so the generator emits no tools for it (a model cannot choose type arguments); declare a non-generic toolbox, which may call generic code")]
    [InlineData("[Toolbox] public static partial class MathTools { }", "Toolbox 'MathTools' is static, so the generator emits no tools for it; remove 'static' (its tools may still be static methods)")]
    [InlineData("public partial class Outer { [Toolbox] private partial class Hidden { } }", "Toolbox 'Hidden' is private, so the generator emits no tools for it (generated code cannot reach it); make it public or internal")]
    [InlineData("public partial class Outer { protected partial class Middle { [Toolbox] public partial class Deep { } } }", "Toolbox 'Deep' is nested in the protected type 'Middle', so the generator emits no tools for it (generated code cannot reach it); make 'Middle' public or internal")]
    [InlineData("public partial class Box<T> { [Toolbox] public partial class Inner { } }", "Toolbox 'Inner' is nested in the generic type 'Box<T>', so the generator emits no tools for it; move it out of 'Box<T>'")]
    public async Task Toolbox_messages_say_what_is_wrong_and_what_to_do(string declaration, string message)
    {
        var diagnostic = await ToolAnalyzers.SingleAsync(ToolAnalyzers.Usings + declaration, "AMSHA016");

        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public async Task Toolbox_that_is_not_partial_is_AMSHA001_with_the_types_around_it()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            public static class {|AMSHA001:Holder|}
            {
                [Toolbox]
                public class {|AMSHA001:WebTools|}
                {
                    [Tool(Description = "Echoes.")]
                    public string Echo(string text) => text;
                }
            }

            [Toolbox]
            public partial class Fine
            {
                [Tool(Description = "Echoes.")]
                public string Echo(string text) => text;
            }
            """);

        var diagnostics = await ToolAnalyzers.DiagnosticsAsync(ToolAnalyzers.Usings + "public static class Holder { [Toolbox] public class WebTools { } }");
        Assert.Equal(
            ["'Holder' must be declared partial because it contains the [Toolbox] type 'WebTools'; add the 'partial' modifier", "'WebTools' must be declared partial because it is marked [Toolbox]; add the 'partial' modifier"],
            diagnostics.Where(d => d.Id == "AMSHA001").OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage()));
    }

    [Fact]
    public async Task Make_partial_fix_makes_the_toolbox_and_its_containing_types_partial_and_then_the_tool_is_generated()
    {
        const string source = ToolAnalyzers.Usings + """
            public static class Holder
            {
                [Toolbox]
                public class WebTools
                {
                    [Tool(Description = "Echoes.")]
                    public string Echo(string text) => text;
                }
            }
            """;

        var fixedSource = await CodeFixHarness.ApplyAsync(source, new MakePartialCodeFixProvider(), "AMSHA001", fixAll: true);

        Assert.Equal(source.Replace("public static class Holder", "public static partial class Holder").Replace("public class WebTools", "public partial class WebTools"), fixedSource);
        Assert.Empty(await ToolAnalyzers.DiagnosticsAsync(fixedSource));
        Assert.Contains(GeneratorHarness.Run(fixedSource).Sources, s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal) && s.Value.Contains("\"Echo\"", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task Members_the_generated_CreateAIFunctions_would_clash_with_are_reported_where_written()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            [Toolbox]
            public partial class OwnMethod
            {
                public IReadOnlyList<object> {|AMSHA016:CreateAIFunctions|}() => Array.Empty<object>();

                [Tool(Description = "Counts.")]
                public int Count() => 0;
            }

            [Toolbox]
            public partial class OwnProperty
            {
                public int {|AMSHA016:CreateAIFunctions|} { get; set; }
            }

            [Toolbox]
            public partial class OwnNestedType
            {
                public sealed class {|AMSHA016:CreateAIFunctions|};
            }

            [Toolbox]
            public partial class {|AMSHA016:CreateAIFunctions|};

            [Toolbox]
            public partial class Overloads
            {
                public int CreateAIFunctions(int limit) => limit;

                public T CreateAIFunctions<T>() => default!;

                [Tool(Description = "Counts.")]
                public int Count() => 0;
            }
            """);
    }

    [Theory]
    [InlineData("[Toolbox] public partial class Box { public string CreateAIFunctions() => \"\"; }",
        "Toolbox 'Box' declares the method 'CreateAIFunctions()', which the generator emits on every toolbox, so it leaves its own out; rename it (an overload with parameters is fine)")]
    [InlineData("[Toolbox] public partial class Box { public int CreateAIFunctions; }",
        "Toolbox 'Box' declares a member named 'CreateAIFunctions', which the generator emits on every toolbox, so it leaves its own out; rename it (an overload with parameters is fine)")]
    [InlineData("[Toolbox] public partial class CreateAIFunctions;",
        "Toolbox 'CreateAIFunctions' is named like the method 'CreateAIFunctions()' the generator emits on every toolbox (a member cannot have its class's name), so it leaves that method out; rename the class")]
    public async Task CreateAIFunctions_clash_messages_say_what_to_do(string declaration, string message)
    {
        var diagnostic = await ToolAnalyzers.SingleAsync(ToolAnalyzers.Usings + declaration, "AMSHA016");

        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void Toolbox_with_its_own_CreateAIFunctions_still_gets_its_tools_and_its_crew_compiles()
    {
        var source = ToolAnalyzers.Valid.Replace("public string NotATool() => \"\";", "public IReadOnlyList<string> CreateAIFunctions() => new[] { \"mine\" };");

        var run = GeneratorHarness.Run(source);

        // Only the analyzer's AMSHA016 (not run here): no CS0111 in generated code, the tools and the crew are there.
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var toolbox = Assert.Single(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal)).Value;
        Assert.DoesNotContain("CreateAIFunctions()", toolbox, System.StringComparison.Ordinal);
        Assert.Contains("\"fetch_page\"", toolbox, System.StringComparison.Ordinal);
        Assert.Contains(run.Sources, s => s.Key.EndsWith(".Crew.g.cs", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_toolbox_derived_from_one_with_a_CreateAIFunctions_hides_it_without_a_warning()
    {
        var run = GeneratorHarness.Run(ToolAnalyzers.Usings + """
            [Toolbox]
            public partial class BaseTools
            {
                [Tool(Description = "Adds.")]
                public int Add(int a, int b) => a + b;
            }

            [Toolbox]
            public partial class MoreTools : BaseTools
            {
                [Tool(Description = "Subtracts.")]
                public int Subtract(int a, int b) => a - b;
            }

            public class Plain
            {
                public string CreateAIFunctions() => "";
            }

            [Toolbox]
            public partial class FromPlain : Plain
            {
                [Tool(Description = "Echoes.")]
                public string Echo(string text) => text;
            }
            """);

        Assert.Empty(run.CompilationErrors);
        var generated = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).Select(d => d.ToString()));
        string Toolbox(string name) => Assert.Single(run.Sources, s => s.Key == name + ".Toolbox.g.cs").Value;
        Assert.Contains("public new global::System.Collections.Generic.IReadOnlyList<global::Amsha.Generated.ToolFunction> CreateAIFunctions()", Toolbox("MoreTools"), System.StringComparison.Ordinal);
        Assert.Contains("public new global::System.Collections.Generic.IReadOnlyList<global::Amsha.Generated.ToolFunction> CreateAIFunctions()", Toolbox("FromPlain"), System.StringComparison.Ordinal);
        Assert.Contains("public global::System.Collections.Generic.IReadOnlyList<global::Amsha.Generated.ToolFunction> CreateAIFunctions()", Toolbox("BaseTools"), System.StringComparison.Ordinal);
    }
}
