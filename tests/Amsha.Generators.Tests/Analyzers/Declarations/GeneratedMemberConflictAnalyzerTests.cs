using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class GeneratedMemberConflictAnalyzerTests
{
    private const string Declarations_ = """
        using Amsha;
        using Amsha.Generated;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed record Input(string Topic);

        [Agent(Role = "R", Goal = "G", Backstory = "B")]
        public partial class Researcher;

        [CrewTask(Agent = typeof(Researcher), Description = "About {Topic}.", ExpectedOutput = "E")]
        public partial class Research;

        """;

    [Theory]
    [InlineData("public static int {|AMSHA015:Definition|} => 1;")]
    [InlineData("public {|AMSHA015:TeamCrew|}(ExecutionSession session) { }")]
    [InlineData("public Task<CrewResult<string>> {|AMSHA015:RunAsync|}(Input input, CancellationToken cancellationToken) => null!;")]
    [InlineData("public ExecutionHandle<string> {|AMSHA015:StartBackground|}(Input input) => null!;")]
    [InlineData("public ExecutionHandle<string> {|AMSHA015:Resume|}(string executionId, ExecutionOptions? options) => null!;")]
    [InlineData("public Task<ExecutionHandle<string>> {|AMSHA015:StartBackgroundAsync|}(Input input, CancellationToken cancellationToken) => null!;")]
    [InlineData("public Task<ExecutionHandle<string>> {|AMSHA015:ResumeAsync|}(string executionId, ExecutionOptions? options, CancellationToken cancellationToken) => null!;")]
    [InlineData("private static TaskPrompt {|AMSHA015:BuildResearchPrompt|}(Input input, CrewTaskContext context) => default;")]
    public async Task A_member_the_generator_emits_is_reported_on_its_name(string member)
    {
        await Declarations.VerifyAsync(Declarations_ + $$"""
            [Crew<Input>(Tasks = [typeof(Research)])]
            public partial class TeamCrew
            {
                {{member}}
            }
            """);
    }

    [Theory]
    [InlineData("public Task<CrewResult<string>> RunAsync(string topic) => RunAsync(new Input(topic));")]
    [InlineData("public TeamCrew() : this(new ExecutionSession()) { }")]
    [InlineData("public static int Definitions => 1;")]
    [InlineData("private static TaskPrompt BuildOtherPrompt(Input input, CrewTaskContext context) => default;")]
    public async Task Overloads_and_other_names_are_fine(string member)
    {
        await Declarations.VerifyAsync(Declarations_ + $$"""
            [Crew<Input>(Tasks = [typeof(Research)])]
            public partial class TeamCrew
            {
                {{member}}
            }
            """);
    }

    [Fact]
    public async Task The_message_names_the_crew_and_the_member()
    {
        var diagnostic = await Declarations.SingleAsync(Declarations_ + """
            [Crew<Input>(Tasks = [typeof(Research)])]
            public partial class TeamCrew
            {
                public static int Definition => 1;
            }
            """, "AMSHA015");

        Assert.Equal("AMSHA015", diagnostic.Id);
        Assert.Contains("Crew 'TeamCrew' declares 'Definition'", diagnostic.GetMessage());
    }
}
