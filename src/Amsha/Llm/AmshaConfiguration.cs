using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Amsha;

/// <summary>
/// Binds and validates the <c>Amsha</c> configuration section by hand: no reflection, so it stays
/// trimming- and AOT-safe, and every error names the exact key.
/// </summary>
public static class AmshaConfiguration
{
    private static readonly string[] s_useCaseKeys = { "Default", "Models", "Parameters" };
    private static readonly string[] s_modelKeys = { "Provider", "Model", "BaseUrl", "ApiKey", "ApiVersion" };
    private static readonly string[] s_parameterKeys = { "Temperature", "TopP", "MaxCompletionTokens", "PresencePenalty", "FrequencyPenalty", "Stop" };
    private static readonly string[] s_resilienceKeys =
    {
        "MaxAttempts", "AttemptTimeout", "TotalTimeout", "BaseDelay", "MaxDelay", "UseJitter",
        "CircuitBreakerFailureRatio", "CircuitBreakerMinimumThroughput", "CircuitBreakerSamplingDuration", "CircuitBreakerBreakDuration",
    };

    /// <summary>Reads <paramref name="section"/> (the <c>Amsha</c> section) into <paramref name="options"/>.</summary>
    /// <exception cref="AmshaConfigurationException">A value has the wrong form or a key is unknown.</exception>
    public static void Bind(IConfiguration section, AmshaOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var root = Path(section);
        var llm = section.GetSection("Llm");
        var llmPath = root + "Llm";
        Unknown(llm, llmPath, errors, "UseCases", "Resilience", "CaptureMessageContent");
        Bool(llm, llmPath, "CaptureMessageContent", errors, v => options.Llm.CaptureMessageContent = v);

        foreach (var useCaseSection in llm.GetSection("UseCases").GetChildren())
        {
            var path = $"{llmPath}:UseCases:{useCaseSection.Key}";
            Unknown(useCaseSection, path, errors, s_useCaseKeys);
            if (!options.Llm.UseCases.TryGetValue(useCaseSection.Key, out var useCase))
            {
                useCase = new LlmUseCaseOptions();
                options.Llm.UseCases[useCaseSection.Key] = useCase;
            }

            useCase.Default = useCaseSection["Default"] ?? useCase.Default;
            foreach (var modelSection in useCaseSection.GetSection("Models").GetChildren())
            {
                var modelPath = $"{path}:Models:{modelSection.Key}";
                Unknown(modelSection, modelPath, errors, s_modelKeys);
                var model = useCase.Models.TryGetValue(modelSection.Key, out var existing) ? existing : new LlmModelOptions();
                model.Provider = modelSection["Provider"] ?? model.Provider;
                model.Model = modelSection["Model"] ?? model.Model;
                model.BaseUrl = modelSection["BaseUrl"] ?? model.BaseUrl;
                model.ApiKey = modelSection["ApiKey"] ?? model.ApiKey;
                model.ApiVersion = modelSection["ApiVersion"] ?? model.ApiVersion;
                useCase.Models[modelSection.Key] = model;
            }

            var parameters = useCaseSection.GetSection("Parameters");
            var parametersPath = path + ":Parameters";
            Unknown(parameters, parametersPath, errors, s_parameterKeys);
            Number(parameters, parametersPath, "Temperature", errors, v => useCase.Parameters.Temperature = (float)v);
            Number(parameters, parametersPath, "TopP", errors, v => useCase.Parameters.TopP = (float)v);
            Number(parameters, parametersPath, "PresencePenalty", errors, v => useCase.Parameters.PresencePenalty = (float)v);
            Number(parameters, parametersPath, "FrequencyPenalty", errors, v => useCase.Parameters.FrequencyPenalty = (float)v);
            Integer(parameters, parametersPath, "MaxCompletionTokens", errors, v => useCase.Parameters.MaxCompletionTokens = v);
            var stop = parameters.GetSection("Stop");
            if (stop.Value is { } single)
            {
                useCase.Parameters.Stop = new List<string> { single };
            }
            else if (stop.GetChildren().Any())
            {
                useCase.Parameters.Stop = stop.GetChildren().Select(c => c.Value ?? "").ToList();
            }
        }

        var resilience = llm.GetSection("Resilience");
        var resiliencePath = llmPath + ":Resilience";
        var r = options.Llm.Resilience;
        Unknown(resilience, resiliencePath, errors, s_resilienceKeys);
        Integer(resilience, resiliencePath, "MaxAttempts", errors, v => r.MaxAttempts = v);
        Duration(resilience, resiliencePath, "AttemptTimeout", errors, v => r.AttemptTimeout = v);
        Duration(resilience, resiliencePath, "TotalTimeout", errors, v => r.TotalTimeout = v);
        Duration(resilience, resiliencePath, "BaseDelay", errors, v => r.BaseDelay = v);
        Duration(resilience, resiliencePath, "MaxDelay", errors, v => r.MaxDelay = v);
        Bool(resilience, resiliencePath, "UseJitter", errors, v => r.UseJitter = v);
        Number(resilience, resiliencePath, "CircuitBreakerFailureRatio", errors, v => r.CircuitBreakerFailureRatio = v);
        Integer(resilience, resiliencePath, "CircuitBreakerMinimumThroughput", errors, v => r.CircuitBreakerMinimumThroughput = v);
        Duration(resilience, resiliencePath, "CircuitBreakerSamplingDuration", errors, v => r.CircuitBreakerSamplingDuration = v);
        Duration(resilience, resiliencePath, "CircuitBreakerBreakDuration", errors, v => r.CircuitBreakerBreakDuration = v);

        if (errors.Count > 0)
        {
            throw new AmshaConfigurationException(errors);
        }
    }

    /// <summary>Checks <paramref name="options"/> as a whole: model keys, providers, ranges.</summary>
    /// <param name="options">The options, after binding and code configuration.</param>
    /// <param name="root">The configuration path the messages name, normally <c>Amsha</c>.</param>
    /// <exception cref="AmshaConfigurationException">Something is wrong; the message lists every problem.</exception>
    public static void Validate(AmshaOptions options, string root = "Amsha")
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var llm = options.Llm;
        var providers = string.Join(", ", llm.Providers.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
        foreach (var (name, useCase) in llm.UseCases)
        {
            var path = $"{root}:Llm:UseCases:{name}";
            if (llm.Clients.ContainsKey(name))
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
                    errors.Add($"{modelPath}:Provider is '{provider}', which is not registered. Registered providers: {providers}. (Add the provider's package, e.g. Amsha.OpenAI, and register it.)");
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

        var r = llm.Resilience;
        var rPath = root + ":Llm:Resilience";
        if (r.MaxAttempts < 1)
        {
            errors.Add($"{rPath}:MaxAttempts is {r.MaxAttempts}; it must be at least 1.");
        }

        if (r.AttemptTimeout <= TimeSpan.Zero || r.TotalTimeout <= TimeSpan.Zero || r.TotalTimeout < r.AttemptTimeout)
        {
            errors.Add($"{rPath}:AttemptTimeout ({r.AttemptTimeout}) and :TotalTimeout ({r.TotalTimeout}) must be positive, the total at least the attempt timeout.");
        }

        if (r.BaseDelay < TimeSpan.Zero || r.MaxDelay < r.BaseDelay)
        {
            errors.Add($"{rPath}:BaseDelay ({r.BaseDelay}) must not be negative nor above :MaxDelay ({r.MaxDelay}).");
        }

        if (r.CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add($"{rPath}:CircuitBreakerFailureRatio is {r.CircuitBreakerFailureRatio.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1].");
        }

        if (r.CircuitBreakerMinimumThroughput < 2)
        {
            errors.Add($"{rPath}:CircuitBreakerMinimumThroughput is {r.CircuitBreakerMinimumThroughput}; it must be at least 2.");
        }

        if (r.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || r.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{rPath}:CircuitBreakerSamplingDuration and :CircuitBreakerBreakDuration must be at least 0.5 s.");
        }

        if (errors.Count > 0)
        {
            throw new AmshaConfigurationException(errors);
        }
    }

    private static string Path(IConfiguration section) => section is IConfigurationSection s && s.Path.Length > 0 ? s.Path + ":" : "";

    private static void Unknown(IConfiguration section, string path, List<string> errors, params string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:{child.Key} is not a known setting. Known settings here: {string.Join(", ", known)}.");
            }
        }
    }

    private static void Number(IConfiguration section, string path, string key, List<string> errors, Action<double> set)
    {
        if (section[key] is { Length: > 0 } text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                set(value);
            }
            else
            {
                errors.Add($"{path}:{key} is '{text}', which is not a number.");
            }
        }
    }

    private static void Integer(IConfiguration section, string path, string key, List<string> errors, Action<int> set)
    {
        if (section[key] is { Length: > 0 } text)
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                set(value);
            }
            else
            {
                errors.Add($"{path}:{key} is '{text}', which is not a whole number.");
            }
        }
    }

    private static void Bool(IConfiguration section, string path, string key, List<string> errors, Action<bool> set)
    {
        if (section[key] is { Length: > 0 } text)
        {
            if (bool.TryParse(text, out var value))
            {
                set(value);
            }
            else
            {
                errors.Add($"{path}:{key} is '{text}', which is not true or false.");
            }
        }
    }

    // Durations are TimeSpan text ("00:00:30") or seconds ("30", "0.5").
    private static void Duration(IConfiguration section, string path, string key, List<string> errors, Action<TimeSpan> set)
    {
        if (section[key] is { Length: > 0 } text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                set(TimeSpan.FromSeconds(seconds));
            }
            else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
            {
                set(value);
            }
            else
            {
                errors.Add($"{path}:{key} is '{text}', which is neither seconds nor a time span like 00:00:30.");
            }
        }
    }

    private static void Range(List<string> errors, string key, float? value, float min, float max)
    {
        if (value is { } v && (v < min || v > max || float.IsNaN(v)))
        {
            errors.Add($"{key} is {v.ToString(CultureInfo.InvariantCulture)}; it must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
