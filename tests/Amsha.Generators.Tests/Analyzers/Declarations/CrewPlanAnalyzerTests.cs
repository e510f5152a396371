using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class CrewPlanAnalyzerTests
{
    private const string Agent = """
        using Amsha;

        [Agent(Role = "R", Goal = "G", Backstory = "B")]
        public partial class A;

        """;

    [Fact]
    public async Task Context_cycle_is_reported_on_the_entry_that_closes_it()
    {
        await Declarations.VerifyAsync(Agent + """
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [typeof(Write)])]
            public partial class Research;

            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [{|AMSHA005:typeof(Research)|}])]
            public partial class Write;

            [Crew(Tasks = [typeof(Research), typeof(Write)], Process = CrewProcess.Graph)]
            public partial class Team;
            """);
    }

    [Fact]
    public async Task Cycle_message_names_the_path()
    {
        var diagnostic = await Declarations.SingleAsync(Agent + """
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [typeof(Review)])]
            public partial class Research;
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [typeof(Research)])]
            public partial class Write;
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [typeof(Write)])]
            public partial class Review;
            [Crew(Tasks = [typeof(Research), typeof(Write), typeof(Review)])]
            public partial class Team;
            """, "AMSHA005");

        Assert.Equal("The tasks of crew 'Team' depend on each other in a cycle: Research → Review → Write → Research; remove one of these Context entries", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Self_context_is_a_cycle()
    {
        await Declarations.VerifyAsync(Agent + """
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [{|AMSHA005:typeof(Research)|}])]
            public partial class Research;

            [Crew(Tasks = [typeof(Research)])]
            public partial class Team;
            """);
    }

    [Fact]
    public async Task Context_outside_the_crew_and_after_the_task_are_reported_on_the_entry()
    {
        await Declarations.VerifyAsync(Agent + """
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E")]
            public partial class Research;

            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E")]
            public partial class Outline;

            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [{|AMSHA006:typeof(Research)|}, {|AMSHA006:typeof(Outline)|}])]
            public partial class Write;

            [Crew(Tasks = [typeof(Write), typeof(Outline)])]
            public partial class Team;
            """);
    }

    [Fact]
    public async Task Graph_crew_may_list_context_after_the_task()
    {
        await Declarations.VerifyAsync(Agent + """
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E")]
            public partial class Research;

            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E", Context = [typeof(Research)])]
            public partial class Write;

            [Crew(Tasks = [typeof(Write), typeof(Research)], Process = CrewProcess.Graph)]
            public partial class GraphTeam;

            [Crew(Tasks = [typeof(Research), typeof(Write)])]
            public partial class SequentialTeam;
            """);
    }

    [Fact]
    public async Task Crew_without_tasks_is_reported()
    {
        await Declarations.VerifyAsync(Agent + """
            [{|AMSHA007:Crew|}]
            public partial class NoTasks;

            [Crew(Tasks = {|AMSHA007:[]|})]
            public partial class EmptyTasks;

            [Crew<string>(Tasks = {|AMSHA007:new System.Type[0]|}, Process = CrewProcess.Graph)]
            public partial class EmptyArray;
            """);
    }

    [Fact]
    public async Task Duplicate_task_is_reported_on_the_repeated_entry()
    {
        await Declarations.VerifyAsync(Agent + """
            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E")]
            public partial class Research;

            [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew(Tasks = [typeof(Research), typeof(Write), {|AMSHA008:typeof(Research)|}])]
            public partial class Team;
            """);
    }

    [Fact]
    public async Task Two_tasks_of_one_name_from_different_namespaces_are_reported_on_the_later_entry()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            namespace Drafts
            {
                [Agent(Role = "R", Goal = "G", Backstory = "B")]
                public partial class A;

                [CrewTask(Agent = typeof(A), Description = "D", ExpectedOutput = "E")]
                public partial class Research;
            }

            namespace Reviews
            {
                [CrewTask(Agent = typeof(Drafts.A), Description = "D", ExpectedOutput = "E")]
                public partial class Research;

                [Crew(Tasks = [typeof(Drafts.Research), {|AMSHA026:typeof(Reviews.Research)|}])]
                public partial class Team;
            }
            """);
    }
}
