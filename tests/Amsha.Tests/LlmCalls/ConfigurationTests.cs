using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.OpenAI;
using Amsha.TestKit.Loopback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
            ["Amsha:Llm:Resilience:AttemptTimeout"] = "00:00:30",
            ["Amsha:Llm:Resilience:CircuitBreakerBreakDuration"] = "5",
            ["Amsha:Llm:CaptureMessageContent"] = "true",
        });

        var useCase = session.Llm.Resolve("CREATIVE");
        Assert.Equal("OpenAI", useCase.Provider);
        Assert.Equal("gpt-x", useCase.Model);
        var options = useCase.CreateChatOptions();
        Assert.Equal(0.9f, options.Temperature);
        Assert.Equal(0.5f, options.TopP);
        Assert.Equal(256, options.MaxOutputTokens);
        Assert.Equal(0.1f, options.PresencePenalty);
        Assert.Equal(-0.1f, options.FrequencyPenalty);
        Assert.Equal(new[] { "END", "STOP" }, options.StopSequences);
        Assert.Equal(4, session.Options.Llm.Resilience.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), session.Options.Llm.Resilience.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), session.Options.Llm.Resilience.CircuitBreakerBreakDuration);
        Assert.True(session.Options.Llm.CaptureMessageContent);
        Assert.Equal("Offline", session.Llm.Resolve("creative", "small").Provider);
        Assert.DoesNotContain("sk-secret-value", useCase.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_configuration_fails_at_startup_naming_every_bad_key()
    {
        var failure = Assert.Throws<AmshaConfigurationException>(() => Build(new()
        {
            ["Amsha:Llm:UseCases:default:Default"] = "missing",
            ["Amsha:Llm:UseCases:default:Models:main:Provider"] = "Nowhere",
            ["Amsha:Llm:UseCases:default:Models:main:Modle"] = "typo",
            ["Amsha:Llm:UseCases:default:Parameters:Temperature"] = "hot",
            ["Amsha:Llm:UseCases:writer:Models:a:Provider"] = "OpenAI",
            ["Amsha:Llm:UseCases:writer:Models:a:BaseUrl"] = "not a url",
            ["Amsha:Llm:UseCases:writer:Parameters:TopP"] = "3",
            ["Amsha:Llm:UseCases:empty:Default"] = "x",
            ["Amsha:Llm:Resilience:MaxAttempts"] = "many",
        }));

        var message = failure.Message;
        Assert.Contains("Amsha:Llm:UseCases:default:Models:main:Modle is not a known setting", message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:default:Parameters:Temperature is 'hot', which is not a number", message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:Resilience:MaxAttempts is 'many'", message, StringComparison.Ordinal);

        // Binding errors stop before validation; fix them and validation reports the rest.
        var second = Assert.Throws<AmshaConfigurationException>(() => Build(new()
        {
            ["Amsha:Llm:UseCases:default:Default"] = "missing",
            ["Amsha:Llm:UseCases:default:Models:main:Provider"] = "Nowhere",
            ["Amsha:Llm:UseCases:writer:Models:a:Provider"] = "OpenAI",
            ["Amsha:Llm:UseCases:writer:Models:a:BaseUrl"] = "not a url",
            ["Amsha:Llm:UseCases:writer:Parameters:TopP"] = "3",
            ["Amsha:Llm:UseCases:empty:Default"] = "x",
        }));
        Assert.Contains("Amsha:Llm:UseCases:default:Default is 'missing', which is not a key under Amsha:Llm:UseCases:default:Models. Configured keys: main", second.Message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:default:Models:main:Provider is 'Nowhere', which is not registered. Registered providers: Offline, OpenAI", second.Message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:writer:Models:a:Model is missing", second.Message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:writer:Models:a:BaseUrl is 'not a url'", second.Message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:writer:Parameters:TopP is 3; it must be between 0 and 1", second.Message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:empty:Models is empty", second.Message, StringComparison.Ordinal);
        Assert.Contains("Amsha:Llm:UseCases:default:Models:main:Model is missing", second.Message, StringComparison.Ordinal);
        Assert.Equal(7, second.Errors.Count);
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
    public async Task Overrides_change_model_key_model_and_parameters_for_an_execution()
    {
        await using var server = LoopbackChatServer.Start();
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);

        using (LlmOverrides.Use(new LlmOverrides { ModelKey = "alt", Parameters = new LlmParameters { Temperature = 1.5f, MaxCompletionTokens = 33 } }))
        {
            await new ExplainCrew(session).RunAsync(new Question("x"), TestContext.Current.CancellationToken);
        }

        using (LlmOverrides.Use(new LlmOverrides { UseCases = { ["default"] = new LlmOverrides { Model = "forced-model" } } }))
        {
            await new Assistant(session).SummarizeAsync("y", TestContext.Current.CancellationToken);
        }

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
        var session = LlmTestHost.Session(server, model, new Dictionary<string, string?> { ["Amsha:Llm:CaptureMessageContent"] = "true" });
        using var spans = new SpanRecorder();

        await new Assistant(session).SummarizeAsync("the secret plan", TestContext.Current.CancellationToken);

        var chat = spans.Single("chat " + model);
        Assert.Contains("Summarize: the secret plan", (string)chat.GetTagItem("gen_ai.input.messages")!, StringComparison.Ordinal);
        Assert.Contains("Hello from the loopback server.", (string)chat.GetTagItem("gen_ai.output.messages")!, StringComparison.Ordinal);
        Assert.DoesNotContain(LlmTestHost.ApiKey, spans.AllText(), StringComparison.Ordinal);
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
        return new ServiceCollection()
            .AddAmsha(configuration.GetSection("Amsha"), options => options.AddOpenAIProvider())
            .BuildServiceProvider()
            .GetRequiredService<ExecutionSession>();
    }
}
