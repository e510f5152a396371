using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>Options of an <see cref="ExecutionSession"/>; bindable from the <c>Amsha</c> configuration section.</summary>
public sealed class AmshaOptions
{
    /// <summary>The LLM use cases and providers.</summary>
    public LlmOptions Llm { get; set; } = new();

    /// <summary>Where background executions are checkpointed; a <see cref="FileExecutionStore"/> in its default directory when null.</summary>
    public IExecutionStore? Store { get; set; }
    /// <summary>
    /// Whether logs and telemetry may carry prompt and completion text (and error messages that
    /// may quote it). Off by default; API keys are never recorded either way.
    /// </summary>
    /// <remarks>The same switch as <see cref="LlmOptions.CaptureMessageContent"/> (configuration key <c>Amsha:Llm:CaptureMessageContent</c>).</remarks>
    public bool CaptureMessageContent
    {
        get => Llm.CaptureMessageContent;
        set => Llm.CaptureMessageContent = value;
    }

    /// <summary>Events each observer may have waiting before further ones are dropped for it (default 4096).</summary>
    public int ObserverBufferCapacity { get; set; } = 4096;
}

/// <summary>
/// The LLM factory's configuration (<c>Amsha:Llm</c>): named use cases, each with a default
/// model key, a map of models and call parameters.
/// </summary>
/// <remarks>
/// With no use case configured and no client registered, every use case resolves to the
/// built-in <see cref="OfflineChatClient"/>, so crews run without any configuration.
/// </remarks>
public sealed class LlmOptions
{
    /// <summary>Use cases by name (case-insensitive).</summary>
    public Dictionary<string, LlmUseCaseOptions> UseCases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Chat client factories by provider name (case-insensitive). <c>Offline</c> is built in.</summary>
    public Dictionary<string, Func<LlmModelOptions, IChatClient>> Providers { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [OfflineChatClient.ProviderName] = static model => new OfflineChatClient(new OfflineChatClientOptions { ModelId = model.Model ?? OfflineChatClientOptions.DefaultModelId }),
    };

    /// <summary>Chat clients registered in code, by use case (case-insensitive); they take precedence over configured models.</summary>
    public Dictionary<string, IChatClient> Clients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Routes the use case <paramref name="useCase"/> to <paramref name="client"/>.</summary>
    public LlmOptions UseChatClient(string useCase, IChatClient client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(useCase);
        ArgumentNullException.ThrowIfNull(client);
        Clients[useCase] = client;
        return this;
    }

    /// <summary>Routes every use case without its own client or configuration to <paramref name="client"/>.</summary>
    public LlmOptions UseDefaultChatClient(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        DefaultClient = client;
        return this;
    }

    /// <summary>The client for use cases that have neither a client nor a configuration of their own.</summary>
    public IChatClient? DefaultClient { get; set; }

    /// <summary>Retries, timeouts and circuit breakers of the LLM call path (<c>Amsha:Llm:Resilience</c>).</summary>
    public LlmResilienceOptions Resilience { get; set; } = new();

    /// <summary>
    /// Records prompts and completions in telemetry (<c>gen_ai.input.messages</c>/<c>gen_ai.output.messages</c>).
    /// Off by default; the environment variable <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true</c> turns it on too.
    /// </summary>
    public bool CaptureMessageContent { get; set; }
}

/// <summary>One named use case (<c>Amsha:Llm:UseCases:&lt;name&gt;</c>).</summary>
public sealed class LlmUseCaseOptions
{
    /// <summary>The key in <see cref="Models"/> used by default.</summary>
    public string? Default { get; set; }

    /// <summary>The models this use case may use, by key.</summary>
    public Dictionary<string, LlmModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Call parameters.</summary>
    public LlmParameters Parameters { get; set; } = new();
}

/// <summary>A model and how to reach it.</summary>
public sealed class LlmModelOptions
{
    /// <summary>The provider name, e.g. <c>Offline</c> or <c>OpenAI</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>The model id sent to the provider.</summary>
    public string? Model { get; set; }

    /// <summary>The endpoint, for self-hosted or compatible servers.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The API key. Never logged or traced.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API version, where the provider has one.</summary>
    public string? ApiVersion { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Provider}/{Model}";
}

/// <summary>Call parameters of a use case.</summary>
public sealed class LlmParameters
{
    /// <summary>Sampling temperature.</summary>
    public float? Temperature { get; set; }

    /// <summary>Nucleus sampling mass.</summary>
    public float? TopP { get; set; }

    /// <summary>Upper bound of generated tokens.</summary>
    public int? MaxCompletionTokens { get; set; }

    /// <summary>Presence penalty.</summary>
    public float? PresencePenalty { get; set; }

    /// <summary>Frequency penalty.</summary>
    public float? FrequencyPenalty { get; set; }

    /// <summary>Stop sequences.</summary>
    public List<string> Stop { get; set; } = new();

    /// <summary>Sets the parameters that have a value on <paramref name="options"/>, keeping its other values.</summary>
    internal void ApplyTo(ChatOptions options)
    {
        options.Temperature = Temperature ?? options.Temperature;
        options.TopP = TopP ?? options.TopP;
        options.MaxOutputTokens = MaxCompletionTokens ?? options.MaxOutputTokens;
        options.PresencePenalty = PresencePenalty ?? options.PresencePenalty;
        options.FrequencyPenalty = FrequencyPenalty ?? options.FrequencyPenalty;
        if (Stop.Count > 0)
        {
            options.StopSequences = new List<string>(Stop);
        }
    }
}
