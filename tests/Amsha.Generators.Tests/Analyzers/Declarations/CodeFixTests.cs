using System.Threading.Tasks;
using Amsha.CodeFixes;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class CodeFixTests
{
    [Fact]
    public async Task Make_partial_adds_the_modifier_to_the_type_and_its_containing_types()
    {
        const string before = """
            using Amsha;

            namespace Sample;

            public static class Outer
            {
                internal class Middle
                {
                    [Agent(Role = "R", Goal = "G", Backstory = "B")]
                    public sealed class Researcher;
                }
            }
            """;

        // Fixing the innermost type also fixes the two types around it.
        var after = await CodeFixHarness.ApplyAsync(before, new MakePartialCodeFixProvider(), "AMSHA001", diagnosticIndex: 2);

        Assert.Equal("""
            using Amsha;

            namespace Sample;

            public static partial class Outer
            {
                internal partial class Middle
                {
                    [Agent(Role = "R", Goal = "G", Backstory = "B")]
                    public sealed partial class Researcher;
                }
            }
            """, after);
        Assert.DoesNotContain(await Declarations.DiagnosticsAsync(after), d => d.Id == "AMSHA001");
    }

    [Fact]
    public async Task Make_partial_keeps_leading_trivia_when_there_are_no_modifiers()
    {
        var after = await CodeFixHarness.ApplyAsync("""
            using Amsha;
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            /* agent */ class Researcher;
            """, new MakePartialCodeFixProvider(), "AMSHA001");

        Assert.Equal("""
            using Amsha;
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            /* agent */ partial class Researcher;
            """, after);
    }

    [Fact]
    public async Task Make_partial_fix_all_changes_every_declaration_once()
    {
        var after = await CodeFixHarness.ApplyAsync("""
            using Amsha;
            public class Outer
            {
                [Agent(Role = "R", Goal = "G", Backstory = "B")]
                public class Researcher;

                [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E")]
                public class Research;
            }
            """, new MakePartialCodeFixProvider(), "AMSHA001", fixAll: true);

        Assert.Equal("""
            using Amsha;
            public partial class Outer
            {
                [Agent(Role = "R", Goal = "G", Backstory = "B")]
                public partial class Researcher;

                [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E")]
                public partial class Research;
            }
            """, after);
    }

    private const string Crew = """"
        using Amsha;

        public sealed record ArticleRequest(string Topic, string Audience);

        [Agent(Role = "Writer", Goal = "Explain {Topik} to {audiance}", Backstory = @"Says ""{Topc}""")]
        public partial class Writer;

        [CrewTask(Agent = typeof(Writer), Description = "Write about \"{Topik}\".", ExpectedOutput = "An article for {Weather}")]
        public partial class Write;

        [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
        public partial class ArticleCrew;
        """";

    [Fact]
    public async Task Replace_placeholder_uses_the_closest_member()
    {
        var after = await CodeFixHarness.ApplyAsync(Crew, new ReplacePlaceholderCodeFixProvider(), "AMSHA004");

        Assert.Equal(Crew.Replace("Explain {Topik}", "Explain {Topic}", System.StringComparison.Ordinal), after);
    }

    [Fact]
    public async Task Replace_placeholder_fix_all_fixes_near_misses_and_leaves_the_rest()
    {
        var after = await CodeFixHarness.ApplyAsync(Crew, new ReplacePlaceholderCodeFixProvider(), "AMSHA004", fixAll: true);

        Assert.Equal(""""
            using Amsha;

            public sealed record ArticleRequest(string Topic, string Audience);

            [Agent(Role = "Writer", Goal = "Explain {Topic} to {Audience}", Backstory = @"Says ""{Topic}""")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "Write about \"{Topic}\".", ExpectedOutput = "An article for {Weather}")]
            public partial class Write;

            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """", after);
        var remaining = Assert.Single(await Declarations.DiagnosticsAsync(after));
        Assert.Equal("AMSHA004", remaining.Id);
        Assert.Contains("'{Weather}'", remaining.GetMessage());
    }

    [Fact]
    public async Task Escape_brace_doubles_the_stray_brace()
    {
        const string before = """
            using Amsha;
            [Agent(Role = "R }", Goal = "G {}", Backstory = "B {Open")]
            public partial class Writer;
            """;

        var first = await CodeFixHarness.ApplyAsync(before, new EscapeBraceCodeFixProvider(), "AMSHA014");
        Assert.Equal(before.Replace("R }", "R }}", System.StringComparison.Ordinal), first);

        var all = await CodeFixHarness.ApplyAsync(before, new EscapeBraceCodeFixProvider(), "AMSHA014", fixAll: true);
        Assert.Equal("""
            using Amsha;
            [Agent(Role = "R }}", Goal = "G {{}}", Backstory = "B {{Open")]
            public partial class Writer;
            """, all);
        Assert.Empty(await Declarations.DiagnosticsAsync(all));
    }

    [Fact]
    public async Task No_text_fix_is_offered_when_the_location_is_not_exact()
    {
        var error = await Assert.ThrowsAsync<System.InvalidOperationException>(() => CodeFixHarness.ApplyAsync("""
            using Amsha;
            [Agent(Role = "R " + "}", Goal = "G", Backstory = "B")]
            public partial class Writer;
            """, new EscapeBraceCodeFixProvider(), "AMSHA014"));
        Assert.Contains("no action", error.Message);
    }
}
