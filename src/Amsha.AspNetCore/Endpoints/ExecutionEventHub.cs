using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.AspNetCore.Endpoints;

/// <summary>
/// Keeps the events of the session's executions in memory, so Server-Sent Event readers can replay and follow them.
/// It subscribes to <see cref="ExecutionSession.Subscribe"/> when it is created (the container creates it when the
/// endpoints are mapped, i.e. at app start). The listener only appends under short locks; readers are woken without
/// polling.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="MaxEventsPerExecution"/> events per execution (the oldest are dropped first) and the
/// last <see cref="MaxExecutions"/> executions (the least recently active ended one is dropped first; a running one
/// only when every kept execution runs). Events of <c>[AmshaLlmCall]</c> methods, which belong to no execution, are not kept.
/// </remarks>
internal sealed class ExecutionEventHub : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ExecutionEventStream> _streams = new(StringComparer.Ordinal);

    // Least recently appended first: where eviction looks.
    private readonly LinkedList<ExecutionEventStream> _recency = new();
    private readonly IDisposable _subscription;

    public ExecutionEventHub(ExecutionSession session)
        : this(session, AmshaEventStreamOptions.DefaultMaxEventsPerExecution, AmshaEventStreamOptions.DefaultMaxExecutions)
    {
    }

    internal ExecutionEventHub(ExecutionSession session, int maxEventsPerExecution, int maxExecutions)
    {
        ArgumentNullException.ThrowIfNull(session);
        // The app's values are checked, with the setting's name, by EventStreamOptionsValidator.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventsPerExecution, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExecutions, 1);
        Session = session;
        MaxEventsPerExecution = maxEventsPerExecution;
        MaxExecutions = maxExecutions;
        _subscription = session.Subscribe(Observe);
    }

    /// <summary>The session whose executions the hub follows.</summary>
    public ExecutionSession Session { get; }

    /// <summary>Events kept per execution.</summary>
    public int MaxEventsPerExecution { get; }

    /// <summary>Executions kept.</summary>
    public int MaxExecutions { get; }

    /// <summary>How many executions the hub keeps now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>The kept events of <paramref name="executionId"/>, if the hub has any (or expects some).</summary>
    public bool TryGet(string executionId, out ExecutionEventStream stream)
    {
        lock (_gate)
        {
            return _streams.TryGetValue(executionId, out stream!);
        }
    }

    /// <summary>
    /// The stream of <paramref name="executionId"/>, created empty if the hub has none: for an execution known to run in
    /// this session whose first event has not been appended yet.
    /// </summary>
    public ExecutionEventStream GetOrAdd(string executionId)
    {
        lock (_gate)
        {
            return GetOrAddLocked(executionId);
        }
    }

    public void Dispose() => _subscription.Dispose();

    /// <summary>The session's listener: keeps <paramref name="e"/> in its execution's stream (internal for tests).</summary>
    internal void Observe(ExecutionEvent e)
    {
        // [AmshaLlmCall] methods raise LLM call events under their call id, outside any execution.
        if (e.ExecutionId.Length == 0 || e is LlmCallStartedEvent { TaskName: null } or LlmCallRetryingEvent { TaskName: null }
            or LlmCallCompletedEvent { TaskName: null } or LlmCallFailedEvent { TaskName: null })
        {
            return;
        }

        ExecutionEventStream stream;
        lock (_gate)
        {
            stream = GetOrAddLocked(e.ExecutionId);
        }

        // The session calls listeners in order per execution (inside that execution's log lock), so appends to one
        // stream never race each other.
        stream.Append(e);
    }

    private ExecutionEventStream GetOrAddLocked(string executionId)
    {
        if (_streams.TryGetValue(executionId, out var stream))
        {
            _recency.Remove(stream.Node);
            _recency.AddLast(stream.Node);
            return stream;
        }

        stream = new ExecutionEventStream(executionId, MaxEventsPerExecution);
        _streams.Add(executionId, stream);
        _recency.AddLast(stream.Node);
        if (_streams.Count > MaxExecutions)
        {
            Evict(stream);
        }

        return stream;
    }

    // Drops the least recently active execution that has ended; if all run, the least recently active one. Readers
    // holding the dropped stream keep reading it; later events of the execution start a new stream.
    private void Evict(ExecutionEventStream keep)
    {
        LinkedListNode<ExecutionEventStream>? victim = null;
        for (var node = _recency.First; node is not null; node = node.Next)
        {
            if (!ReferenceEquals(node.Value, keep) && node.Value.IsEnded)
            {
                victim = node;
                break;
            }
        }

        victim ??= ReferenceEquals(_recency.First!.Value, keep) ? _recency.First.Next : _recency.First;
        if (victim is null)
        {
            return;
        }

        _recency.Remove(victim);
        _streams.Remove(victim.Value.ExecutionId);
    }
}

/// <summary>One kept event: its id in the execution's stream, the event, and whether it ended a run.</summary>
internal readonly record struct StreamedEvent(long Id, ExecutionEvent Event, bool Terminal);

/// <summary>What <see cref="ExecutionEventStream.Read"/> found.</summary>
/// <param name="Ended">No event follows the reader's position and the execution's latest run has ended.</param>
/// <param name="Changed">Completes when the next event is appended; null when events were read.</param>
/// <param name="Dropped">Events after the reader's position that were dropped before it read them (a gap).</param>
internal readonly record struct StreamRead(bool Ended, Task? Changed, long Dropped);

/// <summary>A live task of an execution as its events tell: started and not completed in the latest run.</summary>
internal readonly record struct StreamedTask(string Name, string Agent, int Index);

/// <summary>
/// The kept events of one execution, numbered 1, 2, 3, … in the order they were appended. A resumed execution's new
/// run numbers its own events from 1 again; the stream goes on counting after the previous run's last id, so ids
/// never repeat. A bounded ring: the oldest events are dropped first.
/// </summary>
internal sealed class ExecutionEventStream
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private StreamedEvent[] _ring;
    private int _head;
    private int _count;
    private long _lastId;
    private bool _ended;
    private bool _any;
    private TaskCompletionSource? _changed;

    // Tasks started and not completed in the latest run, by name.
    private readonly Dictionary<string, StreamedTask> _running = new(StringComparer.Ordinal);

    public ExecutionEventStream(string executionId, int capacity)
    {
        ExecutionId = executionId;
        _capacity = capacity;
        _ring = new StreamedEvent[Math.Min(capacity, 64)];
        Node = new LinkedListNode<ExecutionEventStream>(this);
    }

    public string ExecutionId { get; }

    /// <summary>The stream's place in the hub's recency list (used under the hub's lock).</summary>
    internal LinkedListNode<ExecutionEventStream> Node { get; }

    /// <summary>Whether the latest run has ended (its last event is terminal).</summary>
    public bool IsEnded
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>The id of the last event appended; 0 before the first.</summary>
    public long LastId
    {
        get
        {
            lock (_gate)
            {
                return _lastId;
            }
        }
    }

    /// <summary>Whether any event has been appended.</summary>
    public bool HasEvents
    {
        get
        {
            lock (_gate)
            {
                return _any;
            }
        }
    }

    /// <summary>The tasks running in the latest run, by task index.</summary>
    public IReadOnlyList<StreamedTask> RunningTasks()
    {
        lock (_gate)
        {
            var tasks = new List<StreamedTask>(_running.Values);
            tasks.Sort(static (a, b) => a.Index.CompareTo(b.Index));
            return tasks;
        }
    }

    public void Append(ExecutionEvent e)
    {
        TaskCompletionSource? signal;
        lock (_gate)
        {
            // A stream that starts late (the hub dropped it, or was created after the execution began) numbers its
            // first event as the run does, so ids stay those of the run.
            if (!_any && e.Sequence > 1)
            {
                _lastId = e.Sequence - 1;
            }

            _any = true;

            // An event outside any run (an overdue input request found in the store: Sequence 0) keeps an ended stream ended.
            var terminal = IsTerminal(e) || (e.Sequence == 0 && _ended);
            var item = new StreamedEvent(++_lastId, e, terminal);
            if (_count == _ring.Length)
            {
                if (_ring.Length < _capacity)
                {
                    Grow();
                }
                else
                {
                    // Full: the oldest event goes.
                    _head = (_head + 1) % _ring.Length;
                    _count--;
                }
            }

            _ring[(_head + _count) % _ring.Length] = item;
            _count++;
            _ended = terminal;
            Track(e, terminal);
            signal = _changed;
            _changed = null;
        }

        signal?.TrySetResult();
    }

    /// <summary>
    /// Copies up to <paramref name="max"/> events with ids above <paramref name="afterId"/> into <paramref name="into"/>.
    /// When there are none, says whether the stream ended and gives a task that completes at the next append.
    /// </summary>
    public StreamRead Read(long afterId, List<StreamedEvent> into, int max)
    {
        lock (_gate)
        {
            var firstId = _count == 0 ? _lastId + 1 : _ring[_head].Id;
            var dropped = afterId + 1 < firstId && afterId < _lastId ? firstId - afterId - 1 : 0;
            var start = afterId < firstId ? 0 : afterId - firstId + 1;
            var added = 0;
            for (var i = start; i < _count && added < max; i++, added++)
            {
                into.Add(_ring[(int)((_head + i) % _ring.Length)]);
            }

            if (added > 0)
            {
                return new StreamRead(false, null, dropped);
            }

            // Ended, a reader is done unless a new run (a resume) is about to append: Changed tells it when one does.
            _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new StreamRead(_ended && afterId >= _lastId, _changed.Task, 0);
        }
    }

    private void Grow()
    {
        var bigger = new StreamedEvent[Math.Min(_capacity, _ring.Length * 2)];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = bigger;
        _head = 0;
    }

    private void Track(ExecutionEvent e, bool terminal)
    {
        switch (e)
        {
            case ExecutionStartedEvent:
                _running.Clear();
                break;
            case TaskStartedEvent started:
                _running[started.TaskName] = new StreamedTask(started.TaskName, started.AgentName, started.TaskIndex);
                break;
            case TaskCompletedEvent completed:
                _running.Remove(completed.TaskName);
                break;
        }

        if (terminal)
        {
            _running.Clear();
        }
    }

    /// <summary>Whether <paramref name="e"/> is the last event of a run.</summary>
    public static bool IsTerminal(ExecutionEvent e) =>
        e is ExecutionCompletedEvent or ExecutionFailedEvent or ExecutionCanceledEvent or ExecutionSuspendedEvent;
}
