using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class ResilienceSettingsAnalyzerTests
{
    private const string Host = """
        using System.Threading.Tasks;
        using Amsha;

        public sealed partial class Calls(ExecutionSession session)
        {
            private readonly ExecutionSession _session = session;

        """;

    [Fact]
    public async Task Invalid_settings_are_reported_on_their_arguments()
    {
        await Declarations.VerifyAsync(Host + """
                [AmshaLlmCall(Prompt = "Hi", MaxAttempts = {|AMSHA009:0|}, TimeoutSeconds = {|AMSHA009:-1|}, TotalTimeoutSeconds = {|AMSHA009:0|}, OutputRepairs = {|AMSHA009:-2|})]
                public partial Task<string> FirstAsync();

                [AmshaLlmCall(Prompt = "Hi", TimeoutSeconds = 30, TotalTimeoutSeconds = {|AMSHA009:10|})]
                public partial Task<string> SecondAsync();
            }

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", OutputRepairs = {|AMSHA009:-1|})]
            public partial class Research;

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", MaxToolRounds = {|AMSHA009:-1|})]
            public partial class NegativeRounds;

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", MaxToolRounds = {|AMSHA009:101|})]
            public partial class TooManyRounds;

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", MaxToolRounds = 100)]
            public partial class MostRounds;

            [CrewTask(Agent = typeof(Researcher), Description = "D", ExpectedOutput = "E", MaxToolRounds = 0)]
            public partial class ConfiguredRounds;
            """);
    }

    [Fact]
    public async Task Message_names_the_setting_its_value_and_the_rule()
    {
        var diagnostic = await Declarations.SingleAsync(Host + """
                [AmshaLlmCall(Prompt = "Hi", TimeoutSeconds = 30, TotalTimeoutSeconds = 10.5)]
                public partial Task<string> AskAsync();
            }
            """, "AMSHA009");

        Assert.Equal("TotalTimeoutSeconds of 'AskAsync' is 10.5; it must not be less than TimeoutSeconds (30), the limit of one attempt", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Boundary_values_are_fine()
    {
        await Declarations.VerifyAsync(Host + """
                [AmshaLlmCall(Prompt = "Hi", MaxAttempts = 1, TimeoutSeconds = 0.5, TotalTimeoutSeconds = 0.5, OutputRepairs = 0)]
                public partial Task<string> AskAsync();

                [AmshaLlmCall(Prompt = "Hi", TotalTimeoutSeconds = 1)]
                public partial Task<string> OnlyTotalAsync();
            }
            """);
    }
}
