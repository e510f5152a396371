using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.OpenAI;
using Amsha.TestKit.Loopback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Amsha.Tests.LlmCalls;

public sealed class ConfigurationTests
{
    [Fact]
    public void Configuration_binds_use_cases_models_parameters_and_resilience()
    {
        var session = Build(new()
        {
            ["Amsha:Llm:UseCases:creative:Default"] = "big",
            ["Amsha:Llm:UseCases:creative:Models:big:Provider"] = "OpenAI",
            ["Amsha:Llm:UseCases:creative:Models:big:Model"] = "gpt-x",
            ["Amsha:Llm:UseCases:creative:Models:big:BaseUrl"] = "http://127.0.0.1:1/v1",
            ["Amsha:Llm:UseCases:creative:Models:big:ApiKey"] = "sk-secret-value",
            ["Amsha:Llm:UseCases:creative:Models:big:ApiVersion"] = "2024-10-21",
            ["Amsha:Llm:UseCases:creative:Models:small:Provider"] = "Offline",
            ["Amsha:Llm:UseCases:creative:Parameters:Temperature"] = "0.9",
            ["Amsha:Llm:UseCases:creative:Parameters:TopP"] = "0.5",
            ["Amsha:Llm:UseCases:creative:Parameters:MaxCompletionTokens"] = "256",
            ["Amsha:Llm:UseCases:creative:Parameters:PresencePenalty"] = "0.1",
            ["Amsha:Llm:UseCases:creative:Parameters:FrequencyPenalty"] = "-0.1",
            ["Amsha:Llm:UseCases:creative:Parameters:Stop:0"] = "END",
            ["Amsha:Llm:UseCases:creative:Parameters:Stop:1"] = "STOP",
            ["Amsha:Llm:Resilience:MaxAttempts"] = "4",
            ["Amsha:Llm:Resilience:AttemptTimeout"] = "00:00:45",
            ["Amsha:Llm:Resilience:CircuitBreakerBreakDuration"] = "00:00:05",
            ["Amsha:CaptureMessageContent"] = "true",
        });

        var useCase = session.Llm.Resolve("CREATIVE");
        Assert.Equal("OpenAI", useCase.Provider);
        Assert.Equal("gpt-x", useCase.Model);
        var options = useCase.CreateChatOptions()!;
        Assert.Equal(0.9f, options.Temperature);
        Assert.Equal(0.5f, options.TopP);
        Assert.Equal(256, options.MaxOutputTokens);
        Assert.Equal(0.1f, options.PresencePenalty);
        Assert.Equal(-0.1f, options.FrequencyPenalty);
        Assert.Equal(new[] { "END", "STOP" }, options.StopSequences);
        Assert.Equal(4, session.Options.Llm.Resilience.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(45), session.Options.Llm.Resilience.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), session.Options.Llm.Resilience.CircuitBreakerBreakDuration);
        Assert.True(session.Options.CaptureMessageContent);
        Assert.Equal("Offline", session.Llm.Resolve("creative", "small").Provider);
        Assert.DoesNotContain("sk-secret-value", useCase.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_form_fails_binding_naming_its_key()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Build(new()
        {
            ["Amsha:Llm:UseCases:default:Models:main:Provider"] = "Offline",
            ["Amsha:Llm:UseCases:default:Parameters:Temperature"] = "hot",
        }));

        Assert.Contains("'hot' at 'Amsha:Llm:UseCases:default:Parameters:Temperature'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_configuration_fails_validation_naming_every_bad_key()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Build(new()
        {
            ["Amsha:Llm:UseCases:default:Default"] = "missing",
            ["Amsha:Llm:UseCases:default:Models:main:Provider"] = "Nowhere",
            ["Amsha:Llm:UseCases:default:Models:main:Modle"] = "typo",
            ["Amsha:Llm:UseCases:writer:Models:a:Provider"] = "OpenAI",
            ["Amsha:Llm:UseCases:writer:Models:a:BaseUrl"] = "not a url",
            ["Amsha:Llm:UseCases:writer:Parameters:TopP"] = "3",
            ["Amsha:Llm:UseCases:writer:Parameters:Stop"] = "END",
            ["Amsha:Llm:UseCases:empty:Default"] = "x",
            ["Amsha:Llm:Resilience:MaxDelay"] = "30",
            ["Amsha:Capture"] = "true",
        }));

        var failures = failure.Failures.ToList();
        Assert.Contains("Amsha:Llm:UseCases:default:Models:main:Modle is not a known setting. Known settings here: Provider, Model, BaseUrl, ApiKey, ApiVersion.", failures);
        Assert.Contains(failures, f => f.StartsWith("Amsha:Capture is not a known setting", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:writer:Parameters:Stop is 'END', a single value; it is a list", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:default:Default is 'missing', which is not a key under Amsha:Llm:UseCases:default:Models. Configured keys: main", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:default:Models:main:Provider is 'Nowhere', which is not registered. Registered providers: Offline, OpenAI", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:writer:Models:a:Model is missing", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:writer:Models:a:BaseUrl is 'not a url'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:writer:Parameters:TopP is 3; it must be between 0 and 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:empty:Models is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:UseCases:default:Models:main:Model is missing", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Amsha:Llm:Resilience:MaxDelay is 30.00:00:00, longer than a day. Durations are time spans such as 00:00:30", StringComparison.Ordinal));
        Assert.Equal(11, failures.Count);
    }

    [Fact]
    public void Options_built_in_code_are_validated_when_the_session_is_created()
    {
        var options = new AmshaOptions();
        options.Llm.UseCases["default"] = new LlmUseCaseOptions { Models = { ["main"] = new LlmModelOptions { Provider = "Nowhere" } } };
        options.Llm.Resilience.MaxAttempts = 0;

        var failure = Assert.Throws<OptionsValidationException>(() => new ExecutionSession(options));

        Assert.Contains(failure.Failures, f => f.StartsWith("Amsha:Llm:UseCases:default:Models:main:Provider is 'Nowhere', which is not registered", StringComparison.Ordinal));
        Assert.Contains("Amsha:Llm:Resilience:MaxAttempts is 0; it must be at least 1.", failure.Failures);
    }

    [Fact]
    public void Unknown_use_case_lists_the_configured_ones()
    {
        var session = Build(new()
        {
            ["Amsha:Llm:UseCases:default:Models:main:Provider"] = "Offline",
            ["Amsha:Llm:UseCases:evaluation:Models:main:Provider"] = "Offline",
        });

        var failure = Assert.Throws<ArgumentException>(() => session.Llm.Resolve("creative"));
        Assert.Contains("'creative' is not configured. Configured use cases: default, evaluation", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execution_options_override_model_key_model_and_parameters_for_that_execution_only()
    {
        await using var server = LoopbackChatServer.Start();
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);

        var overrides = new ExecutionOptions { Llm = new LlmOverrideOptions { ModelKey = "alt", Parameters = new LlmParameterOptions { Temperature = 1.5f, MaxCompletionTokens = 33 } } };
        await new ExplainCrew(session).RunAsync(new Question("x"), overrides, TestContext.Current.CancellationToken);

        var byUseCase = new ExecutionOptions { Llm = new LlmOverrideOptions { UseCases = { ["DEFAULT"] = new LlmOverrideOptions { Model = "forced-model" } } } };
        await new ExplainCrew(session).RunAsync(new Question("y"), byUseCase, TestContext.Current.CancellationToken);

        await new Assistant(session).SummarizeAsync("z", TestContext.Current.CancellationToken);

        var bodies = server.Requests.Select(r => r.Body).ToList();
        Assert.Contains("\"model\":\"" + model + "-alt\"", bodies[0], StringComparison.Ordinal);
        Assert.Contains("\"temperature\":1.5", bodies[0], StringComparison.Ordinal);
        Assert.Contains("\"max_completion_tokens\":33", bodies[0], StringComparison.Ordinal);
        Assert.Contains("\"model\":\"forced-model\"", bodies[1], StringComparison.Ordinal);
        Assert.Contains("\"model\":\"" + model + "\"", bodies[2], StringComparison.Ordinal);
        Assert.Contains("\"temperature\":0.2", bodies[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_content_is_recorded_only_on_opt_in()
    {
        await using var server = LoopbackChatServer.Start();
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model, new Dictionary<string, string?> { ["Amsha:CaptureMessageContent"] = "true" });
        using var spans = new SpanRecorder();

        await new Assistant(session).SummarizeAsync("the secret plan", TestContext.Current.CancellationToken);

        var chat = spans.Single("chat " + model);
        Assert.Contains("Summarize: the secret plan", (string)chat.GetTagItem("gen_ai.input.messages")!, StringComparison.Ordinal);
        Assert.Contains("Hello from the loopback server.", (string)chat.GetTagItem("gen_ai.output.messages")!, StringComparison.Ordinal);
        Assert.DoesNotContain(LlmTestHost.ApiKey, spans.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Float_parameters_are_recorded_in_telemetry_as_the_configured_decimals()
    {
        // A float widened to double is 0.20000000298023224 for a configured 0.2; spans carry what was configured.
        await using var server = LoopbackChatServer.Start();
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model, new Dictionary<string, string?>
        {
            ["Amsha:Llm:UseCases:default:Parameters:TopP"] = "0.95",
            ["Amsha:Llm:UseCases:default:Parameters:PresencePenalty"] = "0.3",
            ["Amsha:Llm:UseCases:default:Parameters:FrequencyPenalty"] = "-0.7",
        });
        using var spans = new SpanRecorder();

        await new Assistant(session).SummarizeAsync("text", TestContext.Current.CancellationToken);

        var chat = spans.Single("chat " + model);
        Assert.Equal(0.2, chat.GetTagItem("gen_ai.request.temperature"));
        Assert.Equal(0.95, chat.GetTagItem("gen_ai.request.top_p"));
        Assert.Equal(0.3, chat.GetTagItem("gen_ai.request.presence_penalty"));
        Assert.Equal(-0.7, chat.GetTagItem("gen_ai.request.frequency_penalty"));
    }

    [Fact]
    public async Task Api_version_is_appended_for_Azure_style_endpoints()
    {
        await using var server = LoopbackChatServer.Start();
        var client = OpenAIProvider.CreateChatClient(new LlmModelOptions { Provider = "OpenAI", Model = "m", BaseUrl = server.BaseUrl, ApiKey = LlmTestHost.ApiKey, ApiVersion = "2024-10-21" });

        await client.GetResponseAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.EndsWith("/chat/completions?api-version=2024-10-21", request.Path, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OpenAIProvider.CreateChatClient(new LlmModelOptions { Provider = "OpenAI" }));
    }

    private static ExecutionSession Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddAmsha(configuration.GetSection("Amsha")).AddOpenAIProvider();
        return services.BuildServiceProvider().GetRequiredService<ExecutionSession>();
    }
}
