using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// Options of an <see cref="ExecutionSession"/>, bound from the <c>Amsha</c> configuration section by
/// <c>services.AddAmsha()</c>. Chat clients and providers are registered in code with the methods of
/// <see cref="LlmOptions"/>; they are not configuration.
/// </summary>
public sealed class AmshaOptions
{
    /// <summary>The environment variable of the OpenTelemetry GenAI conventions that turns content capture on.</summary>
    public const string CaptureMessageContentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    /// <summary>The LLM use cases and the resilience of calls to them (<c>Amsha:Llm</c>).</summary>
    public LlmOptions Llm { get; set; } = new();

    /// <summary>
    /// Whether logs and telemetry may carry prompt and completion text (and error messages that may quote
    /// it); <c>Amsha:CaptureMessageContent</c>. Defaults to the OpenTelemetry switch
    /// <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true</c>, else off. API keys are never recorded either way.
    /// </summary>
    public bool CaptureMessageContent { get; set; } =
        string.Equals(Environment.GetEnvironmentVariable(CaptureMessageContentVariable), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Events each observer may have waiting before further ones are dropped for it (default 4096).</summary>
    public int ObserverBufferCapacity { get; set; } = 4096;
}

/// <summary>
/// The LLM factory's options (<c>Amsha:Llm</c>): named use cases, each with a default model key, a map of
/// models and call parameters; the resilience of calls; and chat clients registered in code.
/// </summary>
/// <remarks>
/// With no use case configured and no client registered, every use case resolves to the
/// built-in <see cref="OfflineChatClient"/>, so crews run without any configuration.
/// </remarks>
public sealed class LlmOptions
{
    // Fields, not properties: what code registers is not configuration, and the binder binds properties only.
    internal readonly Dictionary<string, IChatClient> Clients = new(StringComparer.OrdinalIgnoreCase);
    internal readonly Dictionary<string, Func<LlmModelOptions, IChatClient>> Providers = new(StringComparer.OrdinalIgnoreCase)
    {
        [OfflineChatClient.ProviderName] = static model => new OfflineChatClient(new OfflineChatClientOptions { ModelId = model.Model ?? OfflineChatClientOptions.DefaultModelId }),
    };

    internal IChatClient? DefaultClient;

    /// <summary>Use cases by name (case-insensitive): <c>Amsha:Llm:UseCases:&lt;name&gt;</c>.</summary>
    public Dictionary<string, LlmUseCaseOptions> UseCases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Retries, timeouts and circuit breakers of the LLM call path (<c>Amsha:Llm:Resilience</c>).</summary>
    public LlmResilienceOptions Resilience { get; set; } = new();

    /// <summary>How tasks call tools (<c>Amsha:Llm:Tools</c>).</summary>
    public ToolOptions Tools { get; set; } = new();

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

    /// <summary>
    /// Registers the provider <paramref name="name"/>: configured models whose <c>Provider</c> is that name get
    /// their chat client from <paramref name="createClient"/> (e.g. <c>Amsha.OpenAI</c>'s <c>AddOpenAIProvider()</c>).
    /// </summary>
    public LlmOptions AddProvider(string name, Func<LlmModelOptions, IChatClient> createClient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(createClient);
        Providers[name] = createClient;
        return this;
    }
}

/// <summary>One named use case (<c>Amsha:Llm:UseCases:&lt;name&gt;</c>).</summary>
public sealed class LlmUseCaseOptions
{
    /// <summary>The key in <see cref="Models"/> used by default; may be left out when there is one model.</summary>
    public string? Default { get; set; }

    /// <summary>The models this use case may use, by key.</summary>
    public Dictionary<string, LlmModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Call parameters (<c>…:Parameters</c>).</summary>
    public LlmParameterOptions Parameters { get; set; } = new();

    /// <summary>
    /// Whether structured outputs whose schema is in the strict subset are requested with <c>strict</c>, so the
    /// provider only produces schema-valid JSON (<c>…:StrictOutputs</c>). Unset: on for OpenAI-compatible providers
    /// (the <c>OpenAI</c> provider, and registered clients that report themselves as OpenAI), off for others. Calls that
    /// offer tools are never strict; <c>OutputRepairs</c> stays the safety net either way.
    /// </summary>
    public bool? StrictOutputs { get; set; }
}

/// <summary>A model and how to reach it (<c>…:Models:&lt;key&gt;</c>).</summary>
public sealed class LlmModelOptions
{
    /// <summary>The provider name, e.g. <c>Offline</c> (the default) or <c>OpenAI</c>.</summary>
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

/// <summary>Call parameters of a use case (<c>…:Parameters</c>); a value left unset is not sent.</summary>
public sealed class LlmParameterOptions
{
    /// <summary>Sampling temperature, 0 to 2.</summary>
    public float? Temperature { get; set; }

    /// <summary>Nucleus sampling mass, 0 to 1.</summary>
    public float? TopP { get; set; }

    /// <summary>Upper bound of generated tokens.</summary>
    public int? MaxCompletionTokens { get; set; }

    /// <summary>Presence penalty, -2 to 2.</summary>
    public float? PresencePenalty { get; set; }

    /// <summary>Frequency penalty, -2 to 2.</summary>
    public float? FrequencyPenalty { get; set; }

    /// <summary>Stop sequences.</summary>
    public List<string> Stop { get; set; } = new();

    /// <summary>Whether no parameter has a value: a request carries none of them.</summary>
    internal bool IsEmpty =>
        Temperature is null && TopP is null && MaxCompletionTokens is null && PresencePenalty is null && FrequencyPenalty is null && Stop.Count == 0;

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

/// <summary>
/// Per-execution overrides of model and parameters (<see cref="ExecutionOptions.Llm"/>): the execution's
/// LLM calls use them from start to end, a resumed execution those given to <c>Resume</c>.
/// </summary>
public sealed class LlmOverrideOptions
{
    /// <summary>Another model key of each use case (<c>Amsha:Llm:UseCases:&lt;name&gt;:Models:&lt;key&gt;</c>) to use instead of its default.</summary>
    public string? ModelKey { get; set; }

    /// <summary>A model id sent to the provider instead of the configured one.</summary>
    public string? Model { get; set; }

    /// <summary>Parameters that replace the configured ones; only the values set count.</summary>
    public LlmParameterOptions? Parameters { get; set; }

    /// <summary>Overrides of single use cases, by name (case-insensitive); they take precedence over the members above.</summary>
    public Dictionary<string, LlmOverrideOptions> UseCases { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The overrides for <paramref name="useCase"/>.</summary>
    internal LlmOverrideOptions For(string useCase) => UseCases.TryGetValue(useCase, out var specific) ? specific : this;
}
