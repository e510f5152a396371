using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Amsha.Serialization;
using Microsoft.Extensions.Logging;

namespace Amsha;

/// <summary>
/// The primary client API: holds the LLM factory, the execution store, observers and options; runs the
/// executions of generated crews; looks executions up by id. Create it in code (<c>new ExecutionSession()</c>
/// runs everything on the offline model) or register it with <c>services.AddAmsha()</c>.
/// </summary>
public sealed partial class ExecutionSession : IDisposable, IAsyncDisposable
{
    private readonly object _listenersGate = new();
    private Action<ExecutionEvent>[] _listeners = Array.Empty<Action<ExecutionEvent>>();

    // Background runs of this session that have not ended: Resume follows a run that is still going
    // instead of starting a second one, and two resumes of one id become one run.
    private readonly Dictionary<string, ILiveRun> _liveBackgroundRuns = new(StringComparer.Ordinal);
    private readonly Lazy<IExecutionStore> _store;

    // Canceled by StopAsync: interactive runs link to it; new starts are refused once it is.
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _stopRequested;
    private IExecutionDispatcher? _dispatcher;
    private ExecutionLease? _lease;
    private readonly SessionMonitor _monitor;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> _toolboxes = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IToolSource> _toolSources = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A session with embedded defaults: every use case answers from the <see cref="OfflineChatClient"/>.</summary>
    public ExecutionSession()
        : this(new AmshaOptions())
    {
    }

    /// <summary>A session over <paramref name="options"/>.</summary>
    /// <param name="options">The session's options (validated here).</param>
    /// <param name="store">Where background executions are kept; a <see cref="FileExecutionStore"/> in
    /// <see cref="FileExecutionStore.DefaultDirectory"/> (created on first use) when null.</param>
    /// <param name="observers">Observers of every execution (see <see cref="AddObserver"/>); null for none.</param>
    /// <param name="loggerFactory">Where Amsha logs (categories <c>Amsha.*</c>); null for no logging.</param>
    /// <param name="timeProvider">The clock of timestamps, durations, retry delays and timeouts; the system clock when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the failures name every problem.</exception>
    public ExecutionSession(AmshaOptions options, IExecutionStore? store = null, IEnumerable<IExecutionObserver>? observers = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        AmshaOptionsValidator.ThrowIfInvalid(options);
        Options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Llm = new LlmFactory(options.Llm, TimeProvider);
        _store = store is null ? new Lazy<IExecutionStore>(() => new FileExecutionStore()) : new Lazy<IExecutionStore>(store);
        _monitor = new SessionMonitor(options, observers, loggerFactory);
        _definitions = new SessionDefinitions(Llm.IsUseCase, _monitor.LoggerFactory);
    }

    /// <summary>
    /// Runs this session's background executions elsewhere from now on (a cluster: <c>Amsha.Orleans</c>): starts and
    /// resumes store or read the record here and hand the execution to <paramref name="dispatcher"/>; handles follow it
    /// there. Interactive executions, and background ones with their own <see cref="ExecutionOptions.Store"/>, run here.
    /// </summary>
    /// <returns>This session.</returns>
    public ExecutionSession UseDispatcher(IExecutionDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        Volatile.Write(ref _dispatcher, dispatcher);
        return this;
    }

    /// <summary>
    /// Names the process this session runs in (a silo's address, a host name and process id): from now on the records
    /// of its running background executions carry <paramref name="ownerId"/> and a lease of
    /// <paramref name="leaseDuration"/> (30 s when null), renewed every third of it while the run goes on and released
    /// when it stops. A record still <see cref="ExecutionStatus.Running"/> after its lease expired is orphaned — its
    /// process is gone: <see cref="ListOrphanedExecutionsAsync"/> finds such records, and a client resumes them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseDuration"/> is under a second, or over about 149 days (its renewal period must fit one timer).</exception>
    /// <returns>This session.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The lease is shorter than a second.</exception>
    public ExecutionSession UseOwner(string ownerId, TimeSpan? leaseDuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        var duration = leaseDuration ?? ExecutionLease.DefaultDuration;
        if (duration < ExecutionLease.ShortestDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), duration, "A lease must last at least a second.");
        }

        if (duration > ExecutionLease.LongestDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), duration, $"A lease must last at most {ExecutionLease.LongestDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture)}: a running execution renews it every third of it, on a timer, and one timer reaches about 49.7 days.");
        }

        Volatile.Write(ref _lease, new ExecutionLease(ownerId, duration));
        return this;
    }

    /// <summary>
    /// The stored executions whose owner is gone: <see cref="ExecutionStatus.Running"/> (or pending) with a lease that
    /// expired (see <see cref="ExecutionRecord.IsOrphanedAt"/>), oldest first; only those of <paramref name="crewName"/>
    /// when given. Nothing resumes them on its own: call <c>ResumeAsync</c> for each one this process should take over.
    /// </summary>
    public async Task<IReadOnlyList<ExecutionRecord>> ListOrphanedExecutionsAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        var now = TimeProvider.GetUtcNow();
        var orphaned = new List<ExecutionRecord>();
        var query = new ExecutionQuery { CrewName = crewName, Statuses = [ExecutionStatus.Running, ExecutionStatus.Pending], OldestFirst = true, Take = ExecutionQuery.MaxTake };
        while (true)
        {
            var page = await Store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Items)
            {
                if (record.IsOrphanedAt(now))
                {
                    orphaned.Add(record);
                }
            }

            if (page.Items.Count < query.Take)
            {
                return orphaned;
            }

            query = query with { Skip = query.Skip + query.Take };
        }
    }

    /// <summary>The session's options.</summary>
    public AmshaOptions Options { get; }

    /// <summary>The LLM factory: use case name to chat client.</summary>
    public LlmFactory Llm { get; }

    /// <summary>Where background executions are kept and looked up.</summary>
    public IExecutionStore Store => _store.Value;

    internal TimeProvider TimeProvider { get; }

    /// <summary>The app's service container, when the session came from <c>AddAmsha()</c>: toolboxes resolve from it.</summary>
    internal IServiceProvider? Services { get; init; }

    /// <summary>
    /// Makes <paramref name="toolbox"/> the instance every task of this session that uses <typeparamref name="TToolbox"/>
    /// calls. Without it a toolbox comes from the service container (the generated <c>AddAmshaCrews()</c> registers
    /// each one) or, lacking both, from its parameterless constructor.
    /// </summary>
    /// <returns>This session.</returns>
    public ExecutionSession AddToolbox<TToolbox>(TToolbox toolbox)
        where TToolbox : class
    {
        ArgumentNullException.ThrowIfNull(toolbox);
        _toolboxes[typeof(TToolbox)] = toolbox;
        return this;
    }

    /// <summary>Makes the tools of <paramref name="source"/> available to agents and tasks that list its name in <c>ToolSources</c>.</summary>
    /// <returns>This session.</returns>
    public ExecutionSession AddToolSource(IToolSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(source.Name);
        _toolSources[source.Name] = source;
        return this;
    }

    /// <summary>The tool source named <paramref name="name"/>: added to the session, an <see cref="IToolSource"/> service keyed by its name, or one whose <see cref="IToolSource.Name"/> it is.</summary>
    /// <exception cref="ToolCallException">There is none.</exception>
    internal IToolSource ResolveToolSource(string name)
    {
        if (_toolSources.TryGetValue(name, out var added))
        {
            return added;
        }

        // A package that learns its sources' names from configuration (Amsha.Mcp) registers them by key.
        if (Services is Microsoft.Extensions.DependencyInjection.IKeyedServiceProvider keyed && keyed.GetKeyedService(typeof(IToolSource), name) is IToolSource byName)
        {
            return byName;
        }

        if (Services?.GetService(typeof(IEnumerable<IToolSource>)) is IEnumerable<IToolSource> registered)
        {
            foreach (var source in registered)
            {
                if (string.Equals(source.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return source;
                }
            }
        }

        throw new ToolCallException($"There is no tool source named '{name}': add it with session.AddToolSource(...), register an IToolSource service, or (for an MCP server) configure Amsha:Mcp:Servers:{name}.");
    }

    /// <summary>The instance of <paramref name="toolbox"/> a task calls: added to the session, from the container, or new.</summary>
    /// <exception cref="ToolCallException">None of the three gives one.</exception>
    internal object ResolveToolbox(Generated.ToolboxDefinition toolbox)
    {
        if (_toolboxes.TryGetValue(toolbox.Type, out var added))
        {
            return added;
        }

        return Services?.GetService(toolbox.Type)
            ?? toolbox.CreateDefault()
            ?? throw new ToolCallException(
                $"Toolbox '{toolbox.Name}' has no instance: register it in the service container (the generated AddAmshaCrews() does), add one with session.AddToolbox(new {toolbox.Name}(...)), or give it a parameterless constructor.");
    }

    /// <summary>The stored record of background execution <paramref name="executionId"/>: status, progress, outputs, state, error, metrics.</summary>
    /// <remarks>Reads the store, so it also sees executions of other processes sharing the store.</remarks>
    /// <exception cref="ExecutionNotFoundException">The store has no execution with that id.</exception>
    /// <exception cref="ExecutionStoreCorruptedException">The stored record is damaged.</exception>
    /// <remarks>An execution whose input request passed its deadline is marked <see cref="ExecutionStatus.InputExpired"/> as it is read.</remarks>
    public async Task<ExecutionRecord> GetExecutionAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        var record = await Store.GetAsync(executionId, cancellationToken).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(executionId);
        return await ExpireIfOverdueAsync(Store, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored background executions, oldest first; only those of <paramref name="crewName"/> when given.</summary>
    /// <remarks>An execution whose input request passed its deadline is marked <see cref="ExecutionStatus.InputExpired"/> as it is read.</remarks>
    public async Task<IReadOnlyList<ExecutionRecord>> ListExecutionsAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        var records = await Store.ListAsync(crewName, cancellationToken).ConfigureAwait(false);
        List<ExecutionRecord>? current = null;
        for (var i = 0; i < records.Count; i++)
        {
            var record = await ExpireIfOverdueAsync(Store, records[i], cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(record, records[i]))
            {
                current ??= new List<ExecutionRecord>(records);
                current[i] = record;
            }
        }

        return current ?? records;
    }

    /// <summary>
    /// One page of the stored background executions that match <paramref name="query"/> (crew, statuses; newest first
    /// by default), with the number of all that match: <c>new ExecutionQuery { Statuses = [ExecutionStatus.Running], Take = 50 }</c>.
    /// </summary>
    /// <remarks>An execution whose input request passed its deadline is marked <see cref="ExecutionStatus.InputExpired"/> as it is read.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The query's Skip or Take is out of range.</exception>
    public async Task<ExecutionPage> QueryExecutionsAsync(ExecutionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var page = await Store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        List<ExecutionRecord>? current = null;
        for (var i = 0; i < page.Items.Count; i++)
        {
            var record = await ExpireIfOverdueAsync(Store, page.Items[i], cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(record, page.Items[i]))
            {
                current ??= new List<ExecutionRecord>(page.Items);
                current[i] = record;
            }
        }

        return current is null ? page : page with { Items = current };
    }

    /// <summary>
    /// The handle of a background execution running in this session now (started or resumed here, not yet ended);
    /// null when it does not run here (it ended, waits for input, runs in another process, or is unknown).
    /// </summary>
    /// <param name="executionId">The execution's id.</param>
    public ExecutionHandle? FindRunning(string executionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        lock (_liveBackgroundRuns)
        {
            return _liveBackgroundRuns.TryGetValue(executionId, out var run) && run.Status is ExecutionStatus.Pending or ExecutionStatus.Running
                ? run.UntypedHandle
                : null;
        }
    }

    /// <summary>Whether <see cref="StopAsync"/> has been called: the session starts and resumes nothing more.</summary>
    public bool IsStopping => _stopRequested;

    /// <summary>
    /// Stops the session's executions for a shutdown (Amsha.Hosting calls it when the host stops). Interactive
    /// executions are canceled; background executions stop where they are and are stored
    /// <see cref="ExecutionStatus.Interrupted"/> with every finished task, so <c>ResumeAsync</c> runs the rest later
    /// (a task that was half done runs again). From the call on, starting or resuming an execution throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the host's shutdown timeout); the executions are stopped regardless.</param>
    /// <returns>Completes once every background run of the session has stored its record and ended.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ILiveRun[] runs;
        lock (_liveBackgroundRuns)
        {
            _stopRequested = true;
            runs = new ILiveRun[_liveBackgroundRuns.Count];
            _liveBackgroundRuns.Values.CopyTo(runs, 0);
        }

        // Outside the lock: canceling runs the interactive runs' cancellation callbacks inline.
        _stopping.Cancel();
        var ended = new Task[runs.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i].Interrupt();
            ended[i] = runs[i].Ended;
        }

        await Task.WhenAll(ended).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Subscribes <paramref name="listener"/> to every event of every execution of this session. It runs
    /// synchronously, in order, as each event is recorded: keep it short and non-blocking. For isolated,
    /// buffered delivery (slow or failing consumers) register an <see cref="IExecutionObserver"/> instead.
    /// </summary>
    /// <returns>Disposing it unsubscribes.</returns>
    public IDisposable Subscribe(Action<ExecutionEvent> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_listenersGate)
        {
            var listeners = new Action<ExecutionEvent>[_listeners.Length + 1];
            _listeners.CopyTo(listeners, 0);
            listeners[^1] = listener;
            Volatile.Write(ref _listeners, listeners);
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
    public void Dispose()
    {
        _definitions.Dispose();
        _monitor.Dispose();
    }

    /// <summary>Delivers every buffered event to the observers, then stops them.</summary>
    public ValueTask DisposeAsync()
    {
        _definitions.Dispose();
        return _monitor.DisposeAsync();
    }

    /// <summary>The owner and lease the records of this session's running executions carry; null when it names no owner.</summary>
    internal ExecutionLease? Lease => Volatile.Read(ref _lease);

    /// <summary>Canceled once the session stops; interactive runs end with it.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    internal InteractiveExecutionHandle<TOutput> StartInteractiveRun<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ThrowIfStopping(crew.Name);
        var run = CrewRun<TInput, TOutput>.Interactive(this, crew, NewExecutionId(), input, options, cancellationToken);
        run.HandOutEventStream();
        run.Launch();
        return (InteractiveExecutionHandle<TOutput>)run.Handle;
    }

    /// <summary>
    /// Runs an interactive execution on the caller's own asynchronous flow and returns its result: the caller awaits the
    /// result anyway, so the run needs no thread of its own and the result no hop back to the caller.
    /// </summary>
    internal async Task<CrewResult<TOutput>> RunInteractiveAsync<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ThrowIfStopping(crew.Name);
        var run = CrewRun<TInput, TOutput>.Interactive(this, crew, NewExecutionId(), input, options, cancellationToken);
        await run.RunToEndAsync().ConfigureAwait(false);
        return await run.Completion.ConfigureAwait(false);
    }

    internal ExecutionRun<TOutput> StartBackgroundRun<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(crew);

        // Serialized here, on the caller's thread: a missing codec is a programming error, not an outcome of the run.
        var inputJson = JsonCodecs.TryGet<TInput>(out var codec) ? JsonCodecs.Serialize(codec, input) : throw MissingInputCodec(crew);
        ExecutionRun<TOutput> run = Dispatches(options) is { } dispatcher
            ? DispatchedRun<TInput, TOutput>.Start(this, dispatcher, crew, NewExecutionId(), inputJson, options)
            : CrewRun<TInput, TOutput>.Background(this, crew, NewExecutionId(), input, inputJson, options);
        lock (_liveBackgroundRuns)
        {
            // Checked under the lock StopAsync takes: a run either is refused here or is one StopAsync interrupts.
            ThrowIfStopping(crew.Name);
            _liveBackgroundRuns[run.ExecutionId] = run;
        }

        run.Launch();
        return run;
    }

    internal ExecutionRun<TOutput> ResumeRun<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        ExecutionRun<TOutput> run;
        lock (_liveBackgroundRuns)
        {
            ThrowIfStopping(crew.Name);

            // Still going in this session (a resume started a moment ago included): follow that run. A run
            // that has just ended (canceled, say) may not have left the set yet; it is resumed from the store.
            if (_liveBackgroundRuns.TryGetValue(executionId, out var live) && live.Status is ExecutionStatus.Pending or ExecutionStatus.Running)
            {
                if (live is not ExecutionRun<TOutput> same || same.CrewName != crew.Name)
                {
                    throw new ExecutionCrewMismatchException(executionId, live.CrewName, crew.Name);
                }

                // A run followed elsewhere may have lost its worker: hand it over again (a worker that runs it ignores that).
                // (Whatever the input type the caller knows: a resume by id alone sees the crew's input as JSON.)
                if (same is IDispatchedRun dispatched)
                {
                    dispatched.DispatchAgain();
                }

                return same;
            }

            run = Dispatches(options) is { } dispatcher
                ? DispatchedRun<TInput, TOutput>.Resumed(this, dispatcher, crew, executionId, options)
                : CrewRun<TInput, TOutput>.Resumed(this, crew, executionId, options);
            _liveBackgroundRuns[executionId] = run;
        }

        run.Launch();
        return run;
    }

    /// <summary>Background runs this session tracks now (running, or resuming); a run waiting for input is not one of them.</summary>
    internal int LiveBackgroundRunCount
    {
        get
        {
            lock (_liveBackgroundRuns)
            {
                return _liveBackgroundRuns.Count;
            }
        }
    }

    /// <summary>Whether token deltas reach anyone through the session: a subscriber or an observer (logs leave them out).</summary>
    internal bool WantsTokenDeltas => Volatile.Read(ref _listeners).Length > 0 || _monitor.HasObservers;

    /// <summary>Whether the events of an <c>[AmshaLlmCall]</c> invocation reach anyone: a subscriber, an observer or an enabled log.</summary>
    internal bool WantsLlmCallEvents => Volatile.Read(ref _listeners).Length > 0 || _monitor.WantsLlmCallEvents;

    internal void Observe(ExecutionEvent e)
    {
        _monitor.Observe(e);
        foreach (var listener in Volatile.Read(ref _listeners))
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

    internal static InvalidOperationException MissingInputCodec<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew) =>
        new($"Crew '{crew.Name}' cannot run in the background: its input type '{typeof(TInput).FullName}' has no JSON serializer registered in JsonCodecs, so the input cannot be stored for resume. Register a JsonCodec<{typeof(TInput).Name}> with JsonCodecs.Register (the Amsha generator emits one for crew input types).");

    // A dispatcher's workers find executions in the session's store only.
    private IExecutionDispatcher? Dispatches(ExecutionOptions? options) => options?.Store is null ? Volatile.Read(ref _dispatcher) : null;

    private void ThrowIfStopping(string crewName)
    {
        if (_stopRequested)
        {
            throw new InvalidOperationException($"Crew '{crewName}' cannot start: the session is stopping (StopAsync was called, e.g. the host is shutting down).");
        }
    }

    private static string NewExecutionId() => ExecutionIds.Next();

    /// <summary>Stops tracking <paramref name="run"/>, which has ended (a background run's entry; nothing for an interactive one).</summary>
    internal void LetGo(ILiveRun run)
    {
        if (run.Mode != ExecutionMode.Background)
        {
            return;
        }

        lock (_liveBackgroundRuns)
        {
            // Only this run's entry: a resumed run of the same execution may have replaced it already.
            if (_liveBackgroundRuns.TryGetValue(run.ExecutionId, out var live) && ReferenceEquals(live, run))
            {
                _liveBackgroundRuns.Remove(run.ExecutionId);
            }
        }
    }

    private void Unsubscribe(Action<ExecutionEvent> listener)
    {
        lock (_listenersGate)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index < 0)
            {
                return;
            }

            var listeners = new Action<ExecutionEvent>[_listeners.Length - 1];
            Array.Copy(_listeners, 0, listeners, 0, index);
            Array.Copy(_listeners, index + 1, listeners, index, _listeners.Length - index - 1);
            Volatile.Write(ref _listeners, listeners);
        }
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
            if (Interlocked.Exchange(ref _listener, null) is { } listener)
            {
                _session.Unsubscribe(listener);
            }
        }
    }
}
