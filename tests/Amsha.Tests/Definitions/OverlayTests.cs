using System;
using System.Linq;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;
using Xunit;

namespace Amsha.Tests.Definitions;

/// <summary>Run-time definitions that overlay the texts of a compiled crew.</summary>
public sealed class OverlayTests
{
    private static readonly OverlayRequest Request = new("Rust", "engineers");

    [Fact]
    public async Task Without_sources_a_compiled_crew_sends_its_compiled_prompts()
    {
        var model = new PromptRecordingChatClient();
        var session = Session(model);

        var result = await new OverlayCrew(session).RunAsync(Request, TestContext.Current.CancellationToken);

        Assert.Equal("You are Writer on Rust.\nGoal: Explain Rust to engineers\nBackstory: A clear writer.", model.All[0].System);
        Assert.StartsWith("Task: Review the draft for engineers.\n\nExpected output: A verdict {\"verdict\": \"ok\"}\n\nContext from OverlayDraft:\n", model.All[1].User, StringComparison.Ordinal);
        Assert.NotNull(result.Output);
    }

    [Fact]
    public async Task An_overlay_replaces_only_the_texts_it_gives_and_renders_them_from_the_input()
    {
        var model = new PromptRecordingChatClient();
        var session = Session(model).AddDefinitionSource(new InMemoryDefinitionSource(new DefinitionSet("v1",
            agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "Teach {audience} about {topic} with {braces} left alone? no: {Topic}" } })));

        await Assert.ThrowsAsync<DefinitionException>(() => session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken));

        var valid = new InMemoryDefinitionSource(new DefinitionSet("v2",
            agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "Teach {audience} about {topic}; keep {\"json\": true} as written" } },
            tasks: new[] { new TaskDeclaration("OverlayDraft") { Description = "Write three lines on {Topic}." } }));
        var model2 = new PromptRecordingChatClient();
        var session2 = Session(model2).AddDefinitionSource(valid);

        await new OverlayCrew(session2).RunAsync(Request, TestContext.Current.CancellationToken);

        Assert.Equal("You are Writer on Rust.\nGoal: Teach engineers about Rust; keep {\"json\": true} as written\nBackstory: A clear writer.", model2.All[0].System);
        Assert.Equal("Task: Write three lines on Rust.\n\nExpected output: A short note", model2.All[0].User);
        // The reviewer is not overlaid: its compiled texts, escapes included, stay as they were.
        Assert.StartsWith("Task: Review the draft for engineers.\n\nExpected output: A verdict {\"verdict\": \"ok\"}", model2.All[1].User, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_reload_names_the_mistake_and_keeps_the_definitions_before()
    {
        var source = new InMemoryDefinitionSource(new DefinitionSet("v1",
            agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "First goal on {Topic}" } }));
        var model = new PromptRecordingChatClient();
        var session = Session(model).AddDefinitionSource(source);
        await new OverlayCrew(session).RunAsync(Request, TestContext.Current.CancellationToken);

        var origin = DefinitionOrigin.InFile("agents.yaml", 3, 9);
        var rejected = new TaskCompletionSource<DefinitionsReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.DefinitionsReloaded += (_, e) => rejected.TrySetResult(e);
        source.Set(new DefinitionSet("v2", agents: new[]
        {
            new AgentDeclaration("OverlayWriter") { Goal = "Second goal on {Topik}", FieldOrigins = new System.Collections.Generic.Dictionary<string, DefinitionOrigin> { ["goal"] = origin } },
        }));

        var outcome = await rejected.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
        Assert.NotNull(outcome.Error);
        Assert.Equal(origin, outcome.Error!.Origin);
        Assert.Contains("agents.yaml(3,9)", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains("{Topik}", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Topic, Audience", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal("v1", outcome.Version);

        await new OverlayCrew(session).RunAsync(Request, TestContext.Current.CancellationToken);
        Assert.Contains("First goal on Rust", model.All[^2].System, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_change_takes_effect_for_the_next_execution()
    {
        var source = new InMemoryDefinitionSource(new DefinitionSet("v1", agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "Goal one" } }));
        var model = new PromptRecordingChatClient();
        var session = Session(model).AddDefinitionSource(source);
        await new OverlayCrew(session).RunAsync(Request, TestContext.Current.CancellationToken);

        var reloaded = new TaskCompletionSource<DefinitionsReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.DefinitionsReloaded += (_, e) => reloaded.TrySetResult(e);
        source.Set(new DefinitionSet("v2", agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "Goal two" } }));
        Assert.Null((await reloaded.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken)).Error);

        await new OverlayCrew(session).RunAsync(Request, TestContext.Current.CancellationToken);
        Assert.Contains("Goal one", model.All[0].System, StringComparison.Ordinal);
        Assert.Contains("Goal two", model.All[2].System, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent", "its agent is 'OverlayReviewer'")]
    [InlineData("context", "its context is []")]
    [InlineData("output", "its output is string")]
    public async Task An_overlay_cannot_change_the_plan_of_a_compiled_task(string field, string expected)
    {
        var task = field switch
        {
            "agent" => new TaskDeclaration("OverlayDraft") { Agent = "OverlayReviewer" },
            "context" => new TaskDeclaration("OverlayDraft") { Context = new[] { "OverlayReview" } },
            _ => new TaskDeclaration("OverlayDraft") { Output = "json" },
        };
        var session = Session(new PromptRecordingChatClient()).AddDefinitionSource(new InMemoryDefinitionSource(new DefinitionSet("v1", tasks: new[] { task })));

        var error = await Assert.ThrowsAsync<DefinitionException>(() => session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"cannot change its {field}", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected.Replace("OverlayReviewer", "OverlayWriter", StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_that_match_nothing_are_rejected()
    {
        var session = Session(new PromptRecordingChatClient()).AddDefinitionSource(new InMemoryDefinitionSource(new DefinitionSet("v1",
            agents: new[] { new AgentDeclaration("OverlayWritter") { Goal = "typo" } })));

        var error = await Assert.ThrowsAsync<DefinitionException>(() => session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'OverlayWritter' is not an agent of a compiled crew", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unconfigured_use_case_is_rejected()
    {
        var options = new AmshaOptions();
        options.Llm.UseChatClient("default", new PromptRecordingChatClient());
        var session = new ExecutionSession(options, new InMemoryExecutionStore()).AddDefinitionSource(new InMemoryDefinitionSource(new DefinitionSet("v1",
            agents: new[] { new AgentDeclaration("OverlayWriter") { Llm = "creative" } })));

        var error = await Assert.ThrowsAsync<DefinitionException>(() => session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("use case 'creative', which is not configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_first_load_fails_the_execution_before_any_call()
    {
        var model = new PromptRecordingChatClient();
        var session = Session(model).AddDefinitionSource(new InMemoryDefinitionSource(new DefinitionSet("v1",
            tasks: new[] { new TaskDeclaration("OverlayDraft") { Description = "  " } })));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => new OverlayCrew(session).RunAsync(Request, TestContext.Current.CancellationToken));

        Assert.IsType<DefinitionException>(error.InnerException ?? error);
        Assert.Empty(model.All);
    }

    [Fact]
    public async Task A_background_execution_records_the_definitions_it_runs_with_and_resumes_with_them()
    {
        var store = new InMemoryExecutionStore();
        var source = new InMemoryDefinitionSource(new DefinitionSet("v1", agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "Recorded goal" } }));
        var model = new PromptRecordingChatClient();
        var session = Session(model, store).AddDefinitionSource(source);
        var crew = new OverlayCrew(session);

        var handle = await crew.StartBackgroundAsync(Request, TestContext.Current.CancellationToken);
        await handle.ResultAsync(TestContext.Current.CancellationToken);
        var record = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal("v1", record.DefinitionVersion);
        Assert.NotNull(record.DefinitionFingerprint);
        Assert.Contains("Recorded goal", record.DefinitionSnapshot, StringComparison.Ordinal);

        // The first task's output is dropped so the resume has work to do; the definitions move on meanwhile.
        await store.SaveAsync(record with { TaskOutputs = record.TaskOutputs.Take(1).ToArray(), Status = ExecutionStatus.Failed }, TestContext.Current.CancellationToken);
        source.Set(new DefinitionSet("v2", agents: new[] { new AgentDeclaration("OverlayWriter") { Goal = "Newer goal" } }));
        await session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken);

        var resumed = await crew.ResumeAsync(handle.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);
        await resumed.ResultAsync(TestContext.Current.CancellationToken);
        var after = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal(record.DefinitionFingerprint, after.DefinitionFingerprint);
        Assert.Equal(ExecutionStatus.Succeeded, after.Status);
    }

    [Fact]
    public async Task A_resume_whose_definitions_cannot_be_rebuilt_fails_clearly_unless_the_current_ones_are_accepted()
    {
        var store = new InMemoryExecutionStore();
        var session = Session(new PromptRecordingChatClient(), store);
        var crew = new OverlayCrew(session);
        var handle = await crew.StartBackgroundAsync(Request, TestContext.Current.CancellationToken);
        await handle.ResultAsync(TestContext.Current.CancellationToken);
        var record = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal("compiled", record.DefinitionVersion);

        // As if another build had changed the crew: the recorded fingerprint is not the compiled one.
        await store.SaveAsync(record with { DefinitionFingerprint = "0123456789abcdef01234567", TaskOutputs = record.TaskOutputs.Take(1).ToArray(), Status = ExecutionStatus.Failed }, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<ExecutionDefinitionChangedException>(() => crew.ResumeAsync(handle.ExecutionId, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("0123456789abcdef01234567", error.RecordedFingerprint);
        Assert.Contains("DefinitionVersionPolicy.Current", error.Message, StringComparison.Ordinal);

        var accepted = await crew.ResumeAsync(handle.ExecutionId, new ExecutionOptions { DefinitionVersion = DefinitionVersionPolicy.Current }, TestContext.Current.CancellationToken);
        await accepted.ResultAsync(TestContext.Current.CancellationToken);
    }

    internal static ExecutionSession Session(PromptRecordingChatClient model, IExecutionStore? store = null)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(model);
        return new ExecutionSession(options, store ?? new InMemoryExecutionStore());
    }
}
