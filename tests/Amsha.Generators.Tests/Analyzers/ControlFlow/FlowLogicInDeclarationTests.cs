using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.ControlFlow;

public sealed class FlowLogicInDeclarationTests
{
    [Fact]
    public async Task Loops_branches_try_and_goto_in_a_declaration_are_reported_at_their_keyword()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            [Agent(Role = "Editor", Goal = "Edit", Backstory = "Strict.")]
            public partial class Editor
            {
                public static int Count(string[] words, int mode)
                {
                    var total = 0;
                    {|AMSHA201:foreach|} (var w in words) total++;
                    {|AMSHA201:for|} (var i = 0; i < 2; i++) total++;
                    {|AMSHA201:while|} (total > 10) total--;
                    {|AMSHA201:do|} { total++; } while (total < 0);
                    {|AMSHA201:if|} (mode > 1) total = 0; else {|AMSHA201:if|} (mode < 0) total = 1;
                    {|AMSHA201:switch|} (mode) { case 1: total = 2; break; }
                    total = mode {|AMSHA201:switch|} { 0 => 1, _ => total };
                    {|AMSHA201:try|} { total /= mode; } catch (DivideByZeroException) { }
                    {|AMSHA201:goto|} done;
                    done:
                    return total;
                }
            }
            """);
    }

    [Fact]
    public async Task A_crew_running_itself_is_reported_at_the_call()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            [Crew<Req>(Tasks = [typeof(Write)])]
            public partial class RecursiveCrew
            {
                public Task Again(Req input) => {|AMSHA201:RunAsync(input)|};
            }
            """);
    }

    [Fact]
    public async Task Task_declarations_are_checked_too_and_the_message_names_the_type()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew + """
            [CrewTask(Agent = typeof(Writer), Description = "Summarize {Topic}", ExpectedOutput = "Text")]
            public partial class Summarize
            {
                public static string Pick(bool b) { if (b) return "a"; return "b"; }
            }
            """, analyzers: LawAnalyzers.All);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "AMSHA201");
        Assert.Contains("'Summarize'", diagnostic.GetMessage());
        Assert.Contains("an 'if' statement", diagnostic.GetMessage());
    }

    [Fact]
    public async Task The_same_code_in_client_classes_and_passive_declarations_is_fine()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            [Agent(Role = "Critic", Goal = "Judge {Topic}", Backstory = "Fair.")]
            public partial class Critic
            {
                public const string Tone = "fair";
                public static string Describe() => "Critic: " + Tone;
                public static string Choose(bool b) => b ? "x" : "y";
                public static string Safe(string? s) => s ?? "none";
            }

            public sealed class Client(WritingCrew crew)
            {
                public async Task<int> RunAll(string[] topics, CancellationToken ct)
                {
                    var done = 0;
                    foreach (var topic in topics)
                    {
                        if (topic.Length == 0) continue;
                        try { await crew.RunAsync(new Req(topic), ct); done++; }
                        catch (ExecutionException) { }
                    }

                    switch (done) { case 0: return -1; default: return done; }
                }
            }
            """);
    }
}
