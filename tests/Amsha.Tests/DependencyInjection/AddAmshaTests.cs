using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.DependencyInjection;

public sealed class AddAmshaTests
{
    [Fact]
    public void AddAmsha_registers_the_session_and_its_factory_as_singletons()
    {
        var services = new ServiceCollection();
        services.AddAmsha();

        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(ExecutionSession)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(LlmFactory)).Lifetime);
        using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ExecutionSession>();
        Assert.Same(session, provider.GetRequiredService<ExecutionSession>());
        Assert.Same(session.Llm, provider.GetRequiredService<LlmFactory>());
        Assert.IsType<OfflineChatClient>(session.Llm.GetChatClient(LlmUseCases.Default));
    }

    [Fact]
    public void Builder_routes_use_cases_to_clients_and_configure_adjusts_the_options()
    {
        var creative = new OfflineChatClient();
        var fromContainer = new OfflineChatClient();
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IChatClient>("evaluator", fromContainer);
        services.AddAmsha()
            .UseChatClient(LlmUseCases.Creative, creative)
            .UseChatClient(LlmUseCases.Evaluation, provider => provider.GetRequiredKeyedService<IChatClient>("evaluator"))
            .Configure(options => options.ObserverBufferCapacity = 7);
        using var provider = services.BuildServiceProvider();

        var session = provider.GetRequiredService<ExecutionSession>();
        Assert.Same(creative, session.Llm.GetChatClient("creative"));
        Assert.Same(fromContainer, session.Llm.GetChatClient("evaluation"));
        Assert.Equal(7, session.Options.ObserverBufferCapacity);
    }

    [Fact]
    public void AddAmsha_twice_registers_one_session_and_later_configuration_adds_to_the_first()
    {
        var first = new OfflineChatClient();
        var second = new OfflineChatClient();
        var services = new ServiceCollection();
        services.AddAmsha(options => options.Llm.UseChatClient("a", first));
        services.AddAmsha(options => options.Llm.UseChatClient("b", second));
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ExecutionSession));
        var llm = provider.GetRequiredService<LlmFactory>();
        Assert.Same(first, llm.GetChatClient("a"));
        Assert.Same(second, llm.GetChatClient("b"));
    }

    [Fact]
    public void The_store_time_provider_and_observers_come_from_the_container()
    {
        var store = new InMemoryExecutionStore();
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAmsha().UseStore(store).AddObserver<CountingObserver>();
        using var provider = services.BuildServiceProvider();

        var session = provider.GetRequiredService<ExecutionSession>();
        Assert.Same(store, session.Store);
        Assert.Same(time, session.TimeProvider);
        Assert.IsType<CountingObserver>(Assert.Single(provider.GetServices<IExecutionObserver>()));
    }

    [Fact]
    public void AddAmsha_rejects_a_null_collection()
    {
        Assert.Throws<ArgumentNullException>(() => AmshaServiceCollectionExtensions.AddAmsha(null!));
    }

    [Fact]
    public async Task The_Amsha_section_of_the_app_configuration_is_bound_without_asking()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Amsha:CaptureMessageContent"] = "true",
            ["Amsha:Llm:Resilience:MaxAttempts"] = "5",
            ["Amsha:Llm:Resilience:AttemptTimeout"] = "00:00:20",
            ["Amsha:Llm:UseCases:Creative:Models:main:Provider"] = "Offline",
            ["Amsha:Llm:UseCases:Creative:Models:main:Model"] = "offline-creative",
            ["Amsha:Llm:UseCases:Creative:Parameters:Temperature"] = "0.7",
            ["Amsha:Llm:UseCases:Creative:Parameters:Stop:0"] = "THE END",
        });
        builder.Services.AddAmsha();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var options = host.Services.GetRequiredService<ExecutionSession>().Options;
        Assert.True(options.CaptureMessageContent);
        Assert.Equal(5, options.Llm.Resilience.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Llm.Resilience.AttemptTimeout);

        // Use case names match ignoring case, as configuration keys do.
        var creative = options.Llm.UseCases["creative"];
        Assert.Equal("offline-creative", creative.Models["MAIN"].Model);
        Assert.Equal(0.7f, creative.Parameters.Temperature);
        Assert.Equal(["THE END"], creative.Parameters.Stop);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Invalid_configuration_fails_the_host_at_start_naming_every_bad_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Amsha:Llm:UseCases:default:Default"] = "big",
            ["Amsha:Llm:UseCases:default:Models:fast:Modle"] = "gpt-4o-mini",
            ["Amsha:Llm:Resilience:AttemptTimeout"] = "30",
        });
        builder.Services.AddAmsha();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, f => f.StartsWith("Amsha:Llm:UseCases:default:Default is 'big'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Amsha:Llm:UseCases:default:Models:fast:Modle is not a known setting", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Amsha:Llm:Resilience:AttemptTimeout is 30.00:00:00, longer than a day", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generated_crews_resolve_from_the_container_and_run()
    {
        var prompts = new List<(string System, string User)>();
        var client = new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = conversation =>
            {
                prompts.Add((conversation[0].Text, conversation[1].Text));
                return $"answer {prompts.Count}";
            },
        });
        var services = new ServiceCollection();
        services.AddAmsha().UseDefaultChatClient(client).AddAmshaCrews();
        using var provider = services.BuildServiceProvider();

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
        var store = new InMemoryExecutionStore();
        var crew = new GuideCrew(new ExecutionSession(new AmshaOptions(), store));

        var interactive = crew.Start(new GuideRequest("Go"));
        var background = crew.StartBackground(new GuideRequest("Go"));
        var stored = await crew.StartBackgroundAsync(new GuideRequest("Go"), TestContext.Current.CancellationToken);
        Assert.NotNull(await store.GetAsync(stored.ExecutionId, TestContext.Current.CancellationToken));
        var events = await TestCrews.ReadAllEventsAsync(interactive);
        await background.ResultWithinTimeoutAsync();
        var resumed = await crew.ResumeAsync(background.ExecutionId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExecutionMode.Interactive, interactive.Mode);
        Assert.Equal(ExecutionMode.Background, background.Mode);
        Assert.Equal(ExecutionStatus.Succeeded, background.Status);
        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.Equal(new[] { "Analyse", "WriteGuide" }, events.OfType<TaskCompletedEvent>().Select(e => e.TaskName));
        Assert.Equal(new[] { "evaluation", "creative" }, GuideCrew.Definition.Tasks.Select(t => t.Agent.Llm));
        Assert.Throws<ArgumentNullException>(() => new GuideCrew(null!));
    }

    private sealed class CountingObserver : IExecutionObserver
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ValueTask OnEventAsync(ExecutionEvent executionEvent, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }
}
