using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Amsha;

/// <summary>
/// Delivers events to one observer: a bounded buffer with a single consumer, so the observer
/// sees each execution's events in order, is never called concurrently with itself, and can
/// neither stall nor break the executions it watches.
/// </summary>
internal sealed class ObserverDispatcher
{
    private readonly IExecutionObserver _observer;
    private readonly ILogger _logger;
    private readonly int _capacity;

    // Items are events or flush markers (a TaskCompletionSource completed when the consumer reaches it).
    private readonly Channel<object> _buffer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _consumer;
    private volatile bool _closed;
    private long _dropped;
    private long _failures;

    public ObserverDispatcher(IExecutionObserver observer, int capacity, ILogger logger)
    {
        _observer = observer;
        _logger = logger;
        _capacity = capacity;
        _buffer = Channel.CreateBounded<object>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

        // The consumer outlives whatever created the session: it must not inherit its Activity or AsyncLocals.
        using (ExecutionContext.SuppressFlow())
        {
            _consumer = Task.Run(ConsumeAsync);
        }
    }

    public IExecutionObserver Observer => _observer;

    /// <summary>Events dropped because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events whose handling threw.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Queues <paramref name="e"/> without waiting; drops it (and logs once) if the buffer is full.</summary>
    public void Post(ExecutionEvent e)
    {
        if (_buffer.Writer.TryWrite(e))
        {
            return;
        }

        // TryWrite also fails once the dispatcher is closed; only a full buffer is an overflow.
        if (_closed)
        {
            return;
        }

        if (Interlocked.Increment(ref _dropped) == 1)
        {
            AmshaLog.ObserverOverflow(_logger, ObserverName, _capacity);
        }
    }

    /// <summary>Completes when every event posted before the call has been handled.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _buffer.Writer.WriteAsync(reached, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _consumer.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting events and waits until the buffered ones are handled.</summary>
    public async Task DrainAsync()
    {
        _closed = true;
        _buffer.Writer.TryComplete();
        await _consumer.ConfigureAwait(false);
        _stopping.Cancel();
    }

    /// <summary>Stops accepting events and tells the observer to stop; does not wait.</summary>
    public void Stop()
    {
        _closed = true;
        _buffer.Writer.TryComplete();
        _stopping.Cancel();
    }

    private string ObserverName => _observer.GetType().FullName ?? _observer.GetType().Name;

    private async Task ConsumeAsync()
    {
        while (await _buffer.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_buffer.Reader.TryRead(out var item))
            {
                if (item is TaskCompletionSource marker)
                {
                    marker.TrySetResult();
                    continue;
                }

                var e = (ExecutionEvent)item;
                try
                {
                    await _observer.OnEventAsync(e, _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // The observer's failure is its own: report it once, keep delivering, never touch the execution.
                    if (Interlocked.Increment(ref _failures) == 1)
                    {
                        AmshaLog.ObserverFailed(_logger, ex, ObserverName, e.GetType().Name, e.ExecutionId);
                    }
                }
            }
        }
    }
}
