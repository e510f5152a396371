using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Amsha;

/// <summary>
/// The primary client API: holds the LLM factory and options, and starts crew executions.
/// Generated crews take one in their constructor. Create it in code
/// (<c>new ExecutionSession()</c> runs everything on the offline model) or register it
/// with <c>services.AddAmsha(...)</c>.
/// </summary>
public sealed class ExecutionSession : IDisposable, IAsyncDisposable
{
    private readonly List<Action<ExecutionEvent>> _listeners = new();
    private readonly SessionMonitor _monitor;

    /// <summary>A session with embedded defaults: every use case answers from the <see cref="OfflineChatClient"/>.</summary>
    public ExecutionSession()
        : this(new AmshaOptions())
    {
    }

    /// <summary>A session over <paramref name="options"/>.</summary>
    public ExecutionSession(AmshaOptions options)
        : this(options, null, null)
    {
    }

    /// <summary>A session over <paramref name="options"/> that reports to <paramref name="observers"/> and logs through <paramref name="loggerFactory"/>.</summary>
    /// <param name="options">The session's options.</param>
    /// <param name="observers">Observers of every execution (see <see cref="AddObserver"/>); null for none.</param>
    /// <param name="loggerFactory">Where Amsha logs (categories <c>Amsha.*</c>); null for no logging.</param>
    public ExecutionSession(AmshaOptions options, IEnumerable<IExecutionObserver>? observers, ILoggerFactory? loggerFactory)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Llm = new LlmFactory(options.Llm);
        _monitor = new SessionMonitor(options, observers, loggerFactory);
    }

    /// <summary>The session's options.</summary>
    public AmshaOptions Options { get; }

    /// <summary>The LLM factory: use case name to chat client.</summary>
    public LlmFactory Llm { get; }

    /// <summary>Starts an execution of <paramref name="crew"/>; generated crew members call this.</summary>
    /// <param name="crew">The crew's compile-time plan.</param>
    /// <param name="input">The crew's input.</param>
    /// <param name="mode">Interactive (streams) or background (detached).</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    public ExecutionHandle<TOutput> Start<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionMode mode = ExecutionMode.Interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var run = new CrewRun<TInput, TOutput>(this, crew, input, NewExecutionId(), mode, cancellationToken);

        // Both modes run off the caller's thread; Start returns at once and the handle follows the run.
        _ = Task.Run(run.RunToEndAsync, CancellationToken.None);
        return new ExecutionHandle<TOutput>(run);
    }

    /// <summary>Runs <paramref name="crew"/> interactively and waits for its result.</summary>
    public Task<CrewResult<TOutput>> RunAsync<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, CancellationToken cancellationToken = default) =>
        Start(crew, input, ExecutionMode.Interactive, cancellationToken).ResultAsync(CancellationToken.None);

    /// <summary>Subscribes <paramref name="listener"/> to every event of every execution of this session.</summary>
    /// <returns>Disposing it unsubscribes.</returns>
    public IDisposable Subscribe(Action<ExecutionEvent> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    /// <summary>
    /// Adds <paramref name="observer"/>: from now on it receives every event of every execution,
    /// in order per execution, through its own bounded buffer (see <see cref="IExecutionObserver"/>).
    /// </summary>
    public void AddObserver(IExecutionObserver observer) => _monitor.Add(observer);

    /// <summary>Completes when every observer has handled every event appended before the call.</summary>
    /// <param name="cancellationToken">Stops waiting (e.g. for an observer that is stuck).</param>
    public Task FlushObserversAsync(CancellationToken cancellationToken = default) => _monitor.FlushAsync(cancellationToken);

    /// <summary>Stops observer delivery at once; buffered events are not delivered. Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => _monitor.Dispose();

    /// <summary>Delivers every buffered event to the observers, then stops them.</summary>
    public ValueTask DisposeAsync() => _monitor.DisposeAsync();

    internal SessionMonitor Monitor => _monitor;

    internal void Observe(ExecutionEvent e)
    {
        _monitor.Observe(e);
        Action<ExecutionEvent>[] listeners;
        lock (_listeners)
        {
            if (_listeners.Count == 0)
            {
                return;
            }

            listeners = _listeners.ToArray();
        }

        foreach (var listener in listeners)
        {
            try
            {
                listener(e);
            }
            catch (Exception)
            {
                // A listener's failure must never change the execution it watches.
            }
        }
    }

    private static string NewExecutionId() => Guid.NewGuid().ToString("N");

    private sealed class Subscription : IDisposable
    {
        private readonly ExecutionSession _session;
        private Action<ExecutionEvent>? _listener;

        public Subscription(ExecutionSession session, Action<ExecutionEvent> listener)
        {
            _session = session;
            _listener = listener;
        }

        public void Dispose()
        {
            var listener = Interlocked.Exchange(ref _listener, null);
            if (listener is not null)
            {
                lock (_session._listeners)
                {
                    _session._listeners.Remove(listener);
                }
            }
        }
    }
}
