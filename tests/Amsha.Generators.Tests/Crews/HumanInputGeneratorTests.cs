using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Amsha.Generated;
using Amsha.Generators.Crews;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Crews;

/// <summary>
/// Human input the declarations ask for, carried into generated code: a task's <c>Review</c> onto its
/// <c>CrewTaskDefinition</c>, a tool's <c>RequiresApproval</c> onto its generated <c>ToolFunction</c>, and both
/// into the doc comment of the crew's plan. The same review written in a definition file gives the same model.
/// </summary>
public sealed class HumanInputGeneratorTests
{
    internal const string ReviewCrew = """
        using System.Threading.Tasks;
        using Amsha;

        namespace Sample;

        public sealed record Brief(string Topic);

        [Toolbox]
        public partial class MailTools
        {
            [Tool(Description = "Sends an email.", RequiresApproval = true)]
            public Task<string> SendAsync(string to, string body) => Task.FromResult("sent to " + to);

            [Tool(Description = "Looks up an address.", RequiresApproval = false)]
            public string Lookup(string name) => name + "@example.test";
        }

        [Agent(Role = "Editor", Goal = "Edit texts about {Topic}", Backstory = "Strict.")]
        public partial class Editor;

        [Agent(Role = "Mailer", Goal = "Send texts", Backstory = "Careful.", Tools = [typeof(MailTools)])]
        public partial class Mailer;

        [CrewTask(Agent = typeof(Editor), Description = "Draft a note on {Topic}.", ExpectedOutput = "A draft", Review = ReviewKind.Approve | ReviewKind.Edit)]
        public partial class Draft;

        [CrewTask(Agent = typeof(Editor), Description = "Check the draft.", ExpectedOutput = "A verdict", Context = [typeof(Draft)], Review = ReviewKind.Approve)]
        public partial class Check;

        [CrewTask(Agent = typeof(Mailer), Description = "Mail the note.", ExpectedOutput = "Done", Context = [typeof(Check)])]
        public partial class Send;

        [Crew<Brief>(Tasks = [typeof(Draft), typeof(Check), typeof(Send)])]
        public partial class ReviewCrew;
        """;

    [Fact]
    public void Review_tasks_and_approval_tools_match_snapshots()
    {
        var run = GeneratorHarness.Run(ReviewCrew);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Snapshot.Match(run.Sources["Sample.ReviewCrew.Crew.g.cs"], "ReviewCrew.Crew");
        Snapshot.Match(run.Sources["Sample.MailTools.Toolbox.g.cs"], "MailTools.Toolbox");
    }

    [Fact]
    public void The_compiled_plan_carries_each_review_and_the_tools_their_approval()
    {
        var run = GeneratorHarness.Run(ReviewCrew);
        Assert.Empty(run.CompilationErrors);
        var assembly = GeneratorHarness.EmitAndLoad(run.Output);

        var definition = assembly.GetType("Sample.ReviewCrew")!.GetProperty("Definition")!.GetValue(null)!;
        var tasks = ((IEnumerable)definition.GetType().GetProperty("Tasks")!.GetValue(definition)!).Cast<object>().ToList();
        Assert.Equal(
            [ReviewKind.Approve | ReviewKind.Edit, ReviewKind.Approve, ReviewKind.None],
            tasks.Select(t => (ReviewKind)t.GetType().GetProperty("Review")!.GetValue(t)!));

        var toolbox = assembly.GetType("Sample.MailTools")!;
        var tools = (IReadOnlyList<ToolFunction>)toolbox.GetMethod("CreateAIFunctions")!.Invoke(Activator.CreateInstance(toolbox), null)!;
        Assert.Equal([("Send", true), ("Lookup", false)], tools.Select(t => (t.Name, t.RequiresApproval)));
    }

    [Fact]
    public void The_models_hold_the_review_and_the_approval_tools_of_each_task()
    {
        var run = GeneratorHarness.Run(ReviewCrew);

        var model = CrewModels(run.Result, TrackingNames.GenericCrewModels).Single();
        Assert.Equal([3, 1, 0], model.Tasks.Select(t => t.Review));
        Assert.Equal([[], [], ["Send"]], model.Tasks.Select(t => t.ApprovalTools.ToArray()));
    }

    [Fact]
    public void A_crew_that_waits_for_no_one_keeps_its_one_line_plan_summary_and_sets_no_review()
    {
        var run = GeneratorHarness.Run(CrewGeneratorSnapshotTests.ArticleCrew);

        var source = run.Sources["Sample.ArticleCrew.Crew.g.cs"];
        Assert.Contains("/// <summary>The crew's plan, computed at compile time.</summary>", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Review =", source, StringComparison.Ordinal);
        Assert.DoesNotContain("waits for a person", source, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approval_tool_alone_makes_the_plan_say_so_and_a_review_outside_the_flags_is_cast()
    {
        var run = GeneratorHarness.Run("""
            using Amsha;

            [Toolbox]
            public partial class Payments
            {
                [Tool(Name = "pay<now>", Description = "Pays.", RequiresApproval = true)] public string Pay(int cents) => "paid";
                [Tool(Name = "refund", Description = "Refunds.", RequiresApproval = true)] public string Refund(int cents) => "refunded";
            }

            [Agent(Role = "Clerk", Goal = "Settle bills", Backstory = "Exact.")]
            public partial class Clerk;

            [CrewTask(Agent = typeof(Clerk), Description = "Settle.", ExpectedOutput = "Done", Tools = [typeof(Payments)])]
            public partial class Settle;

            [CrewTask(Agent = typeof(Clerk), Description = "Log.", ExpectedOutput = "Done", Tools = [typeof(Payments)], Review = (ReviewKind)4)]
            public partial class Log;

            [Crew(Tasks = [typeof(Settle), typeof(Log)])]
            public partial class BillingCrew;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var source = run.Sources["BillingCrew.Crew.g.cs"];
        Assert.Contains("/// It waits for a person: a review of the output of task <c>Log</c> (4); an approval before each call of tools <c>pay&lt;now&gt;</c> and <c>refund</c>.", source, StringComparison.Ordinal);
        Assert.Contains("Review = (global::Amsha.ReviewKind)(4)", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Review = ReviewKind.")]
    [InlineData("Review = ")]
    [InlineData("Review = ReviewKind.Approve | ")]
    [InlineData("Review = Missing.Approve")]
    [InlineData("Review = 1")]
    public void Half_typed_reviews_and_approvals_never_throw(string review)
    {
        var run = GeneratorHarness.Run($$"""
            using Amsha;

            [Toolbox]
            public partial class Half
            {
                [Tool(Description = "d", RequiresApproval = )] public string A(string s) => s;
                [Tool(Description = "d", RequiresApproval = tru)] public string B(string s) => s;
            }

            [Agent(Role = "R", Goal = "G", Backstory = "B", Tools = [typeof(Half)])]
            public partial class A1;

            [CrewTask(Agent = typeof(A1), Description = "d", ExpectedOutput = "e", {{review}})]
            public partial class T1;

            [Crew(Tasks = [typeof(T1)])]
            public partial class HalfCrew;
            """);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        // Whatever is emitted reads no approval from arguments that are not (yet) 'true'.
        if (run.Sources.TryGetValue("Half.Toolbox.g.cs", out var toolbox))
        {
            Assert.DoesNotContain("RequiresApproval", toolbox, StringComparison.Ordinal);
        }

        if (run.Sources.TryGetValue("HalfCrew.Crew.g.cs", out var crew))
        {
            Assert.DoesNotContain("an approval before", crew, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_definition_file_review_gives_the_model_the_attribute_gives()
    {
        var files = DefinitionFileSet.Of(("/app/crew.yaml", """
            agents:
              Editor:
                role: Editor
                goal: Edit texts about {Topic}
                backstory: Strict.
            tasks:
              Draft:
                description: Draft a note on {Topic}.
                expected_output: A draft
                agent: Editor
                review: [approve, edit]
              Check:
                description: Check the draft.
                expected_output: A verdict
                agent: Editor
                context: Draft
                human_input: true
            crews:
              yaml_review_crew:
                input: Brief
                tasks: [Draft, Check]
            """));
        var run = files.Run("namespace Sample; public sealed record Brief(string Topic);");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var model = CrewModels(run.Result, TrackingNames.DefinitionCrewModels).Single();
        var attribute = CrewModels(GeneratorHarness.Run(ReviewCrew).Result, TrackingNames.GenericCrewModels).Single();
        Assert.Equal(attribute.Tasks.Take(2).Select(t => (t.Review, t.ApprovalTools)), model.Tasks.Select(t => (t.Review, t.ApprovalTools)));

        var source = run.Sources["Sample.YamlReviewCrew.DefinedCrew.g.cs"];
        Assert.Contains("Review = global::Amsha.ReviewKind.Approve | global::Amsha.ReviewKind.Edit", source, StringComparison.Ordinal);
        Assert.Contains("/// It waits for a person: a review of the output of tasks <c>Draft</c> (approve, edit) and <c>Check</c> (approve).", source, StringComparison.Ordinal);
    }

    private static List<CrewModel> CrewModels(GeneratorDriverRunResult result, string step) =>
        result.Results.SelectMany(r => r.TrackedSteps)
            .Where(p => p.Key == step)
            .SelectMany(p => p.Value)
            .SelectMany(s => s.Outputs)
            .Select(o => o.Value)
            .OfType<CrewModel>()
            .ToList();
}
