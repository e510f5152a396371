using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Amsha.Mcp;

/// <summary>
/// The tools of one MCP server as an <see cref="IToolSource"/>: agents and tasks that list <see cref="Name"/> in
/// <c>ToolSources</c> call them in Amsha's tool loop (the same events, spans, limits and error handling as generated
/// tools). Registered from configuration by <see cref="McpToolSources.AddMcpServers(Microsoft.Extensions.DependencyInjection.AmshaBuilder)"/>,
/// or created in code and added with <see cref="ExecutionSession.AddToolSource"/>.
/// </summary>
/// <remarks>
/// The server is started (stdio) or connected to (HTTP) on first use, not on creation; its tool list is kept until
/// the server says it changed. Concurrent first uses share one connection. When the server has gone away (the
/// process exited, the session ended), the next use connects again. Disposing closes the connection (and stops a
/// stdio server's process).
/// </remarks>
public sealed class McpToolSource : IToolSource, IAsyncDisposable, IDisposable
{
    private const int StandardErrorLinesKept = 20;

    private static readonly Action<ILogger, string, string, string, int, Exception?> s_connected =
        LoggerMessage.Define<string, string, string, int>(LogLevel.Information, new EventId(1, "McpServerConnected"), "Connected to MCP server {McpServer} ({ServerName} {ServerVersion}), which offers {ToolCount} tools");

    private readonly McpToolSourceOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Queue<string> _standardError = new();
    private Task<Connection>? _connection;
    private bool _disposed;

    /// <summary>Creates the source; nothing starts until its tools are first asked for.</summary>
    /// <param name="name">The name agents and tasks list in <c>ToolSources</c>.</param>
    /// <param name="options">How to reach the server (copied: later changes to it have no effect).</param>
    /// <param name="loggerFactory">Where the source (category <c>Amsha.Mcp</c>) and the SDK's client and transport log; null for no logging.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names every problem.</exception>
    public McpToolSource(string name, McpToolSourceOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        McpOptionsValidator.Check(options, $"MCP server '{name}'", key => key, errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"MCP server '{name}' is not configured correctly: {string.Join(" ", errors)}", nameof(options));
        }

        Name = name;
        _options = new McpToolSourceOptions
        {
            Command = options.Command,
            Arguments = new List<string>(options.Arguments ?? new List<string>()),
            WorkingDirectory = options.WorkingDirectory,
            Environment = new Dictionary<string, string>(options.Environment ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            Endpoint = options.Endpoint,
            Headers = new Dictionary<string, string>(options.Headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase),
        };
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Amsha.Mcp");
    }

    /// <summary>The name agents and tasks list in <c>ToolSources</c>.</summary>
    public string Name { get; }

    /// <summary>The server's tools; the first call starts or connects to the server and lists them.</summary>
    /// <exception cref="McpToolSourceException">The server could not be started or reached, or did not list its tools; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    public async ValueTask<IReadOnlyList<AIFunction>> GetToolsAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ToolsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection; a stdio server's process is stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<Connection>? connection;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connection = _connection;
            _connection = null;
        }

        _lifetime.Cancel();
        if (connection is not null)
        {
            // A connect still under way is canceled and disposes what it opened, unless it completed first.
            await ((Task)connection).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (connection.IsCompletedSuccessfully)
            {
                await connection.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts closing the connection without waiting for it; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => _ = DisposeAsync().AsTask();

    /// <summary>The open connection; a new one when there is none yet, the last attempt failed, or the server has gone away.</summary>
    private async Task<Connection> ConnectionAsync(CancellationToken cancellationToken)
    {
        Task<Connection> current;
        Connection? closed = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            current = _connection ??= Connect();
            if (current.IsFaulted || current.IsCanceled || (current.IsCompletedSuccessfully && current.Result.IsClosed))
            {
                closed = current.IsCompletedSuccessfully ? current.Result : null;
                current = _connection = Connect();
            }
        }

        if (closed is not null)
        {
            await closed.DisposeAsync().ConfigureAwait(false);
        }

        // Each caller waits with its own token; a caller that gives up does not cancel the others' connection.
        return await current.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // On the thread pool, outside the lock: starting a process or opening a connection does I/O.
    private Task<Connection> Connect()
    {
        var lifetime = _lifetime.Token;
        return Task.Run(() => ConnectAsync(lifetime), CancellationToken.None);
    }

    private async Task<Connection> ConnectAsync(CancellationToken lifetime)
    {
        lock (_standardError)
        {
            _standardError.Clear();
        }

        IClientTransport transport = _options.Command is { Length: > 0 } command
            ? new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Name = Name,
                    Command = command,
                    Arguments = _options.Arguments,
                    WorkingDirectory = _options.WorkingDirectory,
                    EnvironmentVariables = _options.Environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
                    StandardErrorLines = OnStandardError,
                },
                _loggerFactory)
            : new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Name = Name,
                    Endpoint = new Uri(_options.Endpoint!),
                    AdditionalHeaders = new Dictionary<string, string>(_options.Headers, StringComparer.OrdinalIgnoreCase),
                },
                _loggerFactory);

        McpClient? client = null;
        try
        {
            var clientOptions = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "Amsha", Version = typeof(McpToolSource).Assembly.GetName().Version?.ToString() ?? "0.0.0" },
            };
            client = await McpClient.CreateAsync(transport, clientOptions, _loggerFactory, lifetime).ConfigureAwait(false);
            var connection = new Connection(this, client, transport as IAsyncDisposable, lifetime);
            var tools = await connection.ToolsAsync(lifetime).ConfigureAwait(false);
            s_connected(_logger, Name, client.ServerInfo?.Name ?? "?", client.ServerInfo?.Version ?? "?", tools.Count, null);
            return connection;
        }
        catch (Exception ex)
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            if (transport is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException && lifetime.IsCancellationRequested)
            {
                throw;
            }

            throw ex is McpToolSourceException ? ex : new McpToolSourceException(Name, Failure(client is null ? null : "did not list its tools", ex), null, ex);
        }
    }

    // What went wrong, naming the server and how it is reached (never arguments, environment or headers: they may hold secrets).
    private string Failure(string? what, Exception ex)
    {
        var how = _options.Command is { Length: > 0 } command
            ? $"could not be started (command '{command}')"
            : $"could not be reached at {McpOptionsValidator.Redacted(_options.Endpoint!)}";
        string[] lines;
        lock (_standardError)
        {
            lines = _standardError.ToArray();
        }

        // The SDK's message may quote the server's stderr already; only lines it lacks are added.
        var missing = lines.Where(line => !ex.Message.Contains(line, StringComparison.Ordinal)).ToArray();
        var standardError = missing.Length == 0 ? "" : " Its last lines on stderr: " + string.Join(" | ", missing);
        return $"MCP server '{Name}' {what ?? how}: {ex.Message}{standardError}";
    }

    private void OnStandardError(string line)
    {
        lock (_standardError)
        {
            if (_standardError.Count == StandardErrorLinesKept)
            {
                _standardError.Dequeue();
            }

            _standardError.Enqueue(line);
        }
    }

    /// <summary>One session with the server, and its tool list (listed again after the server says it changed).</summary>
    private sealed class Connection : IAsyncDisposable
    {
        private readonly McpToolSource _source;
        private readonly McpClient _client;
        private readonly IAsyncDisposable? _transport;
        private readonly IAsyncDisposable _listChanged;
        private readonly CancellationToken _lifetime;
        private readonly object _gate = new();
        private Task<IReadOnlyList<AIFunction>>? _tools;

        public Connection(McpToolSource source, McpClient client, IAsyncDisposable? transport, CancellationToken lifetime)
        {
            _source = source;
            _client = client;
            _transport = transport;
            _lifetime = lifetime;
            _listChanged = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
            {
                lock (_gate)
                {
                    _tools = null;
                }

                return default;
            });
        }

        public bool IsClosed => _client.Completion.IsCompleted;

        public Task<IReadOnlyList<AIFunction>> ToolsAsync(CancellationToken cancellationToken)
        {
            Task<IReadOnlyList<AIFunction>> tools;
            lock (_gate)
            {
                if (_tools is null || _tools.IsFaulted || _tools.IsCanceled)
                {
                    _tools = ListAsync();
                }

                tools = _tools;
            }

            return tools.WaitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _listChanged.DisposeAsync().ConfigureAwait(false);
            await _client.DisposeAsync().ConfigureAwait(false);
            if (_transport is not null)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async Task<IReadOnlyList<AIFunction>> ListAsync()
        {
            try
            {
                var listed = await _client.ListToolsAsync(cancellationToken: _lifetime).ConfigureAwait(false);
                var tools = new AIFunction[listed.Count];
                for (var i = 0; i < tools.Length; i++)
                {
                    tools[i] = new McpToolFunction(listed[i], _source.Name);
                }

                return tools;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_lifetime.IsCancellationRequested)
            {
                throw new McpToolSourceException(_source.Name, $"MCP server '{_source.Name}' did not list its tools: {ex.Message}", null, ex);
            }
        }
    }
}
