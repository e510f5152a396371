using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Amsha.Tests.Support;

/// <summary>
/// A cluster of one worker, in this process: dispatched executions are resumed by id in the worker's own session over
/// the shared store, exactly as a cluster's worker does; reports follow the worker's events.
/// </summary>
internal sealed class SessionDispatcher(ExecutionSession worker) : IExecutionDispatcher
{
    private readonly ConcurrentDictionary<string, ExecutionHandle> _runs = new();
    private readonly ConcurrentDictionary<string, bool> _canceled = new();

    private readonly Channel<string> _handedOver = Channel.CreateUnbounded<string>();

    public ConcurrentQueue<string> Dispatched { get; } = new();

    /// <summary>Every dispatch as it arrives, to wait on one that is made in the background.</summary>
    public ChannelReader<string> HandedOver => _handedOver.Reader;

    /// <summary>The worker's handle of a dispatched execution.</summary>
    public ExecutionHandle RunOf(string executionId) => _runs[executionId];

    public async Task DispatchAsync(string executionId, string crewName, CancellationToken cancellationToken)
    {
        Dispatched.Enqueue(executionId);
        _handedOver.Writer.TryWrite(executionId);
        var run = await worker.ResumeAsync(executionId, null, cancellationToken);
        _runs[executionId] = run;

        // A cancellation that came while the worker was starting the run applies now (a grain serializes the two).
        if (_canceled.ContainsKey(executionId))
        {
            run.Cancel();
        }
    }

    public Task CancelAsync(string executionId, CancellationToken cancellationToken)
    {
        _canceled[executionId] = true;
        if (_runs.TryGetValue(executionId, out var run))
        {
            run.Cancel();
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ExecutionReport> WatchAsync(string executionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = _runs[executionId];
        var changed = Channel.CreateUnbounded<bool>();
        using var subscription = worker.Subscribe(e =>
        {
            if (e.ExecutionId == executionId)
            {
                changed.Writer.TryWrite(true);
            }
        });
        var ended = run.WaitAsync(cancellationToken);
        while (true)
        {
            var report = new ExecutionReport(ended.IsCompleted ? await ended : run.Status, run.Progress);
            yield return report;
            if (report.IsFinal)
            {
                yield break;
            }

            await Task.WhenAny(changed.Reader.WaitToReadAsync(cancellationToken).AsTask(), ended);
            cancellationToken.ThrowIfCancellationRequested();
            while (changed.Reader.TryRead(out var _))
            {
            }
        }
    }
}
