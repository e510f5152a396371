using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Amsha.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Amsha;

/// <summary>
/// Checks <see cref="AmshaOptions"/> as a whole (model keys, providers, ranges) and, when it was bound from
/// configuration, that the section holds no unknown keys. Every message names the configuration key.
/// </summary>
internal sealed class AmshaOptionsValidator : IValidateOptions<AmshaOptions>
{
    // "Mcp" belongs to the Amsha.Mcp package and "EventStreams" to Amsha.AspNetCore, which bind and validate them.
    private static readonly string[] s_rootKeys = { nameof(AmshaOptions.Llm), nameof(AmshaOptions.CaptureMessageContent), nameof(AmshaOptions.ObserverBufferCapacity), "Mcp", "EventStreams" };
    private static readonly string[] s_llmKeys = { nameof(LlmOptions.UseCases), nameof(LlmOptions.Resilience), nameof(LlmOptions.Tools) };
    private static readonly string[] s_toolKeys = { nameof(ToolOptions.MaxRounds), nameof(ToolOptions.MaxConcurrentCalls), nameof(ToolOptions.OnToolError), nameof(ToolOptions.AgentSources) };
    private static readonly string[] s_useCaseKeys = { nameof(LlmUseCaseOptions.Default), nameof(LlmUseCaseOptions.Models), nameof(LlmUseCaseOptions.Parameters), nameof(LlmUseCaseOptions.StrictOutputs) };
    private static readonly string[] s_modelKeys = { "Provider", "Model", "BaseUrl", "ApiKey", "ApiVersion" };
    private static readonly string[] s_parameterKeys = { "Temperature", "TopP", "MaxCompletionTokens", "PresencePenalty", "FrequencyPenalty", "Stop" };
    private static readonly string[] s_resilienceKeys =
    {
        "MaxAttempts", "AttemptTimeout", "TotalTimeout", "BaseDelay", "MaxDelay", "UseJitter",
        "CircuitBreakerFailureRatio", "CircuitBreakerMinimumThroughput", "CircuitBreakerSamplingDuration", "CircuitBreakerBreakDuration",
    };

    // Polly's limits for timeouts; a bare number in configuration is read as days, so a "30" meant as seconds lands here.
    private static readonly TimeSpan s_longestTimeout = TimeSpan.FromDays(1);

    private readonly IConfiguration? _section;
    private readonly string _root;

    /// <param name="section">The section the options were bound from, for the unknown-key check; null when built in code.</param>
    /// <param name="root">The configuration path messages name, normally <c>Amsha</c>.</param>
    public AmshaOptionsValidator(IConfiguration? section, string root = "Amsha")
    {
        _section = section;
        _root = root;
    }

    /// <summary>Validates options built in code (no configuration to check for unknown keys).</summary>
    /// <exception cref="OptionsValidationException">Something is wrong; <see cref="OptionsValidationException.Failures"/> lists every problem.</exception>
    public static void ThrowIfInvalid(AmshaOptions options)
    {
        var result = new AmshaOptionsValidator(null).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AmshaOptions), result.Failures);
        }
    }

    public ValidateOptionsResult Validate(string? name, AmshaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (_section is not null)
        {
            UnknownKeys(_section, errors);
        }

        var llm = options.Llm ?? new LlmOptions();
        var providers = string.Join(", ", llm.Providers.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
        foreach (var (useCaseName, useCase) in llm.UseCases)
        {
            var path = $"{_root}:Llm:UseCases:{useCaseName}";
            if (llm.Clients.ContainsKey(useCaseName))
            {
                continue;
            }

            if (useCase.Models.Count == 0)
            {
                errors.Add($"{path}:Models is empty. Add at least one model, e.g. {path}:Models:main:Provider and :Model.");
            }
            else if (useCase.Default is null && useCase.Models.Count > 1)
            {
                errors.Add($"{path}:Default is missing and the use case has several models ({string.Join(", ", useCase.Models.Keys)}). Set it to one of them.");
            }
            else if (useCase.Default is { } key && !useCase.Models.ContainsKey(key))
            {
                errors.Add($"{path}:Default is '{key}', which is not a key under {path}:Models. Configured keys: {string.Join(", ", useCase.Models.Keys)}.");
            }

            foreach (var (key, model) in useCase.Models)
            {
                var modelPath = $"{path}:Models:{key}";
                var provider = model.Provider ?? OfflineChatClient.ProviderName;
                if (!llm.Providers.ContainsKey(provider))
                {
                    errors.Add($"{modelPath}:Provider is '{provider}', which is not registered. Registered providers: {providers}. (Add the provider's package, e.g. Amsha.OpenAI, and register it, e.g. with AddOpenAIProvider().)");
                }

                if (!string.Equals(provider, OfflineChatClient.ProviderName, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(model.Model))
                {
                    errors.Add($"{modelPath}:Model is missing. Name the model id the provider should use.");
                }

                if (model.BaseUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
                {
                    errors.Add($"{modelPath}:BaseUrl is '{url}', which is not an absolute http(s) URL.");
                }
            }

            var p = useCase.Parameters;
            Range(errors, $"{path}:Parameters:Temperature", p.Temperature, 0, 2);
            Range(errors, $"{path}:Parameters:TopP", p.TopP, 0, 1);
            Range(errors, $"{path}:Parameters:PresencePenalty", p.PresencePenalty, -2, 2);
            Range(errors, $"{path}:Parameters:FrequencyPenalty", p.FrequencyPenalty, -2, 2);
            if (p.MaxCompletionTokens is <= 0)
            {
                errors.Add($"{path}:Parameters:MaxCompletionTokens is {p.MaxCompletionTokens}; it must be positive.");
            }
        }

        ValidateResilience(llm.Resilience ?? new LlmResilienceOptions(), $"{_root}:Llm:Resilience", errors);
        var tools = llm.Tools ?? new ToolOptions();
        if (tools.MaxRounds is < 1 or > ToolOptions.MaxRoundsLimit)
        {
            errors.Add($"{_root}:Llm:Tools:MaxRounds is {tools.MaxRounds}; it must be between 1 and {ToolOptions.MaxRoundsLimit}.");
        }

        if (tools.MaxConcurrentCalls < 1)
        {
            errors.Add($"{_root}:Llm:Tools:MaxConcurrentCalls is {tools.MaxConcurrentCalls}; it must be at least 1.");
        }

        if (!Enum.IsDefined(tools.OnToolError))
        {
            errors.Add($"{_root}:Llm:Tools:OnToolError is {(int)tools.OnToolError}; it must be ReturnToModel or FailTask.");
        }
        if (options.ObserverBufferCapacity < 1)
        {
            errors.Add($"{_root}:ObserverBufferCapacity is {options.ObserverBufferCapacity}; it must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateResilience(LlmResilienceOptions r, string path, List<string> errors)
    {
        if (r.MaxAttempts < 1)
        {
            errors.Add($"{path}:MaxAttempts is {r.MaxAttempts}; it must be at least 1.");
        }

        var durations = new[]
        {
            ("AttemptTimeout", r.AttemptTimeout), ("TotalTimeout", r.TotalTimeout), ("BaseDelay", r.BaseDelay), ("MaxDelay", r.MaxDelay),
            ("CircuitBreakerSamplingDuration", r.CircuitBreakerSamplingDuration), ("CircuitBreakerBreakDuration", r.CircuitBreakerBreakDuration),
        };
        foreach (var (key, value) in durations)
        {
            if (value > s_longestTimeout)
            {
                errors.Add($"{path}:{key} is {value.ToString("c", CultureInfo.InvariantCulture)}, longer than a day. Durations are time spans such as 00:00:30 (a bare number is read as days).");
            }
        }

        if (r.AttemptTimeout <= TimeSpan.Zero || r.TotalTimeout <= TimeSpan.Zero || r.TotalTimeout < r.AttemptTimeout)
        {
            errors.Add($"{path}:AttemptTimeout ({r.AttemptTimeout}) and :TotalTimeout ({r.TotalTimeout}) must be positive, the total at least the attempt timeout.");
        }

        if (r.BaseDelay < TimeSpan.Zero || r.MaxDelay < r.BaseDelay)
        {
            errors.Add($"{path}:BaseDelay ({r.BaseDelay}) must not be negative nor above :MaxDelay ({r.MaxDelay}).");
        }

        if (r.CircuitBreakerFailureRatio is <= 0 or > 1 || double.IsNaN(r.CircuitBreakerFailureRatio))
        {
            errors.Add($"{path}:CircuitBreakerFailureRatio is {r.CircuitBreakerFailureRatio.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1].");
        }

        if (r.CircuitBreakerMinimumThroughput < 2)
        {
            errors.Add($"{path}:CircuitBreakerMinimumThroughput is {r.CircuitBreakerMinimumThroughput}; it must be at least 2.");
        }

        if (r.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || r.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{path}:CircuitBreakerSamplingDuration and :CircuitBreakerBreakDuration must be at least 0.5 s.");
        }
    }

    // The binder ignores keys it does not know; a misspelt key would silently do nothing, so it is an error here.
    private void UnknownKeys(IConfiguration section, List<string> errors)
    {
        UnknownSettings.Report(section, _root, s_rootKeys, errors);
        var llm = section.GetSection("Llm");
        var llmPath = _root + ":Llm";
        UnknownSettings.Report(llm, llmPath, s_llmKeys, errors);
        foreach (var useCase in llm.GetSection("UseCases").GetChildren())
        {
            var path = $"{llmPath}:UseCases:{useCase.Key}";
            UnknownSettings.Report(useCase, path, s_useCaseKeys, errors);
            foreach (var model in useCase.GetSection("Models").GetChildren())
            {
                UnknownSettings.Report(model, $"{path}:Models:{model.Key}", s_modelKeys, errors);
            }

            var parameters = useCase.GetSection("Parameters");
            UnknownSettings.Report(parameters, path + ":Parameters", s_parameterKeys, errors);
            if (parameters.GetSection("Stop").Value is { Length: > 0 } single)
            {
                errors.Add($"{path}:Parameters:Stop is '{single}', a single value; it is a list: write {path}:Parameters:Stop:0 (in JSON, an array).");
            }
        }

        UnknownSettings.Report(llm.GetSection("Resilience"), llmPath + ":Resilience", s_resilienceKeys, errors);
        UnknownSettings.Report(llm.GetSection("Tools"), llmPath + ":Tools", s_toolKeys, errors);
    }

    private static void Range(List<string> errors, string key, float? value, float min, float max)
    {
        if (value is { } v && (v < min || v > max || float.IsNaN(v)))
        {
            errors.Add($"{key} is {v.ToString(CultureInfo.InvariantCulture)}; it must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
