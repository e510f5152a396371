using System.Linq;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

/// <summary>Generator bugs the robustness test found, pinned down.</summary>
public sealed class GeneratorRegressionTests
{
    [Theory]
    [InlineData("internal sealed record Request(string Topic);", "public", "internal")]
    [InlineData("public sealed record Request(string Topic);", "public", "public")]
    [InlineData("internal sealed record Request(string Topic);", "internal", "internal")]
    public void Crew_members_are_never_more_accessible_than_the_input(string input, string crewAccessibility, string expectedMembers)
    {
        var run = GeneratorHarness.Run($$"""
            using Amsha;

            {{input}}

            [Agent(Role = "R", Goal = "About {Topic}", Backstory = "B")]
            public partial class Writer;

            [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
            public partial class Write;

            [Crew<Request>(Tasks = [typeof(Write)])]
            {{crewAccessibility}} partial class Team;
            """);

        Assert.Empty(run.CompilationErrors);
        Assert.Contains($"{expectedMembers} global::System.Threading.Tasks.Task<global::Amsha.CrewResult<string>> RunAsync(", run.Sources["Team.Crew.g.cs"]);
    }

    [Fact]
    public void Private_nested_input_makes_the_members_private_and_still_compiles()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            public partial class Holder
            {
                private sealed record Request(string Topic);

                [Agent(Role = "R", Goal = "About {Topic}", Backstory = "B")]
                public partial class Writer;

                [CrewTask(Agent = typeof(Writer), Description = "D", ExpectedOutput = "E")]
                public partial class Write;

                [Crew<Request>(Tasks = [typeof(Write)])]
                public partial class Team;
            }
            """);

        Assert.Empty(run.CompilationErrors);
        Assert.Contains(run.Sources.Values, source => source.Contains("private global::Amsha.InteractiveExecutionHandle<string> Start(", System.StringComparison.Ordinal));
    }
}
