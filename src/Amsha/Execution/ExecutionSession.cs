using System;
using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<string, object> _liveBackgroundRuns = new(StringComparer.Ordinal);
    private readonly object _resumeGate = new();
    private readonly Lazy<IExecutionStore> _store;
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
        _store = new Lazy<IExecutionStore>(() => options.Store ?? new FileExecutionStore());
        _monitor = new SessionMonitor(options, observers, loggerFactory);
    }

    /// <summary>The session's options.</summary>
    public AmshaOptions Options { get; }

    /// <summary>The LLM factory: use case name to chat client.</summary>
    public LlmFactory Llm { get; }

    /// <summary>
    /// Where background executions are checkpointed: <see cref="AmshaOptions.Store"/>, or a
    /// <see cref="FileExecutionStore"/> in <see cref="FileExecutionStore.DefaultDirectory"/> (created on first use).
    /// </summary>
    public IExecutionStore Store => _store.Value;

    /// <summary>Starts an execution of <paramref name="crew"/>; generated crew members call this.</summary>
    /// <param name="crew">The crew's compile-time plan.</param>
    /// <param name="input">The crew's input.</param>
    /// <param name="mode">Interactive (streams) or background (detached).</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Generated crews call the short overload positionally; the options overload is the longer one.")]
    public ExecutionHandle<TOutput> Start<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionMode mode = ExecutionMode.Interactive, CancellationToken cancellationToken = default) =>
        Start(crew, input, mode, null, cancellationToken);

    /// <summary>Starts an execution of <paramref name="crew"/> with per-execution <paramref name="options"/>.</summary>
    /// <param name="crew">The crew's compile-time plan.</param>
    /// <param name="input">The crew's input.</param>
    /// <param name="mode">Interactive (streams) or background (detached, checkpointed to the store after every task).</param>
    /// <param name="options">The execution's state and store; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <exception cref="InvalidOperationException">A background execution's input type has no registered <see cref="JsonCodec{T}"/>.</exception>
    public ExecutionHandle<TOutput> Start<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionMode mode, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var executionId = NewExecutionId();
        ExecutionCheckpoints? checkpoints = null;
        if (mode == ExecutionMode.Background)
        {
            // The first record is written before Start returns, so the id can be looked up (and resumed) at once.
            var now = DateTimeOffset.UtcNow;
            var state = options?.State;
            var stateVersion = state?.Version ?? 0; // read before saving, as checkpoints do
            var record = new ExecutionRecord
            {
                ExecutionId = executionId,
                CrewName = crew.Name,
                Mode = mode,
                Status = ExecutionStatus.Pending,
                StatusHistory = new[] { new ExecutionStatusChange(ExecutionStatus.Pending, now) },
                InputJson = SerializeInput(crew, input),
                TotalTasks = crew.Tasks.Count,
                StateJson = state?.Save(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            var store = options?.Store ?? Store;
            checkpoints = new ExecutionCheckpoints(store, store.SaveAsync(record).AsTask().GetAwaiter().GetResult(), state, stateVersion);
        }

        return Launch(new CrewRun<TInput, TOutput>(this, crew, input, executionId, mode, cancellationToken, options?.State, checkpoints));
    }

    /// <summary>Runs <paramref name="crew"/> interactively and waits for its result.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Generated crews call the short overload positionally; the options overload is the longer one.")]
    public Task<CrewResult<TOutput>> RunAsync<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, CancellationToken cancellationToken = default) =>
        Start(crew, input, ExecutionMode.Interactive, cancellationToken).ResultAsync(CancellationToken.None);

    /// <summary>Runs <paramref name="crew"/> interactively with per-execution <paramref name="options"/> and waits for its result.</summary>
    public Task<CrewResult<TOutput>> RunAsync<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options, CancellationToken cancellationToken) =>
        Start(crew, input, ExecutionMode.Interactive, options, cancellationToken).ResultAsync(CancellationToken.None);

    /// <summary>
    /// Continues the background execution <paramref name="executionId"/> from its last checkpoint: finished
    /// tasks keep their stored outputs, only unfinished tasks run, with the stored input and state.
    /// A succeeded execution returns its stored result without running anything. Amsha never resumes on its own.
    /// </summary>
    /// <param name="crew">The crew's compile-time plan; must be the crew that started the execution.</param>
    /// <param name="executionId">The id of a background execution in the store.</param>
    /// <param name="options">The store to read (the session's when null); a state here is used only if the record has none.</param>
    /// <exception cref="ExecutionNotFoundException">The store has no execution with that id.</exception>
    /// <exception cref="ExecutionCrewMismatchException">The execution was started by another crew.</exception>
    /// <exception cref="ExecutionStoreCorruptedException">The stored record is damaged.</exception>
    public ExecutionHandle<TOutput> Resume<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);

        // One resume at a time: two concurrent resumes of one execution would otherwise both read the
        // store and both run its unfinished tasks, until the store's revision check failed one of them.
        lock (_resumeGate)
        {
            // Still running in this session: resuming means following the same run. A run that has just
            // ended (canceled, say) may not have left the live set yet; it is resumed from the store.
            if (_liveBackgroundRuns.TryGetValue(executionId, out var live) && live is ICrewNamed { Status: ExecutionStatus.Pending or ExecutionStatus.Running } running)
            {
                return live is CrewRun<TInput, TOutput> same && same.CrewName == crew.Name
                    ? new ExecutionHandle<TOutput>(same)
                    : throw new ExecutionCrewMismatchException(executionId, running.CrewName, crew.Name);
            }

            var store = options?.Store ?? Store;
            var record = store.GetAsync(executionId).AsTask().GetAwaiter().GetResult() ?? throw new ExecutionNotFoundException(executionId);
            if (!string.Equals(record.CrewName, crew.Name, StringComparison.Ordinal))
            {
                throw new ExecutionCrewMismatchException(executionId, record.CrewName, crew.Name);
            }

            var input = JsonCodecs.TryGet<TInput>(out var inputCodec)
                ? JsonCodecs.Deserialize(inputCodec, record.InputJson)
                : throw MissingInputCodec(crew);
            var storedState = record.StateJson is null ? null : ExecutionState.Load(record.StateJson);
            var state = storedState ?? options?.State;
            var checkpoints = new ExecutionCheckpoints(store, record, storedState, storedState?.Version ?? 0);
            var run = new CrewRun<TInput, TOutput>(this, crew, input, executionId, ExecutionMode.Background, CancellationToken.None, state, checkpoints);
            if (record.Status == ExecutionStatus.Succeeded && run.StoredResult is { } stored)
            {
                stored.Metrics = record.Metrics;
                run.CompleteWithStoredResult(stored);
                return new ExecutionHandle<TOutput>(run);
            }

            if (record.Metrics is { } previous)
            {
                // Before the run's first event, so its metrics continue from the stored figures of earlier runs.
                _monitor.Metrics.Carry(executionId, previous);
            }

            return Launch(run);
        }
    }

    /// <summary>The stored record of background execution <paramref name="executionId"/>: status, progress, outputs, state, error, metrics.</summary>
    /// <remarks>Reads the store, so it also sees executions of other processes sharing the store.</remarks>
    /// <exception cref="ExecutionNotFoundException">The store has no execution with that id.</exception>
    /// <exception cref="ExecutionStoreCorruptedException">The stored record is damaged.</exception>
    public async Task<ExecutionRecord> GetExecutionAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        return await Store.GetAsync(executionId, cancellationToken).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(executionId);
    }

    /// <summary>The stored background executions, oldest first; only those of <paramref name="crewName"/> when given.</summary>
    public Task<IReadOnlyList<ExecutionRecord>> ListExecutionsAsync(string? crewName = null, CancellationToken cancellationToken = default) =>
        Store.ListAsync(crewName, cancellationToken).AsTask();

    /// <summary>
    /// Subscribes <paramref name="listener"/> to every event of every execution of this session. It runs
    /// synchronously, in order, as each event is recorded: keep it short and non-blocking. For isolated,
    /// buffered delivery (slow or failing consumers) register an <see cref="IExecutionObserver"/> instead.
    /// </summary>
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

    private static string SerializeInput<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input) =>
        JsonCodecs.TryGet<TInput>(out var codec) ? JsonCodecs.Serialize(codec, input) : throw MissingInputCodec(crew);

    private static InvalidOperationException MissingInputCodec<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew) =>
        new($"Crew '{crew.Name}' cannot run in the background: its input type '{typeof(TInput).FullName}' has no JSON serializer registered in JsonCodecs, so the input cannot be stored for resume. Register a JsonCodec<{typeof(TInput).Name}> with JsonCodecs.Register (the Amsha generator emits one for crew input types).");

    private ExecutionHandle<TOutput> Launch<TInput, TOutput>(CrewRun<TInput, TOutput> run)
    {
        if (run.Mode == ExecutionMode.Background)
        {
            _liveBackgroundRuns[run.ExecutionId] = run;
        }

        // Both modes run off the caller's thread; Start returns at once and the handle follows the run.
        _ = Task.Run(async () =>
        {
            await run.RunToEndAsync().ConfigureAwait(false);
            // Only this run's entry: a resumed run of the same execution may have replaced it already.
            _liveBackgroundRuns.TryRemove(new KeyValuePair<string, object>(run.ExecutionId, run));
        }, CancellationToken.None);
        return new ExecutionHandle<TOutput>(run);
    }

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
