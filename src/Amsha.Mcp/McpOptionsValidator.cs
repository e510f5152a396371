using System;
using System.Collections.Generic;
using System.Linq;
using Amsha.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Amsha.Mcp;

/// <summary>
/// Checks <see cref="McpOptions"/>: each server sets exactly one of <c>Command</c> and <c>Endpoint</c>, the endpoint is
/// an absolute http(s) URL, no setting of the other kind of server is present and, when bound from configuration,
/// the section holds no unknown keys. Every message names the configuration key.
/// </summary>
internal sealed class McpOptionsValidator : IValidateOptions<McpOptions>
{
    private static readonly string[] s_rootKeys = { nameof(McpOptions.Servers) };
    private static readonly string[] s_serverKeys =
    {
        nameof(McpToolSourceOptions.Command), nameof(McpToolSourceOptions.Arguments), nameof(McpToolSourceOptions.WorkingDirectory),
        nameof(McpToolSourceOptions.Environment), nameof(McpToolSourceOptions.Endpoint), nameof(McpToolSourceOptions.Headers),
    };

    private readonly IConfiguration? _section;
    private readonly string _root;

    /// <param name="section">The section the options were bound from, for the unknown-key check; null when built in code.</param>
    /// <param name="root">The configuration path messages name, normally <c>Amsha:Mcp</c>.</param>
    public McpOptionsValidator(IConfiguration? section, string root)
    {
        _section = section;
        _root = root;
    }

    public ValidateOptionsResult Validate(string? name, McpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (_section is not null)
        {
            UnknownSettings.Report(_section, _root, s_rootKeys, errors);
            foreach (var server in _section.GetSection(nameof(McpOptions.Servers)).GetChildren())
            {
                var path = $"{_root}:Servers:{server.Key}";
                UnknownSettings.Report(server, path, s_serverKeys, errors);
                if (server.GetSection(nameof(McpToolSourceOptions.Arguments)).Value is { Length: > 0 } single)
                {
                    errors.Add($"{path}:Arguments is '{single}', a single value; it is a list: write {path}:Arguments:0, :1, … (in JSON, an array).");
                }
            }
        }

        foreach (var (serverName, server) in options.Servers ?? new Dictionary<string, McpToolSourceOptions>())
        {
            var path = $"{_root}:Servers:{serverName}";
            Check(server, path, key => $"{path}:{key}", errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The problems of one server's options, each naming the setting through <paramref name="key"/>.</summary>
    /// <param name="options">The server's options.</param>
    /// <param name="server">How messages name the server (its configuration path, or "MCP server 'name'").</param>
    /// <param name="key">How messages name a setting of the server.</param>
    /// <param name="errors">Where problems are added.</param>
    internal static void Check(McpToolSourceOptions? options, string server, Func<string, string> key, List<string> errors)
    {
        if (options is null)
        {
            errors.Add($"{server} is empty. Set {key("Command")} (a server started as a process, spoken to over stdio) or {key("Endpoint")} (a server reached over HTTP).");
            return;
        }

        var stdio = !string.IsNullOrWhiteSpace(options.Command);
        var http = !string.IsNullOrWhiteSpace(options.Endpoint);
        if (!stdio && !http)
        {
            errors.Add($"{server} sets neither {key("Command")} (a server started as a process, spoken to over stdio) nor {key("Endpoint")} (a server reached over HTTP). Set one of them.");
        }
        else if (stdio && http)
        {
            errors.Add($"{server} sets both {key("Command")} and {key("Endpoint")}. Set Command for a server started as a process, or Endpoint for one reached over HTTP, not both.");
        }

        if (http && !IsHttpUrl(options.Endpoint!))
        {
            errors.Add($"{key("Endpoint")} is '{Redacted(options.Endpoint!)}', which is not an absolute http(s) URL.");
        }

        if (http && !stdio)
        {
            Misplaced(options.Arguments?.Count > 0, "Arguments", "Command");
            Misplaced(options.WorkingDirectory is not null, "WorkingDirectory", "Command");
            Misplaced(options.Environment?.Count > 0, "Environment", "Command");
        }

        if (stdio && !http)
        {
            Misplaced(options.Headers?.Count > 0, "Headers", "Endpoint");
        }

        void Misplaced(bool present, string setting, string belongsTo)
        {
            if (present)
            {
                errors.Add($"{key(setting)} applies only to a server with {belongsTo}; this one has {(belongsTo == "Command" ? "Endpoint" : "Command")}. Remove it.");
            }
        }
    }

    /// <summary>Whether <paramref name="endpoint"/> is an absolute http or https URL.</summary>
    internal static bool IsHttpUrl(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>An endpoint as messages show it: without user info, query or fragment, which may carry secrets.</summary>
    internal static string Redacted(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
            ? uri.Scheme + "://" + uri.Authority + uri.AbsolutePath
            : endpoint.Length <= 60 ? endpoint : endpoint.Substring(0, 60) + "…";
}
