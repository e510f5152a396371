using System.IO;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Amsha;

/// <summary>
/// Python Amsha's <c>llm_config.yaml</c> as a configuration source: its use cases, models and parameters become the
/// <c>Amsha:Llm:UseCases</c> keys that <see cref="LlmOptions"/> are bound from. Add it with
/// <c>AddAmshaLlmConfigYaml("llm_config.yaml")</c>.
/// </summary>
/// <remarks>
/// <para>Mapping: <c>llm.&lt;use case&gt;.default</c> → <c>Amsha:Llm:UseCases:&lt;use case&gt;:Default</c>;
/// <c>llm.&lt;use case&gt;.models.&lt;key&gt;.</c><c>model</c>/<c>base_url</c>/<c>api_key</c>/<c>api_version</c>/<c>provider</c> →
/// <c>…:Models:&lt;key&gt;:Model</c>/<c>BaseUrl</c>/<c>ApiKey</c>/<c>ApiVersion</c>/<c>Provider</c>;
/// <c>llm_parameters.&lt;use case&gt;.</c><c>temperature</c>/<c>top_p</c>/<c>max_completion_tokens</c>/<c>presence_penalty</c>/<c>frequency_penalty</c>/<c>stop</c> →
/// <c>…:Parameters:Temperature</c>/<c>TopP</c>/<c>MaxCompletionTokens</c>/<c>PresencePenalty</c>/<c>FrequencyPenalty</c>/<c>Stop:0…</c>.
/// Parameters not written are not sent (Python Amsha filled in its own defaults, e.g. temperature 0).</para>
/// <para>Values may use <c>${NAME}</c> (the environment variable; unset is an error naming it and the line) and
/// <c>${NAME:-fallback}</c> (the fallback when unset or empty); <c>$${</c> is a literal <c>${</c>. An empty value is the
/// same as a missing one.</para>
/// <para>Unknown keys, malformed YAML and values of the wrong shape fail loading with a <see cref="System.FormatException"/>
/// naming the file, line and column (wrapped by the configuration system in an <see cref="InvalidDataException"/>).
/// Python Amsha's model keys for its own tooling (<c>output_config</c>, <c>lmstudio_lifecycle</c>, <c>capabilities</c>) are
/// accepted and ignored.</para>
/// </remarks>
public sealed class LlmConfigYamlSource : FileConfigurationSource
{
    /// <summary>
    /// The provider of models that name none with a <c>provider</c> key: <c>OpenAI</c> by default (package
    /// <c>Amsha.OpenAI</c>), because Python Amsha's models are OpenAI-compatible endpoints reached through LiteLLM. Set it to
    /// null to leave <c>Provider</c> unset, which means the built-in offline client.
    /// </summary>
    public string? DefaultProvider { get; set; } = "OpenAI";

    /// <inheritdoc/>
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new LlmConfigYamlProvider(this);
    }
}

/// <summary>Loads an <see cref="LlmConfigYamlSource"/>'s file.</summary>
internal sealed class LlmConfigYamlProvider : FileConfigurationProvider
{
    public LlmConfigYamlProvider(LlmConfigYamlSource source)
        : base(source)
    {
    }

    public override void Load(Stream stream)
    {
        var source = (LlmConfigYamlSource)Source;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: -1, leaveOpen: true);
        Data = LlmConfigYamlParser.Parse(reader, source.Path ?? "llm_config.yaml", source.DefaultProvider, System.Environment.GetEnvironmentVariable);
    }
}
