using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class TaskReferenceAnalyzerTests
{
    [Fact]
    public async Task Agent_that_is_not_an_agent_is_reported_on_the_argument()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            public sealed class NotAnAgent;

            [CrewTask(Agent = {|AMSHA002:typeof(NotAnAgent)|}, Description = "D", ExpectedOutput = "E")]
            public partial class Research;
            """);
    }

    [Fact]
    public async Task Missing_or_null_agent_is_reported()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            [{|AMSHA002:CrewTask|}(Description = "D", ExpectedOutput = "E")]
            public partial class Research;

            [CrewTask<string>(Agent = {|AMSHA002:null|}, Description = "D", ExpectedOutput = "E")]
            public partial class Review;
            """);
    }

    [Fact]
    public async Task Agent_message_says_what_to_do()
    {
        var diagnostic = await Declarations.SingleAsync("""
            using Amsha;
            public sealed class Helper;
            [CrewTask(Agent = typeof(Helper), Description = "D", ExpectedOutput = "E")]
            public partial class Research;
            """, "AMSHA002");

        Assert.Equal("Task 'Research' names 'Helper' as its agent, but 'Helper' is not marked [Agent]; mark 'Helper' with [Agent] or name another agent", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Agent_marked_agent_and_unknown_type_are_not_reported()
    {
        // typeof(Missing) is the compiler's CS0246; the analyzer adds nothing to it.
        await Declarations.VerifyAsync($$"""
            using Amsha;

            {{Declarations.Basics}}

            [CrewTask(Agent = typeof(Missing), Description = "D", ExpectedOutput = "E")]
            public partial class Other;
            """);
    }

    [Fact]
    public async Task Crew_tasks_entry_that_is_not_a_task_is_reported_on_the_entry()
    {
        await Declarations.VerifyAsync($$"""
            using Amsha;

            {{Declarations.Basics}}

            [Crew(Tasks = [typeof(Research), {|AMSHA003:typeof(Researcher)|}])]
            public partial class ResearchCrew;

            [Crew(Tasks = new[] { {|AMSHA003:typeof(string)|}, typeof(Research) })]
            public partial class OtherCrew;
            """);
    }

    [Fact]
    public async Task Context_entry_that_is_not_a_task_is_reported_on_the_entry()
    {
        await Declarations.VerifyAsync($$"""
            using Amsha;

            {{Declarations.Basics}}

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", Context = [typeof(Research), {|AMSHA003:typeof(Researcher)|}])]
            public partial class Write;
            """);
    }

    [Fact]
    public async Task Tasks_and_context_of_tasks_are_fine()
    {
        await Declarations.VerifyAsync($$"""
            using Amsha;

            {{Declarations.Basics}}

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", Context = [typeof(Research)])]
            public partial class Write;

            [Crew(Tasks = [typeof(Research), typeof(Write)])]
            public partial class ResearchCrew;
            """);
    }
}
