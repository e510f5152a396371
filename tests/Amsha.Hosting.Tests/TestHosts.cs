using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amsha.Hosting.Tests;

/// <summary>Generic hosts as an app builds them: Amsha with the hosted lifetime, a given model and store, logs kept.</summary>
internal static class TestHosts
{
    public static IHost Create(IChatClient client, IExecutionStore store, CollectingLoggerProvider? logs = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddAmsha().UseDefaultChatClient(client).UseStore(store).AddHostedLifetime();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// A background execution of a session named <paramref name="owner"/>, whose clock stands at
    /// <paramref name="startedAt"/> (its lease runs from then, and it never renews); it waits on its model forever.
    /// </summary>
    public static async Task<(ExecutionSession Session, ExecutionHandle Handle)> StartOwnedAsync(IExecutionStore store, string owner, DateTimeOffset startedAt, CancellationToken ct)
    {
        var model = new SteppedChatClient();
        var session = new ExecutionSession(new AmshaOptions { Llm = new LlmOptions().UseDefaultChatClient(model) }, store, timeProvider: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(startedAt))
            .UseOwner(owner);
        var handle = await session.StartBackgroundAsync(HostCrew.Definition, new HostTopic("compost"), cancellationToken: ct);
        await model.FirstCallWaiting.WaitAsync(ct);
        return (session, handle);
    }
}

/// <summary>Keeps every log entry, by event name, for assertions.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string EventName, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string EventName, LogLevel Level, string Message)> Entries => _entries.ToArray();

    public IEnumerable<string> Messages(string eventName) => Entries.Where(e => e.EventName == eventName).Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((eventId.Name ?? "", logLevel, formatter(state, exception)));
    }
}
