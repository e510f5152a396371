using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha.OpenAI;
using Amsha.TestKit.Loopback;
using Amsha.Tests.DependencyInjection;
using Amsha.Tests.LlmCalls;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Amsha.Tests.Definitions;

public sealed class LlmConfigYamlTests
{
    private readonly string _directory = TestSessions.TempDirectory();
    private readonly string _variable = "AMSHA_TEST_KEY_" + Guid.NewGuid().ToString("N");

    // Python Amsha's llm_config.yaml, as its users write it.
    private string PythonConfig => $$"""
        llm:
          creative:
            default: gpt-4o
            models:
              gpt-4o:
                model: gpt-4o
                base_url: https://api.openai.com/v1
                api_key: ${{{_variable}}}
                api_version: 2024-02-01
              local:
                model: lm_studio/phi-4
                base_url: "http://localhost:1234/v1"
                api_key: ""
                output_config:
                  alias: "phi-4"
                  structure: "folder"
          evaluation:
            default: local
            models:
              local: { model: llama3, base_url: http://localhost:11434/v1, api_key: none, provider: Offline }
        llm_parameters:
          creative: { temperature: 0.9, top_p: 0.95, max_completion_tokens: 2000, presence_penalty: 0.1, frequency_penalty: -0.1, stop: ["END", "###"] }
          evaluation: { temperature: 0.0 }
        """;

    [Fact]
    public void Every_key_maps_onto_the_options_AddAmsha_binds()
    {
        Environment.SetEnvironmentVariable(_variable, "sk-from-the-environment");
        var configuration = Configuration(PythonConfig);

        var options = Options(configuration, openAI: true);

        var creative = options.Llm.UseCases["creative"];
        Assert.Equal("gpt-4o", creative.Default);
        var gpt = creative.Models["gpt-4o"];
        Assert.Equal("OpenAI", gpt.Provider);
        Assert.Equal("gpt-4o", gpt.Model);
        Assert.Equal("https://api.openai.com/v1", gpt.BaseUrl);
        Assert.Equal("sk-from-the-environment", gpt.ApiKey);
        Assert.Equal("2024-02-01", gpt.ApiVersion);
        var local = creative.Models["local"];
        Assert.Equal("lm_studio/phi-4", local.Model);
        Assert.Null(local.ApiKey); // empty is the same as missing
        Assert.Equal(0.9f, creative.Parameters.Temperature);
        Assert.Equal(0.95f, creative.Parameters.TopP);
        Assert.Equal(2000, creative.Parameters.MaxCompletionTokens);
        Assert.Equal(0.1f, creative.Parameters.PresencePenalty);
        Assert.Equal(-0.1f, creative.Parameters.FrequencyPenalty);
        Assert.Equal(new[] { "END", "###" }, creative.Parameters.Stop);

        var evaluation = options.Llm.UseCases["evaluation"];
        Assert.Equal("local", evaluation.Default);
        Assert.Equal("Offline", evaluation.Models["local"].Provider);
        Assert.Equal("llama3", evaluation.Models["local"].Model);
        Assert.Equal("none", evaluation.Models["local"].ApiKey);
        Assert.Equal(0f, evaluation.Parameters.Temperature);
        Assert.Null(evaluation.Parameters.TopP);
        Assert.Empty(evaluation.Parameters.Stop);

        // The keys are the documented Amsha:Llm keys, nothing else.
        Assert.Equal("gpt-4o", configuration["Amsha:Llm:UseCases:creative:Default"]);
        Assert.Equal("2024-02-01", configuration["Amsha:Llm:UseCases:creative:Models:gpt-4o:ApiVersion"]);
        Assert.Equal("###", configuration["Amsha:Llm:UseCases:creative:Parameters:Stop:1"]);
        Assert.Equal(new[] { "Amsha" }, configuration.GetChildren().Select(c => c.Key));
        Assert.Equal(new[] { "UseCases" }, configuration.GetSection("Amsha:Llm").GetChildren().Select(c => c.Key));
    }

    [Fact]
    public void Models_without_a_provider_need_the_OpenAI_provider_unless_the_default_is_changed()
    {
        Environment.SetEnvironmentVariable(_variable, "sk-x");

        var failure = Assert.Throws<OptionsValidationException>(() => Options(Configuration(PythonConfig), openAI: false));
        Assert.Contains(failure.Failures, f => f.StartsWith("Amsha:Llm:UseCases:creative:Models:gpt-4o:Provider is 'OpenAI', which is not registered", StringComparison.Ordinal));

        var path = Write(PythonConfig);
        var offline = new ConfigurationBuilder().AddAmshaLlmConfigYaml(source =>
        {
            source.Path = path;
            source.DefaultProvider = null;
            source.ResolveFileProvider();
        }).Build();
        var options = Options(offline, openAI: false);
        Assert.Null(options.Llm.UseCases["creative"].Models["gpt-4o"].Provider);
        Assert.Equal("Offline", options.Llm.UseCases["evaluation"].Models["local"].Provider);
    }

    [Fact]
    public void Environment_references_expand_with_fallbacks_and_escapes()
    {
        Environment.SetEnvironmentVariable(_variable, "value");
        var configuration = Configuration($$"""
            llm:
              default:
                models:
                  main:
                    provider: Offline
                    model: "${{{_variable}}}-model"
                    base_url: ${UNSET_{{_variable}}:-http://localhost:8080/v1}
                    api_key: "$${NOT_EXPANDED} costs $5 and ${{{_variable}}}${{{_variable}}}"
            """);

        Assert.Equal("value-model", configuration["Amsha:Llm:UseCases:default:Models:main:Model"]);
        Assert.Equal("http://localhost:8080/v1", configuration["Amsha:Llm:UseCases:default:Models:main:BaseUrl"]);
        Assert.Equal("${NOT_EXPANDED} costs $5 and valuevalue", configuration["Amsha:Llm:UseCases:default:Models:main:ApiKey"]);
    }

    [Fact]
    public void An_unset_variable_without_fallback_names_the_variable_and_line()
    {
        var message = LoadError($$"""
            llm:
              creative:
                models:
                  main:
                    model: gpt-4o
                    api_key: ${{{_variable}}}
            """);

        Assert.Equal($"llm_config.yaml(6,18): llm.creative.models.main.api_key uses the environment variable {_variable}, which is not set. Set it, or give a fallback: ${{{_variable}:-value}}.", message);
    }

    [Theory]
    [InlineData("llm:\n  creative:\n    default: [unclosed\n  evaluation: x\n", "llm_config.yaml(3,14)", "The file is not valid YAML: it cannot be read past here. Check for an unclosed '[', '{' or quote.")]
    [InlineData("llm:\n  creative:\n    default: a\n    default: b\n", "llm_config.yaml(4,5)", "The file is not valid YAML: Duplicate key")]
    [InlineData("llm:\n  - creative\n  evaluation: {}\n", "llm_config.yaml(3,3)", "The file is not valid YAML: While parsing a block collection, did not find expected '-' indicator.")]
    [InlineData("llm:\n  creative: \"unterminated\n", "llm_config.yaml(2,13)", "The file is not valid YAML: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("llm:\n\tcreative: {}\n", "llm_config.yaml(", "found invalid tab as indentation")]
    public void Malformed_yaml_fails_naming_the_line(string yaml, string position, string message)
    {
        var error = LoadError(yaml);

        Assert.StartsWith(position, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidFiles => new()
    {
        {
            "llm:\n  creative:\n    models:\n      main:\n        modle: gpt-4o\n",
            "llm_config.yaml(5,9): 'modle' is not a key of a model (llm.creative.models.main). The keys are model, base_url, api_key, api_version, provider; Python Amsha's output_config, lmstudio_lifecycle, capabilities are accepted and ignored."
        },
        {
            "llm:\n  creative:\n    defualt: main\n",
            "llm_config.yaml(3,5): 'defualt' is not a key of a use case (llm.creative). The keys are default, models."
        },
        {
            "llm: {}\nllm_settings: {}\n",
            "llm_config.yaml(2,1): 'llm_settings' is not a key of llm_config.yaml. The keys are llm, llm_parameters."
        },
        {
            "llm_parameters:\n  creative:\n    temprature: 0.5\n",
            "llm_config.yaml(3,5): 'temprature' is not a key of llm_parameters (llm_parameters.creative). The keys are temperature, top_p, max_completion_tokens, presence_penalty, frequency_penalty, stop."
        },
        {
            "llm_parameters:\n  creative:\n    temperature: hot\n",
            "llm_config.yaml(3,18): llm_parameters.creative.temperature is 'hot'; it must be a number."
        },
        {
            "llm_parameters:\n  creative:\n    max_completion_tokens: 1.5\n",
            "llm_config.yaml(3,28): llm_parameters.creative.max_completion_tokens is '1.5'; it must be a whole number."
        },
        {
            "llm:\n  creative:\n    models: [gpt-4o]\n",
            "llm_config.yaml(3,13): llm.creative.models must be a mapping of keys to values, but it is a list."
        },
        {
            "llm:\n  creative:\n    models:\n      main:\n        model: { name: gpt-4o }\n",
            "llm_config.yaml(5,16): llm.creative.models.main.model must be a single value, but it is a mapping."
        },
        {
            "llm:\n  creative: {}\n  Creative: {}\n",
            "llm_config.yaml(3,3): The use case 'Creative' in llm repeats the one at line 2; names match ignoring case."
        },
        {
            "llm:\n  'a:b': {}\n",
            "llm_config.yaml(2,3): The use case 'a:b' in llm is not a valid name: it may not contain ':' or start or end with white space."
        },
        {
            "llm:\n  creative:\n    models:\n      main:\n        api_key: ${NOT A NAME}\n",
            "llm_config.yaml(5,18): llm.creative.models.main.api_key refers to '${NOT A NAME}'; an environment variable name is letters, digits and underscores, not starting with a digit."
        },
        {
            "llm:\n  creative:\n    models:\n      main:\n        api_key: ${OPEN\n",
            "llm_config.yaml(5,18): llm.creative.models.main.api_key has '${' without a closing '}'. Write ${NAME}, ${NAME:-fallback}, or $${ for a literal '${'."
        },
        {
            "--- { llm: {} }\n--- { llm: {} }\n",
            "llm_config.yaml(2,5): The file holds several YAML documents; an llm_config.yaml is one."
        },
        {
            "- llm\n",
            "llm_config.yaml(1,1): the file must be a mapping of keys to values, but it is a list."
        },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Unknown_keys_and_values_of_the_wrong_shape_fail_naming_key_and_line(string yaml, string message)
    {
        Assert.Equal(message, LoadError(yaml));
    }

    [Fact]
    public void A_single_stop_sequence_may_be_written_without_brackets_and_empty_files_add_nothing()
    {
        var configuration = Configuration("llm_parameters:\n  creative:\n    stop: THE END\n    top_p: ~\n");

        Assert.Equal("THE END", configuration["Amsha:Llm:UseCases:creative:Parameters:Stop:0"]);
        Assert.Null(configuration["Amsha:Llm:UseCases:creative:Parameters:TopP"]);
        Assert.Empty(Configuration("# nothing yet\n").AsEnumerable());
    }

    [Fact]
    public void A_missing_file_is_an_error_unless_optional()
    {
        var path = Path.Combine(_directory, "absent.yaml");

        Assert.Throws<FileNotFoundException>(() => new ConfigurationBuilder().AddAmshaLlmConfigYaml(path).Build());
        Assert.Empty(new ConfigurationBuilder().AddAmshaLlmConfigYaml(path, optional: true).Build().AsEnumerable());
    }

    [Fact]
    public void Later_sources_override_the_file_as_with_any_configuration()
    {
        Environment.SetEnvironmentVariable(_variable, "sk-x");
        var configuration = new ConfigurationBuilder()
            .AddAmshaLlmConfigYaml(Write(PythonConfig))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Amsha:Llm:UseCases:creative:Default"] = "local" })
            .Build();

        Assert.Equal("local", Options(configuration, openAI: true).Llm.UseCases["creative"].Default);
    }

    [Fact]
    public async Task A_session_built_from_it_answers_on_the_offline_model()
    {
        var configuration = Configuration("""
            llm:
              creative:
                default: quick
                models:
                  quick: { model: offline-creative, provider: Offline }
              evaluation:
                models:
                  only: { model: offline-judge, provider: offline }
            llm_parameters:
              creative: { temperature: 0.7 }
            """);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAmsha().AddAmshaCrews();
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ExecutionSession>();

        var answer = await session.Llm.GetChatClient("creative").GetResponseAsync("Say hello", new ChatOptions { ModelId = "offline-creative" }, TestContext.Current.CancellationToken);
        var result = await provider.GetRequiredService<GuideCrew>().RunAsync(new GuideRequest("YAML")).WaitAsync(TestCrews.Timeout);

        Assert.IsType<OfflineChatClient>(session.Llm.GetChatClient("evaluation"));
        Assert.Equal("offline-creative", answer.ModelId);
        Assert.False(string.IsNullOrWhiteSpace(answer.Text));
        Assert.Equal("offline-judge", session.Llm.Resolve("evaluation").Model);
        Assert.Equal(0.7f, session.Llm.Resolve("creative").CreateChatOptions()!.Temperature);
        Assert.Equal("GuideCrew", result.CrewName);
        Assert.Equal(2, result.TaskOutputs.Count);
        Assert.False(string.IsNullOrWhiteSpace(result.Output));
    }

    [Fact]
    public async Task Calls_reach_an_OpenAI_compatible_server_with_the_configured_model_key_and_parameters()
    {
        await using var server = LoopbackChatServer.Start();
        Environment.SetEnvironmentVariable(_variable, "sk-yaml-SECRET-42");
        var configuration = Configuration($$"""
            llm:
              default:
                default: local
                models:
                  local:
                    model: llama3
                    base_url: {{server.BaseUrl}}
                    api_key: ${{{_variable}}}
            llm_parameters:
              default: { temperature: 0.25, top_p: 0.5, max_completion_tokens: 64, presence_penalty: 0.5, frequency_penalty: 0.25, stop: ["END"] }
            """);
        var services = new ServiceCollection();
        services.AddAmsha(configuration.GetSection("Amsha")).AddOpenAIProvider();
        await using var provider = services.BuildServiceProvider();

        await new Assistant(provider.GetRequiredService<ExecutionSession>()).SummarizeAsync("text", TestContext.Current.CancellationToken);

        // Every request carries the same (a retry after a timeout on a very busy machine included).
        var request = server.Requests.First();
        Assert.All(server.Requests, r => Assert.Equal(request.Body, r.Body));
        Assert.Contains("\"model\":\"llama3\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"temperature\":0.25", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"top_p\":0.5", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"max_completion_tokens\":64", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"presence_penalty\":0.5", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"frequency_penalty\":0.25", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"stop\":[\"END\"]", request.Body, StringComparison.Ordinal);
        Assert.Equal("Bearer sk-yaml-SECRET-42", request.Headers.First(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_directory, "llm_config.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private IConfigurationRoot Configuration(string yaml) => new ConfigurationBuilder().AddAmshaLlmConfigYaml(Write(yaml)).Build();

    /// <summary>The inner message of the load failure (the configuration system wraps it, naming the file's full path).</summary>
    private string LoadError(string yaml)
    {
        var path = Write(yaml);
        var error = Assert.Throws<InvalidDataException>(() => new ConfigurationBuilder().AddAmshaLlmConfigYaml(path).Build());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        return Assert.IsType<FormatException>(error.InnerException).Message;
    }

    private static AmshaOptions Options(IConfiguration configuration, bool openAI)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        var amsha = services.AddAmsha();
        if (openAI)
        {
            amsha.AddOpenAIProvider();
        }

        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AmshaOptions>>().Value;
    }
}
