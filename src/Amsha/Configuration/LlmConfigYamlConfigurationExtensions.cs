using System;
using Amsha;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Python Amsha's <c>llm_config.yaml</c> to a configuration (see <see cref="LlmConfigYamlSource"/>).</summary>
public static class LlmConfigYamlConfigurationExtensions
{
    /// <summary>
    /// Adds the <c>llm_config.yaml</c> at <paramref name="path"/>: its use cases, models and parameters become
    /// <c>Amsha:Llm:UseCases</c> keys, which <c>services.AddAmsha()</c> binds like any other configuration.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file, relative to the builder's base path or absolute.</param>
    /// <param name="optional">Whether a missing file is allowed.</param>
    /// <param name="reloadOnChange">Whether the configuration reloads when the file changes.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddAmshaLlmConfigYaml(this IConfigurationBuilder builder, string path, bool optional = false, bool reloadOnChange = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.AddAmshaLlmConfigYaml(source =>
        {
            source.Path = path;
            source.Optional = optional;
            source.ReloadOnChange = reloadOnChange;
            source.ResolveFileProvider();
        });
    }

    /// <summary>Adds an <c>llm_config.yaml</c> source configured by <paramref name="configureSource"/> (path, file provider, <see cref="LlmConfigYamlSource.DefaultProvider"/>).</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configureSource">Sets the source's properties.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddAmshaLlmConfigYaml(this IConfigurationBuilder builder, Action<LlmConfigYamlSource>? configureSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var source = new LlmConfigYamlSource();
        configureSource?.Invoke(source);
        return builder.Add(source);
    }
}
