using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers.ControlFlow;

/// <summary>AMSHA207: a crew that waits for a person (a reviewed task, a tool that needs approval) run with RunAsync.</summary>
public sealed class UnansweredInputTests
{
    /// <summary><see cref="LawAnalyzers.Crew"/> plus a crew with a reviewed task and one whose agent may call a tool that needs approval.</summary>
    internal const string Crews = "using Amsha.Generated;\n" + LawAnalyzers.Crew + """
        [CrewTask(Agent = typeof(Writer), Description = "Check {Topic}", ExpectedOutput = "A verdict", Review = ReviewKind.Approve)]
        public partial class Check;

        [CrewTask(Agent = typeof(Writer), Description = "Polish {Topic}", ExpectedOutput = "Text", Context = [typeof(Check)], Review = ReviewKind.Approve | ReviewKind.Edit)]
        public partial class Polish;

        [Crew<Req>(Tasks = [typeof(Write), typeof(Check), typeof(Polish)])]
        public partial class ReviewedCrew;

        [Toolbox]
        public partial class Payments
        {
            [Tool(Description = "Looks up a price.")]
            public int Price(string item) => 3;

            [Tool(Name = "pay", Description = "Pays a bill.", RequiresApproval = true)]
            public string Pay(int cents) => "paid";
        }

        [Agent(Role = "Clerk", Goal = "Settle {Topic}", Backstory = "Exact.", Tools = [typeof(Payments)])]
        public partial class Clerk;

        [CrewTask(Agent = typeof(Clerk), Description = "Settle {Topic}", ExpectedOutput = "Done")]
        public partial class Settle;

        [Crew<Req>(Tasks = [typeof(Write), typeof(Settle)])]
        public partial class BillingCrew;

        """;

    // The test code itself must compile (with the generated code): a call that does not bind is no call at all.
    private static Task VerifyCompiledAsync(string markup)
    {
        var compilation = AnalyzerHarness.CreateCompilationWithGeneratedCode([(AnalyzerHarness.SourcePath, AnalyzerHarness.ParseMarkup(markup).Source)]);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return LawAnalyzers.VerifyAsync(markup);
    }

    [Fact]
    public async Task RunAsync_of_a_crew_that_waits_for_a_person_is_reported_at_the_call()
    {
        await VerifyCompiledAsync(Crews + """
            public static class Client
            {
                public static async Task<string> Review(ReviewedCrew crew, BillingCrew billing, ExecutionSession session, CancellationToken ct)
                {
                    var first = await {|AMSHA207:crew.RunAsync(new Req("Go"), ct)|};
                    var second = await {|AMSHA207:crew.RunAsync(new Req("Go"), null, ct)|}.ConfigureAwait(false);
                    var task = {|AMSHA207:billing.RunAsync(new Req("Rust"))|};
                    var third = await {|AMSHA207:session.RunAsync(ReviewedCrew.Definition, new Req("C#"), cancellationToken: ct)|};
                    var fourth = await {|AMSHA207:Amsha.Generated.CrewExecution.RunAsync(session, BillingCrew.Definition, new Req("F#"))|};
                    return first.Output + second.Output + (await task).Output + third.Output + fourth.Output;
                }
            }
            """);
    }

    [Fact]
    public async Task Starts_background_runs_and_crews_that_wait_for_no_one_are_not_reported()
    {
        await VerifyCompiledAsync(Crews + """
            public sealed class Other
            {
                public Task<int> RunAsync(Req input) => Task.FromResult(1);
            }

            public static class Client
            {
                public static async Task Run(ReviewedCrew crew, BillingCrew billing, WritingCrew writing, Other other, ExecutionSession session, Amsha.Generated.CrewDefinition<Req, string> held, CancellationToken ct)
                {
                    var interactive = crew.Start(new Req("Go"), ct);
                    await foreach (var e in interactive.StreamAsync(ct)) { }
                    var background = await crew.StartBackgroundAsync(new Req("Go"), ct);
                    var detached = billing.StartBackground(new Req("Go"));
                    var resumed = await crew.ResumeAsync(background.ExecutionId, null, ct);
                    var plain = await writing.RunAsync(new Req("Go"), ct);
                    var alsoPlain = await session.RunAsync(WritingCrew.Definition, new Req("Go"), cancellationToken: ct);
                    var unknown = await session.RunAsync(held, new Req("Go"), cancellationToken: ct);
                    var started = session.Start(ReviewedCrew.Definition, new Req("Go"), cancellationToken: ct);
                    var notACrew = await other.RunAsync(new Req("Go"));
                    GC.KeepAlive(detached);
                    GC.KeepAlive(started);
                }
            }
            """);
    }

    [Fact]
    public async Task The_message_names_the_crew_where_it_first_waits_and_what_to_do_instead()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(Crews + """
            public static class Client
            {
                public static async Task Run(ReviewedCrew crew, BillingCrew billing, ExecutionSession session)
                {
                    await crew.RunAsync(new Req("Go"));
                    await billing.RunAsync(new Req("Go"));
                    await session.RunAsync(ReviewedCrew.Definition, new Req("Go"));
                }
            }
            """, analyzers: LawAnalyzers.All);

        var messages = diagnostics.Where(d => d.Id == "AMSHA207").OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage()).ToList();
        Assert.Equal(3, messages.Count);
        Assert.StartsWith("Crew 'ReviewedCrew' waits for a person (task 'Check' waits for a review of its output), but 'ReviewedCrew.RunAsync' returns only the result", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("Crew 'BillingCrew' waits for a person (task 'Settle' may call tool 'pay', which needs a person's approval before each call), but 'BillingCrew.RunAsync'", messages[1], StringComparison.Ordinal);
        Assert.Contains("but 'CrewExecution.RunAsync' returns only the result", messages[2], StringComparison.Ordinal);
        Assert.All(messages, m => Assert.Contains("start it with Start(...) and answer through handle.SubmitInputAsync(...), or with StartBackgroundAsync(...)", m, StringComparison.Ordinal));
        Assert.All(diagnostics.Where(d => d.Id == "AMSHA207"), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    [Fact]
    public async Task A_tool_that_needs_approval_on_the_tasks_own_toolbox_is_found_too()
    {
        await VerifyCompiledAsync(LawAnalyzers.Crew + """
            [Toolbox]
            public partial class Mail
            {
                [Tool(Description = "Sends mail.", RequiresApproval = true)]
                public string Send(string to) => "sent";
            }

            [CrewTask(Agent = typeof(Writer), Description = "Mail {Topic}", ExpectedOutput = "Done", Tools = [typeof(Mail)])]
            public partial class MailIt;

            [Crew<Req>(Tasks = [typeof(MailIt)])]
            public partial class MailCrew;

            [Toolbox]
            public partial class Safe
            {
                [Tool(Description = "Reads mail.", RequiresApproval = false)]
                public string Read(string box) => "";
            }

            [CrewTask(Agent = typeof(Writer), Description = "Read {Topic}", ExpectedOutput = "Done", Tools = [typeof(Safe)], Review = ReviewKind.None)]
            public partial class ReadIt;

            [Crew<Req>(Tasks = [typeof(ReadIt)])]
            public partial class SafeCrew;

            public static class Client
            {
                public static async Task Run(MailCrew mail, SafeCrew safe)
                {
                    await {|AMSHA207:mail.RunAsync(new Req("Go"))|};
                    await safe.RunAsync(new Req("Go"));
                }
            }
            """);
    }

    [Fact]
    public async Task A_crew_of_a_definition_file_with_a_reviewed_task_is_reported_too()
    {
        var files = DefinitionFileSet.Of(("/app/crew.yaml", """
            agents:
              writer:
                role: Writer
                goal: Write about {topic}
                backstory: Clear.
            tasks:
              draft:
                description: Draft {topic}.
                expected_output: A draft
                agent: writer
              approve_draft:
                description: Approve the draft.
                expected_output: A verdict
                agent: writer
                context: draft
                human_input: true
              summary:
                description: Summarize {topic}.
                expected_output: A summary
                agent: writer
            crews:
              reviewed_crew:
                input: Brief
                tasks: [draft, approve_draft]
              plain_crew:
                input: Brief
                tasks: [summary]
            """));

        var diagnostics = await files.AnalyzeAsync("""
            using System.Threading.Tasks;
            using Amsha;

            namespace Sample;

            public sealed record Brief(string Topic);

            public static class Client
            {
                public static async Task Run(ReviewedCrew reviewed, PlainCrew plain)
                {
                    await reviewed.RunAsync(new Brief("Go"));
                    await plain.RunAsync(new Brief("Go"));
                    await reviewed.StartBackgroundAsync(new Brief("Go"));
                }
            }
            """);

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "AMSHA207");
        Assert.StartsWith("Crew 'ReviewedCrew' waits for a person (task 'approve_draft' waits for a review of its output), but 'ReviewedCrew.RunAsync'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
