using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Llm;

public sealed class LlmFactoryTests
{
    [Fact]
    public void Nothing_configured_resolves_every_use_case_to_the_embedded_offline_client()
    {
        var factory = new LlmFactory(new LlmOptions());

        var useCase = factory.Resolve("anything");

        Assert.IsType<OfflineChatClient>(useCase.Client);
        Assert.Equal(OfflineChatClient.ProviderName, useCase.Provider);
        Assert.Equal(OfflineChatClientOptions.DefaultModelId, useCase.Model);
        Assert.Same(useCase.Client, factory.GetChatClient(LlmUseCases.Creative));
    }

    [Fact]
    public void Registered_client_serves_its_use_case_ignoring_case()
    {
        var creative = new OfflineChatClient();
        var evaluation = new OfflineChatClient();
        var factory = new LlmFactory(new LlmOptions().UseChatClient("creative", creative).UseChatClient("evaluation", evaluation));

        Assert.Same(creative, factory.GetChatClient("Creative"));
        Assert.Same(evaluation, factory.GetChatClient("EVALUATION"));
        Assert.Same(factory.Resolve("creative"), factory.Resolve("CREATIVE"));
    }

    [Fact]
    public void Default_client_serves_use_cases_without_their_own()
    {
        var creative = new OfflineChatClient();
        var fallback = new OfflineChatClient();
        var factory = new LlmFactory(new LlmOptions().UseChatClient("creative", creative).UseDefaultChatClient(fallback));

        Assert.Same(fallback, factory.GetChatClient("evaluation"));
        Assert.Same(creative, factory.GetChatClient("creative"));
    }

    [Fact]
    public void Unknown_use_case_lists_the_configured_ones()
    {
        var options = new LlmOptions().UseChatClient("evaluation", new OfflineChatClient());
        options.UseCases["creative"] = OfflineUseCase("offline-creative");

        var error = Assert.Throws<ArgumentException>(() => new LlmFactory(options).GetChatClient("research"));

        Assert.Equal("useCase", error.ParamName);
        Assert.Contains("'research' is not configured", error.Message);
        Assert.Contains("Configured use cases: creative, evaluation.", error.Message);
        Assert.Contains("Amsha:Llm:UseCases:research", error.Message);
    }

    [Fact]
    public void Configured_offline_use_case_carries_model_and_parameters_into_chat_options()
    {
        var options = new LlmOptions();
        var useCase = OfflineUseCase("offline-evaluation");
        useCase.Parameters = new LlmParameterOptions { Temperature = 0.2f, TopP = 0.9f, MaxCompletionTokens = 300, PresencePenalty = 0.1f, FrequencyPenalty = 0.3f, Stop = { "END" } };
        options.UseCases["evaluation"] = useCase;

        var resolved = new LlmFactory(options).Resolve("evaluation");
        var chat = resolved.CreateChatOptions()!;

        Assert.Equal(("Offline", "offline-evaluation"), (resolved.Provider, resolved.Model));
        Assert.Equal("offline-evaluation", resolved.Client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("offline-evaluation", chat.ModelId);
        Assert.Equal(0.2f, chat.Temperature);
        Assert.Equal(0.9f, chat.TopP);
        Assert.Equal(300, chat.MaxOutputTokens);
        Assert.Equal(0.1f, chat.PresencePenalty);
        Assert.Equal(0.3f, chat.FrequencyPenalty);
        Assert.Equal(new[] { "END" }, chat.StopSequences);
        Assert.NotSame(chat, resolved.CreateChatOptions());
    }

    [Fact]
    public async Task Crew_calls_carry_the_use_case_parameters_to_the_client()
    {
        var recording = new RecordingChatClient();
        var options = new AmshaOptions();
        options.Llm.Providers["Recording"] = _ => recording;
        options.Llm.UseCases["creative"] = new LlmUseCaseOptions
        {
            Default = "main",
            Models = { ["main"] = new LlmModelOptions { Provider = "recording", Model = "writer-model" } },
            Parameters = new LlmParameterOptions { Temperature = 0.7f },
        };
        options.Llm.UseDefaultChatClient(new OfflineChatClient());

        await new ExecutionSession(options).RunAsync(TestCrews.ResearchAndWrite(writerLlm: "creative"), "Rust").WaitAsync(TestCrews.Timeout);

        var call = Assert.Single(recording.Options);
        Assert.Equal(("writer-model", 0.7f), (call!.ModelId, call.Temperature));
    }

    [Fact]
    public async Task A_registered_client_with_nothing_to_set_is_called_without_options_and_its_model_is_still_reported()
    {
        // As a direct call of the client passes no options: the client answers with its own model anyway.
        var recording = new RecordingChatClient(new OfflineChatClientOptions { ModelId = "house-model" });
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(recording);
        var session = new ExecutionSession(options);
        var events = new ConcurrentQueue<ExecutionEvent>();
        using var subscription = session.Subscribe(events.Enqueue);

        await session.RunAsync(TestCrews.ResearchAndWrite(), "Rust").WaitAsync(TestCrews.Timeout);

        Assert.Equal(2, recording.Options.Count);
        Assert.All(recording.Options, Assert.Null);
        var started = events.OfType<LlmCallStartedEvent>().ToList();
        Assert.Equal(2, started.Count);
        Assert.All(started, e => Assert.Equal("house-model", e.Model));
    }

    [Fact]
    public async Task A_registered_client_gets_options_once_a_parameter_or_an_override_sets_something()
    {
        var recording = new RecordingChatClient(new OfflineChatClientOptions { ModelId = "house-model" });
        var options = new AmshaOptions();
        options.Llm.UseChatClient("creative", recording);
        options.Llm.UseCases["creative"] = new LlmUseCaseOptions { Parameters = new LlmParameterOptions { Temperature = 0.4f } };
        options.Llm.UseDefaultChatClient(new OfflineChatClient());
        var session = new ExecutionSession(options);

        await session.RunAsync(TestCrews.ResearchAndWrite(writerLlm: "creative"), "Rust").WaitAsync(TestCrews.Timeout);
        var overridden = new ExecutionOptions { Llm = new LlmOverrideOptions { Model = "other-model" } };
        await session.RunAsync(TestCrews.ResearchAndWrite(writerLlm: "creative"), "Rust", overridden).WaitAsync(TestCrews.Timeout);

        var sent = recording.Options.ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(("house-model", 0.4f), (sent[0]!.ModelId, sent[0]!.Temperature));
        Assert.Equal(("other-model", 0.4f), (sent[1]!.ModelId, sent[1]!.Temperature));
    }

    [Fact]
    public void Unknown_provider_names_the_setting_and_the_registered_providers()
    {
        var options = new LlmOptions();
        options.UseCases["default"] = new LlmUseCaseOptions { Models = { ["main"] = new LlmModelOptions { Provider = "Nowhere", Model = "m" } } };

        var error = Assert.Throws<InvalidOperationException>(() => new LlmFactory(options).Resolve("default"));

        Assert.Contains("Amsha:Llm:UseCases:default:Models:main:Provider is 'Nowhere'", error.Message);
        Assert.Contains("Registered providers: Offline.", error.Message);
    }

    [Fact]
    public void Default_model_key_without_a_model_is_a_clear_error()
    {
        var options = new LlmOptions();
        options.UseCases["default"] = new LlmUseCaseOptions
        {
            Default = "missing",
            Models = { ["a"] = new LlmModelOptions(), ["b"] = new LlmModelOptions() },
        };

        var error = Assert.Throws<InvalidOperationException>(() => new LlmFactory(options).Resolve("default"));

        Assert.Contains("'missing'", error.Message);
        Assert.Contains("Amsha:Llm:UseCases:default:Models", error.Message);
    }

    [Fact]
    public void Single_model_is_the_default_and_provider_defaults_to_offline()
    {
        var options = new LlmOptions();
        options.UseCases["default"] = new LlmUseCaseOptions { Models = { ["only"] = new LlmModelOptions { Model = "m1" } } };

        var resolved = new LlmFactory(options).Resolve("default");

        Assert.IsType<OfflineChatClient>(resolved.Client);
        Assert.Equal("m1", resolved.Model);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Blank_use_case_name_is_rejected(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new LlmFactory(new LlmOptions()).Resolve(name));
    }

    private static LlmUseCaseOptions OfflineUseCase(string model) => new()
    {
        Default = "main",
        Models = { ["main"] = new LlmModelOptions { Provider = OfflineChatClient.ProviderName, Model = model } },
    };
}
