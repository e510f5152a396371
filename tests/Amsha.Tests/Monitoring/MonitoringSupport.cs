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
/// Stands in for the LLM call path's usage reporting until the call events exist on this branch:
/// reports each call's provider usage (and, for the first <c>failFirst</c> calls, a failed
/// attempt and a retry) to the session's metrics hooks, the way the call path will.
/// </summary>
internal sealed class UsageReportingChatClient : IChatClient
{
    private readonly IChatClient _inner;
    private readonly Func<(string ExecutionId, string TaskName)> _current;
    private int _failuresLeft;

    public UsageReportingChatClient(IChatClient inner, Func<(string ExecutionId, string TaskName)> current, int failFirst = 0)
    {
        _inner = inner;
        _current = current;
        _failuresLeft = failFirst;
    }

    public ExecutionSession? Session { get; set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Crews stream.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (executionId, taskName) = _current();
        var metrics = Session!.Monitor.Metrics;
        var attempt = 1;
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            // A transient failure after the prompt was sent: its input tokens were spent.
            var input = messages.Sum(m => (long)OfflineChatClient.CountTokens(m.Text));
            metrics.RecordLlmCall(executionId, taskName, input, 0, attempt, failed: true);
            metrics.RecordRetry(executionId, taskName, attempt);
            attempt++;
        }

        await foreach (var update in _inner.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                metrics.RecordLlmCall(executionId, taskName, usage.Details.InputTokenCount ?? 0, usage.Details.OutputTokenCount ?? 0, attempt, failed: false, usage.Details.TotalTokenCount);
            }

            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();
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
    /// A session whose model is <paramref name="client"/> wrapped in a <see cref="UsageReportingChatClient"/>
    /// that attributes usage to the task that last started.
    /// </summary>
    public static ExecutionSession UsageReportingSession(IChatClient client, int failFirst = 0, AmshaOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        // Tasks of one execution run one after another, so the last started task is the caller.
        TaskStartedEvent? lastStarted = null;
        var reporting = new UsageReportingChatClient(
            client,
            () => Volatile.Read(ref lastStarted) is { } task ? (task.ExecutionId, task.TaskName) : ("", ""),
            failFirst);
        options ??= new AmshaOptions();
        options.Llm.UseDefaultChatClient(reporting);
        var session = new ExecutionSession(options, null, loggerFactory);
        reporting.Session = session;
        session.Subscribe(e =>
        {
            if (e is TaskStartedEvent started)
            {
                Volatile.Write(ref lastStarted, started);
            }
        });
        return session;
    }
}
