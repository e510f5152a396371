using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Amsha;

/// <summary>
/// Reads Python Amsha's <c>llm_config.yaml</c> into <c>Amsha:Llm:UseCases</c> configuration keys. Only YamlDotNet's
/// representation model is used (no reflection-based deserializer), so it is trim- and AOT-safe.
/// </summary>
internal static class LlmConfigYamlParser
{
    /// <summary>Where the keys go: the configuration path <see cref="LlmOptions.UseCases"/> is bound from.</summary>
    internal const string UseCasesPrefix = "Amsha:Llm:UseCases:";

    private static readonly string[] s_rootKeys = { "llm", "llm_parameters" };
    private static readonly string[] s_useCaseKeys = { "default", "models" };

    private static readonly (string Yaml, string Key)[] s_modelKeys =
    {
        ("model", nameof(LlmModelOptions.Model)),
        ("base_url", nameof(LlmModelOptions.BaseUrl)),
        ("api_key", nameof(LlmModelOptions.ApiKey)),
        ("api_version", nameof(LlmModelOptions.ApiVersion)),
        ("provider", nameof(LlmModelOptions.Provider)),
    };

    // Python Amsha's settings for its own tooling (output folders, LM Studio model loading, capability flags); nothing here uses them.
    private static readonly string[] s_ignoredModelKeys = { "output_config", "lmstudio_lifecycle", "capabilities" };

    private static readonly (string Yaml, string Key, bool Integer)[] s_parameterKeys =
    {
        ("temperature", nameof(LlmParameterOptions.Temperature), false),
        ("top_p", nameof(LlmParameterOptions.TopP), false),
        ("max_completion_tokens", nameof(LlmParameterOptions.MaxCompletionTokens), true),
        ("presence_penalty", nameof(LlmParameterOptions.PresencePenalty), false),
        ("frequency_penalty", nameof(LlmParameterOptions.FrequencyPenalty), false),
    };

    private const string StopKey = "stop";

    /// <summary>Reads the file.</summary>
    /// <param name="reader">The file's text.</param>
    /// <param name="path">The file's name, for messages.</param>
    /// <param name="defaultProvider">The <c>Provider</c> of models that name none; null leaves it unset.</param>
    /// <param name="environment">Looks up environment variables for <c>${NAME}</c>.</param>
    /// <exception cref="FormatException">The file is not valid YAML or not an <c>llm_config.yaml</c>; the message names the line and column.</exception>
    public static Dictionary<string, string?> Parse(TextReader reader, string path, string? defaultProvider, Func<string, string?> environment)
    {
        var stream = new YamlStream();
        var parser = new Parser(reader);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException error)
        {
            throw new FormatException(At(path, error.Start) + "The file is not valid YAML: " + WithoutMarks(error.Message), error);
        }
        catch (InvalidOperationException error)
        {
            // YamlDotNet fails some unclosed flow collections without a position: report where reading stopped.
            throw new FormatException(At(path, parser.Current?.Start ?? Mark.Empty) + "The file is not valid YAML: it cannot be read past here. Check for an unclosed '[', '{' or quote.", error);
        }

        var reading = new Reading(path, defaultProvider, environment);
        if (stream.Documents.Count > 1)
        {
            throw reading.Error(stream.Documents[1].RootNode, "The file holds several YAML documents; an llm_config.yaml is one.");
        }

        if (stream.Documents.Count == 1)
        {
            reading.Root(stream.Documents[0].RootNode);
        }

        return reading.Data;
    }

    private static string At(string path, Mark mark) => string.Create(CultureInfo.InvariantCulture, $"{path}({mark.Line},{mark.Column}): ");

    /// <summary>YamlDotNet's messages start with <c>(Line: 1, Col: 2, Idx: 3) - (Line: …): </c>; the position is given already.</summary>
    private static string WithoutMarks(string message)
    {
        var end = message.StartsWith("(Line:", StringComparison.Ordinal) ? message.IndexOf("): ", StringComparison.Ordinal) : -1;
        return end < 0 ? message : message[(end + 3)..];
    }

    private sealed class Reading
    {
        private readonly string _path;
        private readonly string? _defaultProvider;
        private readonly Func<string, string?> _environment;
        private readonly Dictionary<string, YamlNode> _useCases = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, YamlNode> _parameterSets = new(StringComparer.OrdinalIgnoreCase);

        public Reading(string path, string? defaultProvider, Func<string, string?> environment)
        {
            _path = path;
            _defaultProvider = defaultProvider;
            _environment = environment;
        }

        public Dictionary<string, string?> Data { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void Root(YamlNode root)
        {
            foreach (var (key, value) in Entries(root, "the file"))
            {
                switch (key)
                {
                    case "llm":
                        foreach (var (name, useCase) in Named(value.Node, "llm", "use case", _useCases))
                        {
                            UseCase(name, useCase);
                        }

                        break;
                    case "llm_parameters":
                        foreach (var (name, parameters) in Named(value.Node, "llm_parameters", "use case", _parameterSets))
                        {
                            Parameters(name, parameters);
                        }

                        break;
                    default:
                        throw Error(value.KeyNode, $"'{key}' is not a key of llm_config.yaml. The keys are {string.Join(", ", s_rootKeys)}.");
                }
            }
        }

        private void UseCase(string name, YamlNode node)
        {
            var where = "llm." + name;
            var prefix = UseCasesPrefix + name + ":";
            var models = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in Entries(node, where))
            {
                switch (key)
                {
                    case "default":
                        Set(prefix + nameof(LlmUseCaseOptions.Default), Text(value.Node, where + ".default"));
                        break;
                    case "models":
                        foreach (var (modelKey, model) in Named(value.Node, where + ".models", "model key", models))
                        {
                            Model(prefix + nameof(LlmUseCaseOptions.Models) + ":" + modelKey + ":", where + ".models." + modelKey, model);
                        }

                        break;
                    default:
                        throw Error(value.KeyNode, $"'{key}' is not a key of a use case ({where}). The keys are {string.Join(", ", s_useCaseKeys)}.");
                }
            }
        }

        private void Model(string prefix, string where, YamlNode node)
        {
            var hasProvider = false;
            foreach (var (key, value) in Entries(node, where))
            {
                if (Array.IndexOf(s_ignoredModelKeys, key) >= 0)
                {
                    continue;
                }

                var index = Array.FindIndex(s_modelKeys, k => string.Equals(k.Yaml, key, StringComparison.Ordinal));
                if (index < 0)
                {
                    throw Error(value.KeyNode,
                        $"'{key}' is not a key of a model ({where}). The keys are {string.Join(", ", Array.ConvertAll(s_modelKeys, k => k.Yaml))}; " +
                        $"Python Amsha's {string.Join(", ", s_ignoredModelKeys)} are accepted and ignored.");
                }

                var text = Text(value.Node, where + "." + key);
                hasProvider |= key == "provider" && !string.IsNullOrEmpty(text);
                Set(prefix + s_modelKeys[index].Key, text);
            }

            if (!hasProvider && _defaultProvider is not null)
            {
                Data[prefix + nameof(LlmModelOptions.Provider)] = _defaultProvider;
            }
        }

        private void Parameters(string name, YamlNode node)
        {
            var where = "llm_parameters." + name;
            var prefix = UseCasesPrefix + name + ":" + nameof(LlmUseCaseOptions.Parameters) + ":";
            foreach (var (key, value) in Entries(node, where))
            {
                if (key == StopKey)
                {
                    Stop(prefix + nameof(LlmParameterOptions.Stop) + ":", where + ".stop", value.Node);
                    continue;
                }

                var index = Array.FindIndex(s_parameterKeys, k => string.Equals(k.Yaml, key, StringComparison.Ordinal));
                if (index < 0)
                {
                    throw Error(value.KeyNode,
                        $"'{key}' is not a key of llm_parameters ({where}). The keys are {string.Join(", ", Array.ConvertAll(s_parameterKeys, k => k.Yaml))}, {StopKey}.");
                }

                var text = Text(value.Node, where + "." + key);
                var (_, configurationKey, integer) = s_parameterKeys[index];
                if (!string.IsNullOrEmpty(text))
                {
                    var valid = integer
                        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);
                    if (!valid)
                    {
                        throw Error(value.Node, $"{where}.{key} is '{text}'; it must be {(integer ? "a whole number" : "a number")}.");
                    }
                }

                Set(prefix + configurationKey, text);
            }
        }

        private void Stop(string prefix, string where, YamlNode node)
        {
            switch (node)
            {
                case YamlSequenceNode sequence:
                    var index = 0;
                    foreach (var item in sequence.Children)
                    {
                        var text = Text(item, string.Create(CultureInfo.InvariantCulture, $"{where}[{index}]"));
                        if (string.IsNullOrEmpty(text))
                        {
                            throw Error(item, string.Create(CultureInfo.InvariantCulture, $"{where}[{index}] is empty; a stop sequence needs text."));
                        }

                        Data[prefix + index.ToString(CultureInfo.InvariantCulture)] = text;
                        index++;
                    }

                    break;
                default:
                    // One stop sequence may be written without brackets.
                    var single = Text(node, where);
                    if (!string.IsNullOrEmpty(single))
                    {
                        Data[prefix + "0"] = single;
                    }

                    break;
            }
        }

        /// <summary>The entries of a mapping (nothing for a null value), with keys checked to be plain text.</summary>
        private List<(string Key, (YamlNode KeyNode, YamlNode Node) Value)> Entries(YamlNode node, string where)
        {
            var entries = new List<(string, (YamlNode, YamlNode))>();
            if (IsNull(node))
            {
                return entries;
            }

            if (node is not YamlMappingNode mapping)
            {
                throw Error(node, $"{where} must be a mapping of keys to values, but it is {Describe(node)}.");
            }

            foreach (var (key, value) in mapping.Children)
            {
                if (key is not YamlScalarNode { Value: { Length: > 0 } text })
                {
                    throw Error(key, $"A key in {where} is {Describe(key)}; keys are plain names.");
                }

                entries.Add((text, (key, value)));
            }

            return entries;
        }

        /// <summary>The entries of a mapping whose keys are names (use cases, model keys), each checked once ignoring case.</summary>
        private List<(string Name, YamlNode Node)> Named(YamlNode node, string where, string what, Dictionary<string, YamlNode> seen)
        {
            var named = new List<(string, YamlNode)>();
            foreach (var (name, value) in Entries(node, where))
            {
                if (name.Contains(':', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(name) || name.Trim().Length != name.Length)
                {
                    throw Error(value.KeyNode, $"The {what} '{name}' in {where} is not a valid name: it may not contain ':' or start or end with white space.");
                }

                if (seen.TryGetValue(name, out var first))
                {
                    throw Error(value.KeyNode, string.Create(CultureInfo.InvariantCulture,
                        $"The {what} '{name}' in {where} repeats the one at line {first.Start.Line}; names match ignoring case."));
                }

                seen[name] = value.KeyNode;
                named.Add((name, value.Node));
            }

            return named;
        }

        /// <summary>A scalar's text with <c>${VAR}</c> expanded; null for a null value.</summary>
        private string? Text(YamlNode node, string where)
        {
            if (IsNull(node))
            {
                return null;
            }

            if (node is not YamlScalarNode scalar)
            {
                throw Error(node, $"{where} must be a single value, but it is {Describe(node)}.");
            }

            return Expand(scalar.Value ?? "", scalar, where);
        }

        /// <summary>Sets <paramref name="key"/>; an empty value is the same as a missing one.</summary>
        private void Set(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Data[key] = value;
            }
        }

        /// <summary>
        /// Replaces <c>${NAME}</c> with the environment variable's value and <c>${NAME:-fallback}</c> with the fallback
        /// when it is unset or empty; <c>$${</c> is a literal <c>${</c>. An unset variable without fallback is an error.
        /// </summary>
        private string Expand(string value, YamlNode node, string where)
        {
            if (!value.Contains('$', StringComparison.Ordinal))
            {
                return value;
            }

            var result = new StringBuilder(value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c != '$' || i + 1 >= value.Length)
                {
                    result.Append(c);
                    continue;
                }

                if (value[i + 1] == '$' && i + 2 < value.Length && value[i + 2] == '{')
                {
                    result.Append('$');
                    i++; // the second '$' is consumed; the '{' follows as text
                    continue;
                }

                if (value[i + 1] != '{')
                {
                    result.Append(c);
                    continue;
                }

                var close = value.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw Error(node, $"{where} has '${{' without a closing '}}'. Write ${{NAME}}, ${{NAME:-fallback}}, or $${{ for a literal '${{'.");
                }

                var reference = value[(i + 2)..close];
                var separator = reference.IndexOf(":-", StringComparison.Ordinal);
                var name = separator < 0 ? reference : reference[..separator];
                var fallback = separator < 0 ? null : reference[(separator + 2)..];
                if (!IsVariableName(name))
                {
                    throw Error(node, $"{where} refers to '${{{reference}}}'; an environment variable name is letters, digits and underscores, not starting with a digit.");
                }

                var variable = _environment(name);
                if (string.IsNullOrEmpty(variable) && fallback is not null)
                {
                    variable = fallback;
                }
                else if (variable is null)
                {
                    throw Error(node, $"{where} uses the environment variable {name}, which is not set. Set it, or give a fallback: ${{{name}:-value}}.");
                }

                result.Append(variable);
                i = close;
            }

            return result.ToString();
        }

        public FormatException Error(YamlNode node, string message) => new(At(_path, node.Start) + message);

        private static bool IsVariableName(string name)
        {
            if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        private static string Describe(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode scalar => $"the value '{scalar.Value}'",
            _ => "an alias",
        };
    }
}
