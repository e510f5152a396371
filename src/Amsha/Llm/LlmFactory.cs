using System;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>A use case resolved to a client and the options its calls start from.</summary>
/// <param name="Name">The use case name.</param>
/// <param name="Client">The chat client.</param>
/// <param name="Provider">The provider name, for telemetry.</param>
/// <param name="Model">The model id, if known.</param>
/// <param name="Parameters">The configured call parameters.</param>
internal sealed record LlmUseCase(string Name, IChatClient Client, string Provider, string? Model, LlmParameterOptions Parameters)
{
    /// <summary>
    /// A fresh <see cref="ChatOptions"/> carrying the use case's model and parameters; null when a request would carry
    /// neither (the client's own model, no parameter set), as a direct call of the client passes none.
    /// </summary>
    public ChatOptions? CreateChatOptions()
    {
        var namesModel = Model is not null && !ModelIsClientDefault;
        if (!namesModel && Parameters.IsEmpty)
        {
            return null;
        }

        var options = new ChatOptions { ModelId = Model };
        Parameters.ApplyTo(options);
        return options;
    }

    /// <summary>
    /// Whether <see cref="Model"/> is what the client answers with anyway (its metadata's default model): a request then
    /// need not name it, and still reports it in telemetry and events.
    /// </summary>
    internal bool ModelIsClientDefault { get; init; }

    /// <summary>The configured API key, kept out of ToString, telemetry, events and messages (they are scrubbed of it).</summary>
    internal string? ApiKey { get; init; }

    /// <summary>Whether structured outputs in the strict subset are asked for with <c>strict</c> (<see cref="LlmUseCaseOptions.StrictOutputs"/>, else the provider's default).</summary>
    internal bool StrictOutputs { get; init; }

    /// <summary>The configured endpoint, if any (telemetry's <c>server.address</c>/<c>server.port</c>).</summary>
    internal string? BaseUrl { get; init; }

    private LlmEndpoint? _endpoint;

    /// <summary>Provider name and server for telemetry, worked out on first use.</summary>
    internal LlmEndpoint Endpoint => _endpoint ??= LlmEndpoint.Describe(Provider, BaseUrl, Client);

    private LlmCircuitBreaker? _breaker;

    /// <summary>
    /// The use case's circuit breaker in <paramref name="pipelines"/> (its factory's), kept here after the first call:
    /// a call finds it without looking its name up again. Every model of a use case shares the one breaker.
    /// </summary>
    internal LlmCircuitBreaker BreakerIn(LlmPipelines pipelines) => _breaker ??= pipelines.Breaker(Name);
}

/// <summary>Resolves named LLM use cases (<c>default</c>, <c>creative</c>, …) to chat clients.</summary>
public sealed class LlmFactory
{
    private readonly LlmOptions _options;
    private readonly ConcurrentDictionary<string, LlmUseCase> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<IChatClient> _embeddedDefault = new(() => new OfflineChatClient());

    /// <summary>Creates a factory over <paramref name="options"/>.</summary>
    /// <param name="options">The use cases, providers and clients.</param>
    /// <param name="timeProvider">The clock of retry delays and timeouts; the system clock when null.</param>
    public LlmFactory(LlmOptions options, TimeProvider? timeProvider = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        TimeProvider = timeProvider ?? TimeProvider.System;
        Pipelines = new LlmPipelines(options, TimeProvider);
    }

    internal LlmOptions Options => _options;

    internal TimeProvider TimeProvider { get; }

    /// <summary>The resilience pipelines of this factory's use cases (circuit breakers live here).</summary>
    internal LlmPipelines Pipelines { get; }

    /// <summary>The chat client of <paramref name="useCase"/>.</summary>
    public IChatClient GetChatClient(string useCase) => Resolve(useCase).Client;

    /// <summary>
    /// The use cases of this factory, sorted: the configured ones, those with a registered client, and
    /// <c>default</c> (the use case of agents that name none) when a call to it finds a client.
    /// </summary>
    public IReadOnlyList<string> UseCaseNames
    {
        get
        {
            var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            names.UnionWith(_options.UseCases.Keys);
            names.UnionWith(_options.Clients.Keys);
            if (IsUseCase(LlmUseCases.Default))
            {
                names.Add(LlmUseCases.Default);
            }

            return new List<string>(names);
        }
    }

    /// <summary>
    /// The state of <paramref name="useCase"/>'s circuit breaker: <see cref="LlmCircuitState.Open"/> while calls fail
    /// fast after too many provider faults. <see cref="LlmCircuitState.Closed"/> before the use case's first call.
    /// </summary>
    /// <param name="useCase">The use case's name (case-insensitive).</param>
    public LlmCircuitState GetCircuitState(string useCase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(useCase);
        return Pipelines.CircuitState(useCase);
    }

    /// <summary>Resolves <paramref name="useCase"/>; the result is cached for the factory's lifetime.</summary>
    /// <exception cref="ArgumentException">The use case is neither registered nor configured while others are.</exception>
    /// <exception cref="InvalidOperationException">The use case's configuration is incomplete.</exception>
    /// <summary>Whether a call to <paramref name="useCase"/> finds a client: configured, registered, or answered by a default.</summary>
    internal bool IsUseCase(string useCase) =>
        _options.UseCases.ContainsKey(useCase)
        || _options.Clients.ContainsKey(useCase)
        || _options.DefaultClient is not null
        || (_options.UseCases.Count == 0 && _options.Clients.Count == 0);

    internal LlmUseCase Resolve(string useCase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(useCase);

        // TryGetValue first: GetOrAdd with the method group would allocate a delegate on every call.
        return _resolved.TryGetValue(useCase, out var resolved) ? resolved : _resolved.GetOrAdd(useCase, ResolveUncached);
    }

    /// <summary>Resolves <paramref name="useCase"/> with its model <paramref name="modelKey"/> instead of the default one.</summary>
    /// <exception cref="InvalidOperationException">The use case has no model of that key.</exception>
    internal LlmUseCase Resolve(string useCase, string modelKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(useCase);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelKey);
        return _resolved.GetOrAdd(useCase + "\u0000" + modelKey, _ =>
        {
            if (!_options.UseCases.TryGetValue(useCase, out var configured) || !configured.Models.ContainsKey(modelKey))
            {
                var keys = configured is null ? "(the use case is not configured)" : string.Join(", ", configured.Models.Keys);
                throw new InvalidOperationException($"LLM override names model key '{modelKey}' of use case '{useCase}', which is not under Amsha:Llm:UseCases:{useCase}:Models. Configured keys: {keys}.");
            }

            return ResolveUncached(useCase, modelKey);
        });
    }

    private LlmUseCase ResolveUncached(string useCase) => ResolveUncached(useCase, null);

    private LlmUseCase ResolveUncached(string useCase, string? modelKeyOverride)
    {
        _options.UseCases.TryGetValue(useCase, out var configured);
        var parameters = configured?.Parameters ?? new LlmParameterOptions();

        var strict = configured?.StrictOutputs;
        if (modelKeyOverride is null && _options.Clients.TryGetValue(useCase, out var registered))
        {
            var provider = ProviderOf(registered);
            return new LlmUseCase(useCase, registered, provider, MetadataModel(registered), parameters) { StrictOutputs = strict ?? IsOpenAICompatible(provider), ModelIsClientDefault = true };
        }

        if (configured is null)
        {
            if (_options.DefaultClient is { } fallback)
            {
                var provider = ProviderOf(fallback);
                return new LlmUseCase(useCase, fallback, provider, MetadataModel(fallback), parameters) { StrictOutputs = IsOpenAICompatible(provider), ModelIsClientDefault = true };
            }

            if (_options.UseCases.Count == 0 && _options.Clients.Count == 0)
            {
                var offline = _embeddedDefault.Value;
                return new LlmUseCase(useCase, offline, OfflineChatClient.ProviderName, MetadataModel(offline), parameters) { ModelIsClientDefault = true };
            }

            var known = string.Join(", ", _options.UseCases.Keys.Concat(_options.Clients.Keys).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
            throw new ArgumentException($"LLM use case '{useCase}' is not configured. Configured use cases: {known}. Add it under Amsha:Llm:UseCases:{useCase} or register a client for it.", nameof(useCase));
        }

        var modelKey = modelKeyOverride ?? configured.Default ?? (configured.Models.Count == 1 ? configured.Models.Keys.First() : null);
        if (modelKey is null || !configured.Models.TryGetValue(modelKey, out var model))
        {
            throw new InvalidOperationException($"Amsha:Llm:UseCases:{useCase}:Default names model key '{modelKey ?? "(none)"}', which is not under Amsha:Llm:UseCases:{useCase}:Models.");
        }

        var providerName = model.Provider ?? OfflineChatClient.ProviderName;
        if (!_options.Providers.TryGetValue(providerName, out var create))
        {
            var providers = string.Join(", ", _options.Providers.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
            throw new InvalidOperationException($"Amsha:Llm:UseCases:{useCase}:Models:{modelKey}:Provider is '{providerName}', which is not registered. Registered providers: {providers}.");
        }

        return new LlmUseCase(useCase, create(model), providerName, model.Model, parameters)
        {
            ApiKey = model.ApiKey,
            BaseUrl = model.BaseUrl,
            StrictOutputs = strict ?? IsOpenAICompatible(providerName),
        };
    }

    /// <summary>
    /// Whether a provider speaks OpenAI's chat-completions protocol through Microsoft.Extensions.AI.OpenAI, which sends
    /// <c>strict</c>: the <c>OpenAI</c> and <c>AzureOpenAI</c> providers, and clients whose metadata names OpenAI.
    /// </summary>
    internal static bool IsOpenAICompatible(string provider) =>
        provider.Equals("openai", StringComparison.OrdinalIgnoreCase)
        || provider.Equals("azureopenai", StringComparison.OrdinalIgnoreCase)
        || provider.Equals("azure.ai.openai", StringComparison.OrdinalIgnoreCase);

    private static string ProviderOf(IChatClient client) =>
        client.GetService<ChatClientMetadata>()?.ProviderName ?? client.GetType().Name;

    private static string? MetadataModel(IChatClient client) =>
        client.GetService<ChatClientMetadata>()?.DefaultModelId;
}
