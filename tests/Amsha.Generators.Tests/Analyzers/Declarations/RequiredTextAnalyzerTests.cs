using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Declarations;

public sealed class RequiredTextAnalyzerTests
{
    [Fact]
    public async Task Empty_or_blank_text_is_reported_on_the_argument()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            [Agent(Role = {|AMSHA011:""|}, Goal = {|AMSHA011:"   "|}, Backstory = {|AMSHA011:null|})]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = {|AMSHA011:"\t"|}, ExpectedOutput = "E")]
            public partial class Research;
            """);
    }

    [Fact]
    public async Task Missing_text_is_reported_on_the_attribute()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            [{|AMSHA011:Agent|}(Role = "R", Goal = "G")]
            public partial class Researcher;

            [{|AMSHA011:CrewTask|}(Agent = typeof(Researcher), Description = "D")]
            public partial class Research;
            """);
    }

    [Fact]
    public async Task Message_names_the_declaration_and_the_property()
    {
        var diagnostic = await Declarations.SingleAsync("""
            using Amsha;
            [Agent(Role = "R", Goal = "", Backstory = "B")]
            public partial class Researcher;
            """, "AMSHA011");

        Assert.Equal("Agent 'Researcher' has an empty Goal; set Goal to a non-empty text", diagnostic.GetMessage());
    }

    [Fact]
    public async Task Complete_declarations_and_constant_text_are_fine()
    {
        await Declarations.VerifyAsync("""
            using Amsha;

            public static class Texts { public const string Role = "Researcher"; }

            [Agent(Role = Texts.Role, Goal = "G" + "oal", Backstory = "B", Llm = "")]
            public partial class Researcher;

            [CrewTask(Agent = typeof(Researcher), Description = " D ", ExpectedOutput = "E")]
            public partial class Research;
            """);
    }
}
