using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Amsha.Tests.Monitoring;

/// <summary>Records every event it receives, in arrival order.</summary>
internal sealed class RecordingObserver : IExecutionObserver
{
    private readonly List<ExecutionEvent> _events = new();

    public IReadOnlyList<ExecutionEvent> Events
    {
        get { lock (_events) { return _events.ToArray(); } }
    }

    public ValueTask OnEventAsync(ExecutionEvent executionEvent, CancellationToken cancellationToken = default)
    {
        lock (_events)
        {
            _events.Add(executionEvent);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Throws on every event.</summary>
internal sealed class ThrowingObserver : IExecutionObserver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask OnEventAsync(ExecutionEvent executionEvent, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        throw new InvalidOperationException("observer bug");
    }
}

/// <summary>Blocks on its first event until <see cref="Open"/>, then records everything.</summary>
internal sealed class GatedObserver : IExecutionObserver
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RecordingObserver _recorder = new();

    public Task Blocked => _blocked.Task;

    public IReadOnlyList<ExecutionEvent> Events => _recorder.Events;

    public void Open() => _gate.TrySetResult();

    public async ValueTask OnEventAsync(ExecutionEvent executionEvent, CancellationToken cancellationToken = default)
    {
        _blocked.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        await _recorder.OnEventAsync(executionEvent, cancellationToken);
    }
}

/// <summary>
/// Fails the first attempt of the first <c>failFirst</c> distinct calls with a transient 503, after
/// billing the prompt's input tokens (as a provider that charges for a failed request would); the
/// call path retries and the second attempt reaches the inner model.
/// </summary>
internal sealed class FirstAttemptFailingClient(IChatClient inner, int failFirst) : DelegatingChatClient(inner)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _failures;

    // A whole answer asked for (a run nobody streams) fails the same way, without usage: a failed request reports none.
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        return FailsNow(conversation)
            ? Task.FromException<ChatResponse>(new LlmProviderException("Scripted 503: the provider is busy.", 503, TimeSpan.FromMilliseconds(10)))
            : base.GetResponseAsync(conversation, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        if (FailsNow(conversation))
        {
            long input = conversation.Sum(m => OfflineChatClient.CountTokens(m.Text));
            yield return new ChatResponseUpdate { Contents = { new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = 0, TotalTokenCount = input }) } };
            throw new LlmProviderException("Scripted 503: the provider is busy.", 503, TimeSpan.FromMilliseconds(10));
        }

        await foreach (var update in base.GetStreamingResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private bool FailsNow(List<ChatMessage> conversation)
    {
        lock (_seen)
        {
            var fail = _seen.Add(string.Join("\u0001", conversation.Select(m => m.Text))) && _failures < failFirst;
            if (fail)
            {
                _failures++;
            }

            return fail;
        }
    }
}

/// <summary>Captures log entries of every category.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new StringBuilder();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    values.Append(pair.Key).Append('=').Append(pair.Value).Append(';');
                }
            }

            owner.Entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), values.ToString(), exception));
        }
    }
}

internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, string Values, Exception? Exception);

internal static class MonitoringCrews
{
    /// <summary>Research, then Write with Research as context, under a crew name of the test's choosing.</summary>
    public static CrewDefinition<string, string> TwoTasks(string crewName) =>
        new(crewName, CrewProcess.Sequential, new[]
        {
            new CrewTaskDefinition<string>(
                "Research",
                new AgentDefinition("Researcher", LlmUseCases.Default),
                Array.Empty<int>(),
                static (topic, _) => new TaskPrompt("You are a researcher.", $"Task: Research {topic}.")),
            new CrewTaskDefinition<string>(
                "Write",
                new AgentDefinition("Writer", LlmUseCases.Default),
                new[] { 0 },
                static (topic, context) =>
                {
                    var user = new StringBuilder($"Task: Write about {topic}.");
                    context.AppendContext(user, 0);
                    return new TaskPrompt("You are a writer.", user.ToString());
                }),
        });

    /// <summary>
    /// A session over <paramref name="client"/>; with <paramref name="failFirst"/>, the first attempts of
    /// that many calls fail transiently (see <see cref="FirstAttemptFailingClient"/>) and are retried.
    /// </summary>
    public static ExecutionSession UsageReportingSession(IChatClient client, int failFirst = 0, AmshaOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        options ??= new AmshaOptions();
        options.Llm.UseDefaultChatClient(failFirst > 0 ? new FirstAttemptFailingClient(client, failFirst) : client);
        return new ExecutionSession(options, loggerFactory: loggerFactory);
    }
}
