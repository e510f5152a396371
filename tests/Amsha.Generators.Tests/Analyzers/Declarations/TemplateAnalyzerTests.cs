using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class TemplateAnalyzerTests
{
    private const string Request = """
        using System.Threading.Tasks;
        using Amsha;

        public sealed record ArticleRequest(string Topic, string Audience);

        """;

    [Fact]
    public async Task Unknown_placeholder_is_reported_on_its_name_in_agent_and_task()
    {
        await Declarations.VerifyAsync(Request + """
            [Agent(Role = "Writer", Goal = "Explain {topic} to {{|AMSHA004:Audiance|}}", Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "Write about {{|AMSHA004:Topik|}}.", ExpectedOutput = "An article for {AUDIENCE}")]
            public partial class Write;

            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """);
    }

    [Fact]
    public async Task Message_lists_the_available_members_and_the_closest_one()
    {
        var diagnostic = await Declarations.SingleAsync(Request + """
            [Agent(Role = "Writer", Goal = "G", Backstory = "B")]
            public partial class Writer;
            [CrewTask(Agent = typeof(Writer), Description = "Write about {Topik}.", ExpectedOutput = "E")]
            public partial class Write;
            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """, "AMSHA004");

        Assert.Equal("Placeholder '{Topik}' in the Description of 'Write' has no matching member in 'ArticleRequest', the input of crew 'ArticleCrew'; available: Topic, Audience (did you mean 'Topic'?)", diagnostic.GetMessage());
        Assert.Equal("Topic", diagnostic.Properties[DiagnosticDescriptors.ReplacementProperty]);
    }

    [Fact]
    public async Task Placeholder_in_a_crew_without_input_is_reported()
    {
        await Declarations.VerifyAsync(Request + """
            [Agent(Role = "Writer", Goal = "G", Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "Write about {{|AMSHA004:Topic|}}.", ExpectedOutput = "E")]
            public partial class Write;

            [Crew(Tasks = [typeof(Write)])]
            public partial class NoInputCrew;
            """);
    }

    [Fact]
    public async Task Spans_are_exact_in_escaped_verbatim_and_raw_literals()
    {
        await Declarations.VerifyAsync(Request + """"
            [Agent(Role = "Say \"hi\"\t\u0041 {{|AMSHA004:Topik|}}", Goal = @"Quote ""{{|AMSHA004:Topix|}}""", Backstory = """
                Line one
                  {{|AMSHA004:Audince|}} here
                """)]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = """Raw {{|AMSHA004:Subject|}}""", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """");
    }

    [Fact]
    public async Task Spans_are_exact_with_windows_line_endings_in_raw_literals()
    {
        var markup = Request + """"
            [Agent(Role = "R", Goal = """
                First line
                {{|AMSHA004:Topik|}} and {Audience}
                """, Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """";

        await Declarations.VerifyAsync(markup.Replace("\r\n", "\n", System.StringComparison.Ordinal).Replace("\n", "\r\n", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task Constant_expressions_fall_back_to_the_whole_argument()
    {
        await Declarations.VerifyAsync(Request + """
            [Agent(Role = "Writer", Goal = {|AMSHA004:"About " + "{Topik}"|}, Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """);
    }

    [Fact]
    public async Task Placeholders_matching_members_ignoring_case_and_escaped_braces_are_fine()
    {
        await Declarations.VerifyAsync(Request + """
            [Agent(Role = "Writer of {{json}}", Goal = "Explain {topic} to {AUDIENCE}", Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "Write {Topic}.", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<ArticleRequest>(Tasks = [typeof(Write)])]
            public partial class ArticleCrew;
            """);
    }

    [Fact]
    public async Task Llm_call_placeholders_bind_to_parameters()
    {
        await Declarations.VerifyAsync(Request + """
            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(System = "You write for {Audience}.", Prompt = "Summarize {text} in {{|AMSHA004:wrods|}} words")]
                public partial Task<string> SummarizeAsync(string text, string audience, int words);
            }
            """);
    }

    [Fact]
    public async Task Malformed_templates_are_reported_on_the_bad_braces()
    {
        await Declarations.VerifyAsync(Request + """
            [Agent(Role = "R {|AMSHA014:}|}", Goal = "G {|AMSHA014:{}|}", Backstory = "B {|AMSHA014:{Topic|}")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "Emit {|AMSHA014:{ |}{{ok}}", ExpectedOutput = "E")]
            public partial class Write;

            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Summarize {text} {|AMSHA014:}|}")]
                public partial Task<string> SummarizeAsync(string text);
            }
            """);
    }

    [Fact]
    public async Task Malformed_message_explains_literal_braces()
    {
        var diagnostic = await Declarations.SingleAsync(Request + """
            [Agent(Role = "R }", Goal = "G", Backstory = "B")]
            public partial class Writer;
            """, "AMSHA014");

        Assert.Equal("The Role of 'Writer' contains a '}' without its '{'; write literal braces as '{{' and '}}'", diagnostic.GetMessage());
        Assert.Equal("true", diagnostic.Properties[DiagnosticDescriptors.ExactSpanProperty]);
    }

    [Theory]
    [InlineData("Topik", "Topic")]
    [InlineData("audiance", "Audience")]
    [InlineData("Weather", null)]
    [InlineData("T", null)]
    public void Closest_name_is_offered_only_for_near_misses(string placeholder, string? expected)
    {
        Assert.Equal(expected, Generators.Analyzers.Declarations.TemplateAnalyzer.Closest(placeholder, new[] { "Topic", "Audience" }.ToList()));
    }
}
