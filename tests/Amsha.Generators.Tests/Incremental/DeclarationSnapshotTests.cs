using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.Generators.Tests.Incremental;

/// <summary>
/// The generators' semantic steps run again only when a declaration changed: what counts as a change, and that
/// the generators find every marked declaration the compiler would (aliases, qualified names) and nothing else.
/// </summary>
public sealed class DeclarationSnapshotTests
{
    private const string Source = """
        #nullable enable
        using Amsha;

        namespace Sample;

        public sealed record Notes(string? Title, int Count, Mood Mood = Mood.Calm)
        {
            public string Source { get; init; } = "web";
            public const int Limit = 3;
            public static readonly string Label = "notes";
            public int Twice() { return Count * 2; }
            public int Thrice => Count * 3;
        }

        [Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Careful.")]
        public partial class Researcher;

        [CrewTask<Notes>(Agent = typeof(Researcher), Description = "Collect notes on {Topic}.", ExpectedOutput = "Notes")]
        public partial class CollectNotes;

        public enum Mood { Calm = 1, Urgent = 2 }

        public sealed record Request(string Topic);

        [Crew<Request>(Tasks = [typeof(CollectNotes)])]
        public partial class NotesCrew
        {
            public int Helper() => 1;
        }
        """;

    public static TheoryData<string, string, string, bool> Edits => new()
    {
        { "a statement in a method body", "return Count * 2;", "var twice = Count * 2; return twice;", true },
        { "an expression body", "Count * 3;", "Count + Count + Count;", true },
        { "a comment between declarations", "public sealed record Request", "// the crew's input\npublic sealed record Request", true },
        { "a static field's initializer", "Label = \"notes\"", "Label = \"more notes\"", true },
        { "an attribute argument", "Collect notes on {Topic}.", "Collect careful notes on {Topic}.", false },
        { "a positional member", "int Count,", "int Count, int Pages,", false },
        { "a member's nullability", "string? Title", "string Title", false },
        { "a constant", "Limit = 3", "Limit = 4", false },
        { "a method's signature", "public int Twice()", "public long Twice()", false },
        { "a nullable directive at the top", "#nullable enable", "#nullable disable", false },
        { "a directive inside a body", "return Count * 2;", "\n#nullable disable\nreturn Count * 2;\n#nullable restore\n", false },
        { "a method's documentation comment", "public int Twice()", "/// <summary>Twice the count.</summary>\n    public int Twice()", false },
        { "a comment inside a body", "return Count * 2;", "// doubled\n        return Count * 2;", true },
        { "an enum member's value", "Urgent = 2", "Urgent = 5", false },
        { "a parameter's default value", "Mood = Mood.Calm", "Mood = Mood.Urgent", false },
        { "a property's initializer", "= \"web\";", "= \"book\";", false },
        { "a declaration compiled out", "public sealed record Request", "#if NEVER\npublic sealed record Unused;\n#endif\npublic sealed record Request", false },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void An_edit_changes_the_declarations_only_outside_bodies(string edit, string oldText, string newText, bool same)
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);
        var edited = Replace(compilation, oldText, newText);

        Assert.True(same == DeclarationSnapshot.HaveSameDeclarations(compilation, edited), $"{edit}: expected {(same ? "the same declarations" : "a change")}.");
        Assert.True(DeclarationSnapshot.HaveSameDeclarations(edited, edited));
    }

    [Fact]
    public void Options_references_and_files_are_part_of_the_declarations()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);

        Assert.False(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.WithOptions(compilation.Options.WithNullableContextOptions(NullableContextOptions.Disable))));
        Assert.False(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.WithAssemblyName("Other")));
        Assert.False(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.RemoveReferences(compilation.References.Last())));
        Assert.False(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Added;", GeneratorHarness.ParseOptions, "Added.cs"))));

        // The same text parsed again is a new tree, but the same declarations.
        var reparsed = CSharpSyntaxTree.ParseText(Source, GeneratorHarness.ParseOptions, compilation.SyntaxTrees[0].FilePath);
        Assert.True(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[0], reparsed)));
    }

    [Fact]
    public void A_documentation_comment_counts_without_documentation_parsing_too()
    {
        // Without documentation parsing (a build that writes no XML docs), "///" lines are plain comments.
        var options = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.None);
        var compilation = GeneratorHarness.CreateCompilation([CSharpSyntaxTree.ParseText(Source, options, "Source0.cs")]);
        var tree = compilation.SyntaxTrees[0];
        var documented = tree.WithChangedText(SourceText.From(Source.Replace("public int Twice()", "/// <summary>Twice.</summary>\n    public int Twice()")));
        var commented = tree.WithChangedText(SourceText.From(Source.Replace("public int Twice()", "// Twice.\n    public int Twice()")));

        Assert.False(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.ReplaceSyntaxTree(tree, documented)));
        Assert.True(DeclarationSnapshot.HaveSameDeclarations(compilation, compilation.ReplaceSyntaxTree(tree, commented)));
    }

    [Fact]
    public void Editing_a_tools_documentation_writes_its_new_description()
    {
        const string Tools = """
            using Amsha;

            namespace Sample;

            [Toolbox]
            public partial class WeatherTools
            {
                /// <summary>Looks up the weather.</summary>
                [Tool]
                public string Forecast(string city) => city;
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(Tools);
        var first = GeneratorHarness.Run(compilation);
        Assert.Empty(first.CompilationErrors);
        var hint = Assert.Single(first.Sources.Keys, key => key.Contains("WeatherTools", StringComparison.Ordinal) && key.Contains("Toolbox", StringComparison.Ordinal));
        Assert.Contains("Looks up the weather.", first.Sources[hint]);

        var second = first.Driver.RunGenerators(Replace(compilation, "Looks up the weather.", "Looks up tomorrow's weather.")).GetRunResult();
        var toolbox = second.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == hint).SourceText.ToString();
        Assert.Contains("Looks up tomorrow's weather.", toolbox);
    }

    [Fact]
    public void A_reference_to_another_project_counts_by_that_projects_declarations()
    {
        const string Library = "namespace Lib; public static class Helpers { public static int Twice(int x) { return x * 2; } }";
        var library = CSharpCompilation.Create("Lib", [CSharpSyntaxTree.ParseText(Library, GeneratorHarness.ParseOptions, "Lib.cs")], GeneratorHarness.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var app = GeneratorHarness.CreateCompilation(Source).AddReferences(library.ToMetadataReference());

        // The IDE makes a new reference to a project on every edit in it.
        Compilation WithLibrary(string oldText, string newText)
        {
            var tree = library.SyntaxTrees[0];
            var edited = library.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(Library.Replace(oldText, newText))));
            return app.ReplaceReference(app.References.Last(), edited.ToMetadataReference());
        }

        Assert.True(DeclarationSnapshot.HaveSameDeclarations(app, WithLibrary("x * 2", "x + x")));
        Assert.False(DeclarationSnapshot.HaveSameDeclarations(app, WithLibrary("int Twice(int x)", "long Twice(int x)")));
        Assert.False(DeclarationSnapshot.HaveSameDeclarations(app, app.ReplaceReference(app.References.Last(), library.ToMetadataReference(aliases: ["lib"]))));

        // And the generators run nothing after the body edit there.
        var first = GeneratorHarness.Run(app);
        var second = first.Driver.RunGenerators(WithLibrary("x * 2", "x + x")).GetRunResult();
        Assert.All(second.Results.SelectMany(r => r.TrackedOutputSteps).SelectMany(pair => pair.Value).SelectMany(step => step.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(
            second.Results.SelectMany(r => r.TrackedSteps).Where(pair => pair.Key == TrackingNames.GenericCrewModels || pair.Key == TrackingNames.TaskOutputTypes).SelectMany(pair => pair.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void A_body_edit_runs_no_semantic_step_and_writes_nothing_again()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);
        var first = GeneratorHarness.Run(compilation);
        Assert.Empty(first.CompilationErrors);

        var second = first.Driver.RunGenerators(Replace(compilation, "Helper() => 1", "Helper() => 40 + 2")).GetRunResult();

        // Cached, not Unchanged: the steps did not run (Unchanged would mean they ran and produced equal models).
        // Every step Amsha names (Roslyn's own "Compilation" input is new on every edit; the DI facts read it by design).
        var named = typeof(TrackingNames).GetFields().Select(field => (string)field.GetRawConstantValue()!).ToHashSet();
        var steps = second.Results.SelectMany(r => r.TrackedSteps).Where(pair => named.Contains(pair.Key) && pair.Key != TrackingNames.HasDependencyInjection).ToList();
        Assert.Contains(steps, pair => pair.Key == TrackingNames.GenericCrewModels);
        Assert.Contains(steps, pair => pair.Key == TrackingNames.TaskOutputTypes);
        Assert.All(
            steps.SelectMany(pair => pair.Value.SelectMany(step => step.Outputs).Select(output => (pair.Key, output.Reason))),
            output => Assert.True(output.Reason == IncrementalStepRunReason.Cached, $"{output.Key}: {output.Reason}"));
        Assert.All(second.Results.SelectMany(r => r.TrackedOutputSteps).SelectMany(pair => pair.Value).SelectMany(step => step.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void After_a_body_edit_the_generators_keep_no_older_compilation_alive()
    {
        var (driver, edited, first) = RunThenEditABody();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The pipeline keeps the snapshot it holds when the new one compares equal; it must not pin the first compilation.
        Assert.False(first.IsAlive, "The compilation before the edit is still reachable from the generator driver.");
        GC.KeepAlive(driver);
        GC.KeepAlive(edited);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GeneratorDriver Driver, Compilation Edited, WeakReference First) RunThenEditABody()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(GeneratorHarness.AllGenerators().Select(g => g.AsSourceGenerator()), parseOptions: GeneratorHarness.ParseOptions);
        driver = driver.RunGenerators(compilation);
        var edited = Replace(compilation, "Helper() => 1", "Helper() => 40 + 2");
        driver = driver.RunGenerators(edited);
        Assert.NotEmpty(driver.GetRunResult().GeneratedTrees);
        return (driver, edited, new WeakReference(compilation));
    }

    [Fact]
    public void A_directive_edit_generates_again_with_what_it_changed()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source.Replace("string? Title", "string Title"));
        var first = GeneratorHarness.Run(compilation);
        Assert.DoesNotContain("StringOrNull", first.Sources["Sample.Notes.JsonCodec.g.cs"]);

        // Under "#nullable disable" a string may be null: the codec reads the title as a string or null.
        var second = first.Driver.RunGenerators(Replace(compilation, "#nullable enable", "#nullable disable")).GetRunResult();
        var codec = second.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "Sample.Notes.JsonCodec.g.cs").SourceText.ToString();
        Assert.Contains("JsonRead.StringOrNull", codec);
    }

    [Fact]
    public void An_enum_value_edit_generates_the_enums_codec_again()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);
        var first = GeneratorHarness.Run(compilation);
        Assert.Contains("Urgent", first.Sources["Sample.Mood.JsonCodec.g.cs"]);

        // Urgent becomes another name of Calm's value: the codec writes that value under one name, and still compiles.
        // (The compiler the SDK ships skips enum values in its top-level equivalence: without their own comparison
        // the first codec stayed, with a case for each name of one value.)
        var edited = Replace(compilation, "Urgent = 2", "Urgent = 1");
        var second = first.Driver.RunGeneratorsAndUpdateCompilation(edited, out var output, out _);
        var codec = second.GetRunResult().Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "Sample.Mood.JsonCodec.g.cs").SourceText.ToString();
        Assert.NotEqual(first.Sources["Sample.Mood.JsonCodec.g.cs"], codec);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("using CrewOf = Amsha.CrewAttribute<Sample.Request>;", "[CrewOf(Tasks = [typeof(CollectNotes)])]")]
    [InlineData("using AmshaCrewAttribute = Amsha.CrewAttribute<Sample.Request>;", "[AmshaCrew(Tasks = [typeof(CollectNotes)])]")]
    [InlineData("", "[Amsha.Crew<Request>(Tasks = [typeof(CollectNotes)])]")]
    [InlineData("", "[global::Amsha.CrewAttribute<Request>(Tasks = [typeof(CollectNotes)])]")]
    public void Attributes_written_through_aliases_and_qualified_names_are_found(string alias, string attribute)
    {
        var source = Source.Replace("using Amsha;", "using Amsha;\n" + alias).Replace("[Crew<Request>(Tasks = [typeof(CollectNotes)])]", attribute);
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.CompilationErrors);
        Assert.Contains("Sample.NotesCrew.Crew.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void Declarations_nested_a_thousand_deep_are_found_without_recursing_on_the_nesting()
    {
        const int Depth = 1_000;
        var text = new StringBuilder("#nullable enable\nusing Amsha;\nnamespace Deep;\n");
        for (var level = 0; level < Depth; level++)
        {
            text.Append("public partial class Level").Append(level).Append(" {\n");
        }

        text.Append(Source[(Source.IndexOf("namespace Sample;", StringComparison.Ordinal) + "namespace Sample;".Length)..]);
        text.Append('}', Depth);
        var compilation = GeneratorHarness.CreateCompilation(text.ToString());
        var root = compilation.SyntaxTrees.Single().GetRoot();

        // A walk that recursed once per level overflows this stack long before a thousand levels (the process dies).
        var walked = 0;
        var walker = new Thread(() => walked = DeclarationSnapshot.MemberDeclarations(root, CancellationToken.None).Count(), maxStackSize: 64 * 1024);
        walker.Start();
        walker.Join();
        Assert.True(walked > Depth);
        Assert.Equal(root.DescendantNodes().OfType<MemberDeclarationSyntax>().Count(member => member is not EnumMemberDeclarationSyntax), walked);

        // The generators find the crew at the bottom. (Compiling what they generate is left out: binding qualified
        // names a thousand types deep is the compiler's own slow path, not the generators'.)
        var run = GeneratorHarness.Run(compilation);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.Sources.Keys, name => name.Contains(".NotesCrew.", StringComparison.Ordinal) && name.EndsWith(".Crew.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alias_declared_in_another_file_is_followed()
    {
        var run = GeneratorHarness.Run(
            Source.Replace("[Crew<Request>(Tasks = [typeof(CollectNotes)])]", "[TeamOf(Tasks = [typeof(CollectNotes)])]"),
            "global using TeamOf = Amsha.CrewAttribute<Sample.Request>;");

        Assert.Empty(run.CompilationErrors);
        Assert.Contains("Sample.NotesCrew.Crew.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void An_attribute_of_the_same_name_from_another_namespace_is_not_amshas()
    {
        var run = GeneratorHarness.Run(
            Source.Replace("[Crew<Request>(Tasks = [typeof(CollectNotes)])]", "[Other.Crew(\"not a crew\")]"),
            """
            namespace Other;

            [System.AttributeUsage(System.AttributeTargets.Class)]
            public sealed class CrewAttribute(string note) : System.Attribute
            {
                public string Note { get; } = note;
            }
            """);

        Assert.Empty(run.CompilationErrors);
        Assert.DoesNotContain("Sample.NotesCrew.Crew.g.cs", run.Sources.Keys);
        Assert.Contains("Sample.Notes.JsonCodec.g.cs", run.Sources.Keys);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees[0];
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text.Replace(oldText, newText))));
    }
}
