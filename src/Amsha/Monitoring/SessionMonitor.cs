using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Amsha;

/// <summary>
/// A session's monitoring: the execution logger (fed synchronously, cheap) and one isolated
/// dispatcher per registered observer. Metrics are not here: each run builds its own.
/// </summary>
internal sealed class SessionMonitor
{
    private readonly object _gate = new();
    private readonly ILogger _monitoringLogger;
    private readonly ExecutionLogger _executionLogger;
    private readonly ILogger _llmLogger;
    private readonly int _capacity;
    private ObserverDispatcher[] _dispatchers = Array.Empty<ObserverDispatcher>();
    private bool _disposed;

    public SessionMonitor(AmshaOptions options, IEnumerable<IExecutionObserver>? observers, ILoggerFactory? loggerFactory)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        _monitoringLogger = loggerFactory.CreateLogger(AmshaLog.MonitoringCategory);
        _llmLogger = loggerFactory.CreateLogger(AmshaLog.LlmCategory);
        _executionLogger = new ExecutionLogger(loggerFactory.CreateLogger(AmshaLog.ExecutionCategory), _llmLogger, options.CaptureMessageContent);
        _capacity = options.ObserverBufferCapacity > 0
            ? options.ObserverBufferCapacity
            : throw new ArgumentOutOfRangeException(nameof(options), options.ObserverBufferCapacity, "AmshaOptions.ObserverBufferCapacity must be at least 1.");
        LoggerFactory = loggerFactory;
        if (observers is not null)
        {
            foreach (var observer in observers)
            {
                Add(observer);
            }
        }
    }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Whether an LLM call's events reach anyone here: an observer, or an LLM log that is enabled at all.</summary>
    public bool WantsLlmCallEvents => Volatile.Read(ref _dispatchers).Length > 0 || _llmLogger.IsEnabled(LogLevel.Critical);

    /// <summary>Whether an observer is registered: observers receive every event, token deltas included (logs do not).</summary>
    public bool HasObservers => Volatile.Read(ref _dispatchers).Length > 0;

    public void Add(IExecutionObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(ExecutionSession));
            var dispatchers = new ObserverDispatcher[_dispatchers.Length + 1];
            _dispatchers.CopyTo(dispatchers, 0);
            dispatchers[^1] = new ObserverDispatcher(observer, _capacity, _monitoringLogger);
            Volatile.Write(ref _dispatchers, dispatchers);
        }
    }

    /// <summary>Called for every appended event, on the appending thread; never throws, never waits.</summary>
    public void Observe(ExecutionEvent e)
    {
        // Token deltas are the hot path (one per streamed token): logs have nothing to do with them.
        if (e is not TokenDeltaEvent)
        {
            try
            {
                _executionLogger.Observe(e);
            }
            catch (Exception)
            {
                // Monitoring must never change the execution it watches (e.g. a logging provider that throws).
            }
        }

        foreach (var dispatcher in Volatile.Read(ref _dispatchers))
        {
            dispatcher.Post(e);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var dispatchers = Volatile.Read(ref _dispatchers);
        if (dispatchers.Length == 0)
        {
            return Task.CompletedTask;
        }

        var flushes = new Task[dispatchers.Length];
        for (var i = 0; i < dispatchers.Length; i++)
        {
            flushes[i] = dispatchers[i].FlushAsync(cancellationToken);
        }

        return Task.WhenAll(flushes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dispatcher in Close())
        {
            await dispatcher.DrainAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var dispatcher in Close())
        {
            dispatcher.Stop();
        }
    }

    private ObserverDispatcher[] Close()
    {
        lock (_gate)
        {
            _disposed = true;
            return Interlocked.Exchange(ref _dispatchers, Array.Empty<ObserverDispatcher>());
        }
    }
}
