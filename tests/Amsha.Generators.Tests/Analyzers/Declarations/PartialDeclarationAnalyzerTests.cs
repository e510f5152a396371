using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class PartialDeclarationAnalyzerTests
{
    [Fact]
    public async Task Non_partial_agent_is_reported_on_its_name()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public class {|AMSHA001:Researcher|};
            """);
    }

    [Fact]
    public async Task Non_partial_containing_type_of_a_crew_is_reported()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            namespace Sample;

            public static class {|AMSHA001:Outer|}
            {
                public partial class Middle
                {
                    [Agent(Role = "R", Goal = "G", Backstory = "B")]
                    public partial class Researcher;
                }
            }
            """);
    }

    [Fact]
    public async Task Task_crew_execution_state_and_llm_call_types_must_be_partial()
    {
        await Declarations.VerifyAsync("""
            using System.Threading.Tasks;
            using Amsha;

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E")]
            public class {|AMSHA001:Research|};

            [Crew(Tasks = [typeof(Research)])]
            public class {|AMSHA001:ResearchCrew|};

            [ExecutionState]
            public class {|AMSHA001:Progress|} { public int Done { get; init; } }

            public class {|AMSHA001:Summarizer|}(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Summarize {text}")]
                public partial Task<string> SummarizeAsync(string text);
            }

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher;
            """);
    }

    [Fact]
    public async Task Message_names_the_type_and_the_reason()
    {
        var diagnostic = await Declarations.SingleAsync("""
            using Amsha;
            public class Outer
            {
                [Agent(Role = "R", Goal = "G", Backstory = "B")]
                public partial class Researcher;
            }
            """, "AMSHA001");

        Assert.Equal("'Outer' must be declared partial because it contains the [Agent] type 'Researcher'; add the 'partial' modifier", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Partial_declarations_and_unrelated_types_are_fine()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            public class Unrelated { public class Nested { } }

            public static partial class Outer<T>
            {
                [Agent(Role = "R", Goal = "G", Backstory = "B")]
                public partial record Researcher;
            }
            """);
    }
}
