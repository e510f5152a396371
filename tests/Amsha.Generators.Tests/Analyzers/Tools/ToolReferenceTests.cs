using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA019: agent and task <c>Tools</c> entries that are not toolboxes.</summary>
public sealed class ToolReferenceTests
{
    private const string Declarations = ToolAnalyzers.Usings + """
        public sealed class Helper;

        [Toolbox]
        public partial class WebTools
        {
            [Tool(Description = "Echoes.")]
            public string Echo(string text) => text;
        }

        """;

    [Fact]
    public async Task Entries_that_are_not_toolboxes_are_reported_on_the_entry()
    {
        await ToolAnalyzers.VerifyAsync(Declarations + """
            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(WebTools), {|AMSHA019:typeof(Helper)|}])]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E", Tools = new[] { {|AMSHA019:typeof(string)|}, typeof(WebTools) })]
            public partial class Write;

            [CrewTask<string>(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E", Tools = [{|AMSHA019:typeof(int[])|}, {|AMSHA019:null|}])]
            public partial class Check;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E", Tools = {|AMSHA019:null|})]
            public partial class Review;
            """);
    }

    [Fact]
    public async Task Toolboxes_empty_lists_and_missing_types_are_not_reported()
    {
        await ToolAnalyzers.VerifyAsync(Declarations + """
            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(WebTools)])]
            public partial class Writer;

            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [])]
            public partial class Plain;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E", Tools = [typeof(WebTools), typeof(Missing)])]
            public partial class Write;

            [CrewTask(Agent = typeof(Plain), Description = "D", ExpectedOutput = "E")]
            public partial class Review;
            """);
    }

    [Theory]
    [InlineData("[Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\", Tools = [typeof(Helper)])] public partial class Writer;",
        "The Tools of agent 'Writer' list 'Helper', which is not marked [Toolbox], so no crew that uses it is generated; mark 'Helper' with [Toolbox] or remove it from Tools")]
    [InlineData("[Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\")] public partial class Writer; [CrewTask(Agent = typeof(Writer), Description = \"D\", ExpectedOutput = \"E\", Tools = null)] public partial class Write;",
        "The Tools of task 'Write' are null, so no crew that uses it is generated; leave Tools out or write Tools = []")]
    [InlineData("[Agent(Role = \"R\", Goal = \"G\", Backstory = \"B\")] public partial class Writer; [CrewTask(Agent = typeof(Writer), Description = \"D\", ExpectedOutput = \"E\", Tools = [null])] public partial class Write;",
        "The Tools of task 'Write' list null, so no crew that uses it is generated; remove it from Tools")]
    public async Task Messages_name_the_owner_and_the_entry(string declarations, string message)
    {
        var diagnostic = await ToolAnalyzers.SingleAsync(Declarations + declarations, "AMSHA019");

        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void A_crew_whose_task_names_a_non_toolbox_is_not_generated_and_is_once_the_entry_is_a_toolbox()
    {
        const string crew = """
            public sealed record Req(string Topic);

            [Agent(Role = "R", Goal = "G about {Topic}", Backstory = "B", Tools = [typeof(TOOLS)])]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<Req>(Tasks = [typeof(Write)])]
            public partial class WritingCrew;
            """;

        var broken = GeneratorHarness.Run(Declarations + crew.Replace("TOOLS", "Helper"));
        var fixedRun = GeneratorHarness.Run(Declarations + crew.Replace("TOOLS", "WebTools"));

        Assert.DoesNotContain(broken.Sources.Keys, k => k.Contains("WritingCrew", System.StringComparison.Ordinal));
        Assert.Contains(fixedRun.Sources.Keys, k => k.Contains("WritingCrew", System.StringComparison.Ordinal));
        Assert.Empty(fixedRun.CompilationErrors.Select(d => d.ToString()));
    }
}
