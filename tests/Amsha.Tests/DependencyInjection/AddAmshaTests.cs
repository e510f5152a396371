using System;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Tests.DependencyInjection;

public sealed class AddAmshaTests
{
    [Fact]
    public void AddAmsha_registers_the_session_and_its_factory_as_singletons()
    {
        var services = new ServiceCollection().AddAmsha();

        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(ExecutionSession)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(LlmFactory)).Lifetime);
        using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ExecutionSession>();
        Assert.Same(session, provider.GetRequiredService<ExecutionSession>());
        Assert.Same(session.Llm, provider.GetRequiredService<LlmFactory>());
        Assert.IsType<OfflineChatClient>(session.Llm.GetChatClient(LlmUseCases.Default));
    }

    [Fact]
    public void Configure_is_applied_to_the_session_options()
    {
        var creative = new OfflineChatClient();
        using var provider = new ServiceCollection()
            .AddAmsha(options => options.Llm.UseChatClient(LlmUseCases.Creative, creative))
            .BuildServiceProvider();

        Assert.Same(creative, provider.GetRequiredService<LlmFactory>().GetChatClient("creative"));
        Assert.Same(creative, provider.GetRequiredService<ExecutionSession>().Options.Llm.Clients["creative"]);
    }

    [Fact]
    public void AddAmsha_twice_keeps_the_first_registration()
    {
        var first = new OfflineChatClient();
        using var provider = new ServiceCollection()
            .AddAmsha(options => options.Llm.UseDefaultChatClient(first))
            .AddAmsha(options => options.Llm.UseDefaultChatClient(new OfflineChatClient()))
            .BuildServiceProvider();

        Assert.Same(first, provider.GetRequiredService<ExecutionSession>().Options.Llm.DefaultClient);
    }

    [Fact]
    public void AddAmsha_rejects_a_null_collection()
    {
        Assert.Throws<ArgumentNullException>(() => AmshaServiceCollectionExtensions.AddAmsha(null!));
    }

    [Fact]
    public async Task Generated_crews_resolve_from_the_container_and_run()
    {
        var prompts = new System.Collections.Generic.List<(string System, string User)>();
        var client = new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = conversation =>
            {
                prompts.Add((conversation[0].Text, conversation[1].Text));
                return $"answer {prompts.Count}";
            },
        });
        using var provider = new ServiceCollection()
            .AddAmsha(options => options.Llm.UseDefaultChatClient(client))
            .AddAmshaCrews()
            .BuildServiceProvider();

        var crew = provider.GetRequiredService<GuideCrew>();
        Assert.NotSame(crew, provider.GetRequiredService<GuideCrew>());
        var result = await crew.RunAsync(new GuideRequest("Rust", "children")).WaitAsync(TestCrews.Timeout);

        Assert.Equal("answer 2", result.Output);
        Assert.Equal("GuideCrew", result.CrewName);
        Assert.Equal("You are Author.\nGoal: Explain Rust to children\nBackstory: Writes {plainly}.", prompts[1].System);
        Assert.Equal("Task: Write a guide to Rust for children.\n\nExpected output: A guide\n\nContext from Analyse:\nanswer 1", prompts[1].User);
    }

    [Fact]
    public async Task Generated_crew_members_use_the_runtime_modes()
    {
        // Background runs are checkpointed: keep them in memory rather than in the user's data folder.
        var crew = new GuideCrew(new ExecutionSession(new AmshaOptions { Store = new InMemoryExecutionStore() }));

        var interactive = crew.Start(new GuideRequest("Go"));
        var background = crew.StartBackground(new GuideRequest("Go"));
        var events = await TestCrews.ReadAllEventsAsync(interactive);
        await background.ResultWithinTimeoutAsync();

        Assert.Equal(ExecutionMode.Background, background.Mode);
        Assert.Equal(ExecutionStatus.Succeeded, background.Status);
        Assert.Equal(new[] { "Analyse", "WriteGuide" }, events.OfType<TaskCompletedEvent>().Select(e => e.TaskName));
        Assert.Equal(new[] { "evaluation", "creative" }, GuideCrew.Definition.Tasks.Select(t => t.Agent.Llm));
        Assert.Throws<ArgumentNullException>(() => new GuideCrew(null!));
    }
}
