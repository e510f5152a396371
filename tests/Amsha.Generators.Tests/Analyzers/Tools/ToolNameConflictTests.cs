using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA020: two tools of one name offered to a task.</summary>
public sealed class ToolNameConflictTests
{
    private const string Toolboxes = ToolAnalyzers.Usings + """
        [Toolbox]
        public partial class Web
        {
            [Tool(Description = "Fetches.")]
            public string Fetch(string url) => url;

            [Tool(Description = "Reads.")]
            public string Read(string url) => url;
        }

        [Toolbox]
        public partial class Files
        {
            [Tool(Description = "Fetches a file.")]
            public Task<string> FetchAsync(string path) => Task.FromResult(path);

            [Tool(Description = "Reads a file.")]
            public string Read(string path) => path;
        }

        [Toolbox]
        public partial class Notes
        {
            [Tool(Name = "Read", Description = "Reads a note.")]
            public string Open(string name) => name;
        }

        [Toolbox]
        public partial class Clock
        {
            [Tool(Description = "Tells the time.")]
            public string Now() => "";
        }

        """;

    [Fact]
    public async Task Two_tools_of_one_name_in_a_toolbox_are_reported_on_the_later_one()
    {
        await ToolAnalyzers.VerifyAsync(ToolAnalyzers.Usings + """
            [Toolbox]
            public partial class Search
            {
                [Tool(Description = "Searches.")]
                public Task<string> SearchAsync(string query) => Task.FromResult(query);

                [Tool(Description = "Searches now.")]
                public string {|AMSHA020:Search|}(string query, int top) => query;

                [Tool(Name = {|AMSHA020:"Search"|}, Description = "Finds.")]
                public string Find(string query) => query;

                [Tool(Name = "search", Description = "Case matters: a different name.")]
                public string Lower(string query) => query;

                [Tool(Description = "Hidden, so left out anyway (AMSHA017), and no clash.")]
                private string {|AMSHA017:Async|}(string query) => query;
            }
            """);
    }

    [Fact]
    public async Task Clashes_across_toolboxes_are_reported_on_the_agent_or_the_task_entry_that_adds_them()
    {
        await ToolAnalyzers.VerifyAsync(Toolboxes + """
            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(Web), {|AMSHA020:typeof(Files)|}, typeof(Clock)])]
            public partial class Clashing;

            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(Web)])]
            public partial class Browser;

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Bare;

            [CrewTask(Agent = typeof(Browser), Description = "D", ExpectedOutput = "E", Tools = [{|AMSHA020:typeof(Notes)|}, typeof(Clock), typeof(Web)])]
            public partial class TakeNotes;

            [CrewTask(Agent = typeof(Browser), Description = "D", ExpectedOutput = "E", Tools = [typeof(Clock), {|AMSHA020:typeof(Files)|}])]
            public partial class ReadFiles;

            [CrewTask(Agent = typeof(Bare), Description = "D", ExpectedOutput = "E", Tools = [typeof(Files), {|AMSHA020:typeof(Web)|}, typeof(Files), typeof(Clock)])]
            public partial class Compare;

            [CrewTask(Agent = typeof(Browser), Description = "D", ExpectedOutput = "E", Tools = [typeof(Clock)])]
            public partial class Fine;

            [CrewTask(Agent = typeof(Clashing), Description = "D", ExpectedOutput = "E", Tools = [typeof(Web)])]
            public partial class AgentsOwnClashIsTheAgents;
            """);
    }

    [Fact]
    public async Task Messages_name_the_tools_and_both_toolboxes()
    {
        var diagnostics = await ToolAnalyzers.DiagnosticsAsync(Toolboxes + """
            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(Web), typeof(Files)])]
            public partial class Clashing;

            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(Web)])]
            public partial class Browser;

            [CrewTask(Agent = typeof(Browser), Description = "D", ExpectedOutput = "E", Tools = [typeof(Notes)])]
            public partial class TakeNotes;

            [CrewTask(Agent = typeof(Browser), Description = "D", ExpectedOutput = "E", Tools = [typeof(Clock), typeof(Notes), typeof(Files)])]
            public partial class ReadFiles;

            [Toolbox]
            public partial class Twice
            {
                [Tool(Description = "Echoes.")]
                public string EchoAsync(string text) => text;

                [Tool(Description = "Echoes again.")]
                public string Echo(string text) => text;
            }
            """);

        Assert.Equal(
            [
                "Agent 'Clashing' offers its tasks two tools for each of the names 'Fetch', 'Read' by both 'Web' and 'Files', so they fail when they start; a model could not tell them apart: give one another name with [Tool(Name = \"...\")] or remove one of the toolboxes from Tools",
                "Task 'TakeNotes' is offered two tools named 'Read' by both 'Web' (in the Tools of agent 'Browser') and 'Notes', so it fails when it starts; a model could not tell them apart: give one another name with [Tool(Name = \"...\")] or remove one of the toolboxes from Tools",
                "Task 'ReadFiles' is offered two tools named 'Read' by both 'Web' (in the Tools of agent 'Browser') and 'Notes', so it fails when it starts; a model could not tell them apart: give one another name with [Tool(Name = \"...\")] or remove one of the toolboxes from Tools",
                "Task 'ReadFiles' is offered two tools for each of the names 'Fetch', 'Read' by both 'Web' (in the Tools of agent 'Browser') and 'Files', so it fails when it starts; a model could not tell them apart: give one another name with [Tool(Name = \"...\")] or remove one of the toolboxes from Tools",
                "Toolbox 'Twice' has two tools named 'Echo' ('EchoAsync' and 'Echo'), and the generator leaves 'Echo' out; a model could not tell them apart: give one another name with [Tool(Name = \"...\")]",
            ],
            diagnostics.Where(d => d.Id == "AMSHA020").OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage()));
    }

    [Fact]
    public void The_generator_keeps_the_first_of_two_tools_of_one_name()
    {
        var run = GeneratorHarness.Run(ToolAnalyzers.Usings + """
            [Toolbox]
            public partial class Twice
            {
                [Tool(Description = "First.")]
                public string EchoAsync(string text) => text;

                [Tool(Description = "Second.")]
                public string Echo(string text) => text;
            }
            """);

        var toolbox = Assert.Single(run.Sources, s => s.Key.EndsWith(".Toolbox.g.cs", System.StringComparison.Ordinal)).Value;
        Assert.Contains("\"First.\"", toolbox, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\"Second.\"", toolbox, System.StringComparison.Ordinal);
    }
}
