using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;
using Xunit;

namespace Amsha.Tests.Definitions;

/// <summary>Crews that exist only in run-time definitions, and compiled crews, run by name.</summary>
public sealed class DynamicCrewTests
{
    private static DefinitionSet Briefing(string version = "v1", string outputOfSummary = "string") => new(
        version,
        agents: new[]
        {
            new AgentDeclaration("dyn_analyst") { Role = "Analyst of {topic}", Goal = "Find facts", Backstory = "Careful." },
            new AgentDeclaration("dyn_writer") { Role = "Writer", Goal = "Write for {audience}", Backstory = "Clear.", Llm = "default" },
        },
        tasks: new[]
        {
            new TaskDeclaration("dyn_facts") { Description = "List facts on {topic}.", ExpectedOutput = "Facts like {\"fact\": \"...\"}", Agent = "dyn_analyst" },
            new TaskDeclaration("dyn_summary") { Description = "Summarize for {audience}.", ExpectedOutput = "A summary", Agent = "dyn_writer", Context = new[] { "dyn_facts" }, Output = outputOfSummary },
        },
        crews: new[] { new CrewDeclaration("dyn_briefing") { Steps = new[] { new CrewStepDeclaration("dyn_facts"), new CrewStepDeclaration("dyn_summary") } } });

    [Fact]
    public async Task A_dynamic_crew_runs_by_name_with_a_json_input()
    {
        var model = new PromptRecordingChatClient();
        var session = OverlayTests.Session(model).AddDefinitionSource(new InMemoryDefinitionSource(Briefing()));
        var events = new List<ExecutionEvent>();
        using var _ = session.Subscribe(events.Add);

        var result = await session.RunAsync("dyn_briefing", """{"topic": "Rust", "audience": "managers", "unused": 3}""", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("dyn_briefing", result.CrewName);
        Assert.Equal(result.TaskOutputs[1].Text, result.Output);
        Assert.Equal("You are Analyst of Rust.\nGoal: Find facts\nBackstory: Careful.", model.All[0].System);
        Assert.Equal("Task: List facts on Rust.\n\nExpected output: Facts like {\"fact\": \"...\"}", model.All[0].User);
        Assert.StartsWith("Task: Summarize for managers.\n\nExpected output: A summary\n\nContext from dyn_facts:\n", model.All[1].User, StringComparison.Ordinal);
        Assert.Equal(new[] { "dyn_facts", "dyn_summary" }, events.OfType<TaskStartedEvent>().Select(e => e.TaskName));
        Assert.True(result.Metrics.Tokens.TotalTokens > 0);
    }

    [Fact]
    public async Task A_dynamic_crew_started_by_name_streams_its_events_and_tokens()
    {
        var session = OverlayTests.Session(new PromptRecordingChatClient()).AddDefinitionSource(new InMemoryDefinitionSource(Briefing()));

        var handle = await session.StartAsync("dyn_briefing", """{"topic": "Rust", "audience": "managers"}""", cancellationToken: TestContext.Current.CancellationToken);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var result = await handle.ResultAsync(TestContext.Current.CancellationToken);
        Assert.IsType<ExecutionStartedEvent>(events[0]);
        Assert.IsType<ExecutionCompletedEvent>(events[^1]);
        Assert.Equal(result.Output, string.Concat(events.OfType<TokenDeltaEvent>().SkipWhile(t => t.TaskName != "dyn_summary").Select(t => t.Text)));
    }

    [Fact]
    public async Task Definition_sources_registered_in_the_container_reach_the_session()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("amsha-defs-").FullName;
        await System.IO.File.WriteAllTextAsync(System.IO.Path.Combine(directory, "briefing.yaml"), """
            agents:
              di_writer: { role: Writer, goal: "Brief on {topic}", backstory: Terse. }
            tasks:
              di_brief: { description: "Brief on {topic}.", expected_output: One line, agent: di_writer }
            crews:
              di_briefing: { tasks: [di_brief] }
            """, TestContext.Current.CancellationToken);
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.AmshaServiceCollectionExtensions.AddAmsha(services)
            .UseDefaultChatClient(new PromptRecordingChatClient())
            .UseStore(new InMemoryExecutionStore())
            .AddDefinitionFiles(directory)
            .AddDefinitionSource(new InMemoryDefinitionSource(Briefing()));
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var session = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ExecutionSession>(provider);

        var crews = await session.ListCrewsAsync(TestContext.Current.CancellationToken);

        Assert.Contains("di_briefing", crews);
        Assert.Contains("dyn_briefing", crews);
        Assert.Equal("di_brief", (await session.RunAsync("di_briefing", """{"topic": "Rust"}""", cancellationToken: TestContext.Current.CancellationToken)).TaskOutputs.Single().TaskName);
    }

    [Fact]
    public async Task A_json_output_is_asked_for_in_json_mode_and_returned_as_json()
    {
        var session = OverlayTests.Session(new PromptRecordingChatClient()).AddDefinitionSource(new InMemoryDefinitionSource(Briefing(outputOfSummary: "json")));

        var result = await session.RunAsync("dyn_briefing", """{"topic": "Rust", "audience": "managers"}""", cancellationToken: TestContext.Current.CancellationToken);

        using var parsed = JsonDocument.Parse(result.Output);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
    }

    [Fact]
    public async Task An_input_without_a_placeholder_property_is_rejected_before_anything_runs()
    {
        var model = new PromptRecordingChatClient();
        var session = OverlayTests.Session(model).AddDefinitionSource(new InMemoryDefinitionSource(Briefing()));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync("dyn_briefing", """{"topic": "Rust"}""", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("'audience'", error.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync("dyn_briefing", "[1, 2]", cancellationToken: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync("dyn_briefing", "{not json", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(model.All);
    }

    [Fact]
    public async Task An_unknown_crew_name_lists_the_crews_there_are()
    {
        var session = OverlayTests.Session(new PromptRecordingChatClient()).AddDefinitionSource(new InMemoryDefinitionSource(Briefing()));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync("dyn_breifing", "{}", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("no crew named 'dyn_breifing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("dyn_briefing", error.Message, StringComparison.Ordinal);
        Assert.Contains("OverlayCrew", error.Message, StringComparison.Ordinal);
        Assert.Contains("dyn_briefing", await session.ListCrewsAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("missing-task", "lists task 'dyn_nothing', which is not defined")]
    [InlineData("missing-agent", "names agent 'dyn_nobody', which is not defined")]
    [InlineData("cycle", "cycle: dyn_facts → dyn_summary → dyn_facts")]
    [InlineData("after", "runs after it in sequential crew")]
    [InlineData("blank", "has no role")]
    [InlineData("typed-output", "a C# output type needs a compiled crew")]
    [InlineData("duplicate", "defined twice")]
    public async Task Invalid_dynamic_crews_are_rejected_with_the_reason(string mistake, string expected)
    {
        var set = Briefing();
        var agents = set.Agents.ToList();
        var tasks = set.Tasks.ToList();
        var crews = set.Crews.ToList();
        switch (mistake)
        {
            case "missing-task":
                crews[0] = crews[0] with { Steps = crews[0].Steps.Append(new CrewStepDeclaration("dyn_nothing")).ToArray() };
                break;
            case "missing-agent":
                tasks[0] = tasks[0] with { Agent = "dyn_nobody" };
                break;
            case "cycle":
                tasks[0] = tasks[0] with { Context = new[] { "dyn_summary" } };
                crews[0] = crews[0] with { Process = CrewProcess.Graph };
                break;
            case "after":
                tasks[0] = tasks[0] with { Context = new[] { "dyn_summary" } };
                tasks[1] = tasks[1] with { Context = null };
                break;
            case "blank":
                agents[0] = agents[0] with { Role = " " };
                break;
            case "typed-output":
                tasks[1] = tasks[1] with { Output = "Article" };
                break;
            case "duplicate":
                agents.Add(new AgentDeclaration("dyn_writer") { Role = "r", Goal = "g", Backstory = "b" });
                break;
        }

        var session = OverlayTests.Session(new PromptRecordingChatClient()).AddDefinitionSource(new InMemoryDefinitionSource(new DefinitionSet("bad", agents, tasks, crews)));

        var error = await Assert.ThrowsAsync<DefinitionException>(() => session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compiled_crew_runs_by_name_and_answers_its_typed_output_as_json()
    {
        var model = new PromptRecordingChatClient();
        var session = OverlayTests.Session(model);

        var byName = await session.RunAsync("OverlayCrew", """{"Topic": "Rust", "Audience": "engineers"}""", cancellationToken: TestContext.Current.CancellationToken);
        var typed = await new OverlayCrew(OverlayTests.Session(new PromptRecordingChatClient())).RunAsync(new OverlayRequest("Rust", "engineers"), TestContext.Current.CancellationToken);

        Assert.Equal(Amsha.Serialization.JsonCodecs.Serialize(typed.Output), byName.Output);
        Assert.Equal(typed.Output, Amsha.Serialization.JsonCodecs.Deserialize<OverlayVerdict>(byName.Output));
        await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync("OverlayCrew", """{"Topic": 3}""", cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_dynamic_background_execution_resumes_by_id_with_its_recorded_definitions()
    {
        var store = new InMemoryExecutionStore();
        var source = new InMemoryDefinitionSource(Briefing());
        var model = new PromptRecordingChatClient();
        var session = OverlayTests.Session(model, store).AddDefinitionSource(source);

        var handle = await session.StartBackgroundAsync("dyn_briefing", """{"topic": "Rust", "audience": "managers"}""", cancellationToken: TestContext.Current.CancellationToken);
        var first = await handle.ResultAsync(TestContext.Current.CancellationToken);
        var record = await session.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        await store.SaveAsync(record with { TaskOutputs = record.TaskOutputs.Take(1).ToArray(), Status = ExecutionStatus.Failed }, TestContext.Current.CancellationToken);

        // The crew is edited (and then removed) after the execution started: the resume still runs what it started with.
        source.Set(new DefinitionSet("v2"));
        await session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken);
        var before = model.All.Count;

        var resumed = await session.ResumeAsync(handle.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);
        var again = await resumed.ResultAsync(TestContext.Current.CancellationToken);

        Assert.Equal(first.Output, again.Output);
        Assert.Equal(model.All[1], model.All[before]);
        await Assert.ThrowsAsync<ExecutionNotFoundException>(() => session.ResumeAsync("no-such-execution", cancellationToken: TestContext.Current.CancellationToken));
    }
}
