using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Amsha.Mcp;

/// <summary>Registers configured MCP servers as tool sources: <c>services.AddAmsha().AddMcpServers()</c>.</summary>
public static class McpToolSources
{
    /// <summary>The configuration section <see cref="McpOptions"/> are bound from.</summary>
    public const string ConfigurationSectionName = "Amsha:Mcp";

    /// <summary>
    /// Makes each server under <c>Amsha:Mcp:Servers</c> of the app's <see cref="IConfiguration"/> (when one is
    /// registered, as in every generic or web host) a tool source of the container's <see cref="ExecutionSession"/>,
    /// named by its key: agents and tasks that list the name in <c>ToolSources</c> (or
    /// <c>Amsha:Llm:Tools:AgentSources:&lt;agent&gt;</c>) call its tools. <see cref="McpOptions"/> are bound from the
    /// section and validated on start: each server sets exactly one of <c>Command</c> (stdio) and <c>Endpoint</c>
    /// (HTTP), the endpoint is an absolute http(s) URL, and unknown keys are errors. Servers start on first use; the
    /// container stops them when it is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">MCP servers are already registered in this service collection.</exception>
    public static AmshaBuilder AddMcpServers(this AmshaBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ThrowIfRegistered(builder.Services);
        builder.Services.AddOptions<McpOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (provider.GetService<IConfiguration>() is { } configuration)
                {
                    configuration.GetSection(ConfigurationSectionName).Bind(options);
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<McpOptions>>(static provider =>
            new McpOptionsValidator(provider.GetService<IConfiguration>()?.GetSection(ConfigurationSectionName), ConfigurationSectionName));
        return AddSources(builder);
    }

    /// <summary>
    /// Makes each server under <c>Servers</c> of <paramref name="section"/> (instead of the app configuration's
    /// <c>Amsha:Mcp</c> section) a tool source of the container's <see cref="ExecutionSession"/>, as
    /// <see cref="AddMcpServers(AmshaBuilder)"/> does. Validation messages name the keys under the section's path.
    /// </summary>
    /// <exception cref="InvalidOperationException">MCP servers are already registered in this service collection.</exception>
    public static AmshaBuilder AddMcpServers(this AmshaBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        ThrowIfRegistered(builder.Services);
        var root = section is IConfigurationSection { Path.Length: > 0 } named ? named.Path : ConfigurationSectionName;
        builder.Services.AddOptions<McpOptions>()
            .Configure(options => section.Bind(options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<McpOptions>>(new McpOptionsValidator(section, root));
        return AddSources(builder);
    }

    private static void ThrowIfRegistered(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ConfiguredServers))
            {
                throw new InvalidOperationException("MCP servers are already registered in this service collection; call AddMcpServers once.");
            }
        }
    }

    // The server names are known only once configuration is read, too late for one registration per name: one keyed
    // registration answers every name (the session asks for an IToolSource keyed by the name it looks for).
    private static AmshaBuilder AddSources(AmshaBuilder builder)
    {
        builder.Services.AddSingleton(static provider => new ConfiguredServers(provider.GetRequiredService<IOptions<McpOptions>>().Value, provider.GetService<ILoggerFactory>()));
        builder.Services.AddKeyedSingleton<IToolSource>(KeyedService.AnyKey, static (provider, key) =>
            (key is string name ? provider.GetRequiredService<ConfiguredServers>().Find(name) : null)!);
        return builder;
    }

    private sealed class ConfiguredServers : IAsyncDisposable, IDisposable
    {
        public ConfiguredServers(McpOptions options, ILoggerFactory? loggerFactory)
        {
            var sources = new List<McpToolSource>();
            foreach (var (name, server) in options.Servers)
            {
                sources.Add(new McpToolSource(name, server, loggerFactory));
            }

            Sources = sources;
        }

        public IReadOnlyList<McpToolSource> Sources { get; }

        public McpToolSource? Find(string name)
        {
            foreach (var source in Sources)
            {
                if (string.Equals(source.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return source;
                }
            }

            return null;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var source in Sources)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            foreach (var source in Sources)
            {
                source.Dispose();
            }
        }
    }
}
