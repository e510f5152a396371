using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.TestKit.Models;

/// <summary>
/// A model that holds every request for a whole answer once closed (<see cref="Close"/>) until <see cref="Open"/>, then
/// answers with <c>inner</c>; says when the expected number of requests wait. Runs started together then all wait at
/// the model together, as over a model with real latency: for tests and benchmarks that measure many runs at the model.
/// Open until first closed. (Linked into the benchmark project as source.)
/// </summary>
public sealed class HeldChatClient(IChatClient inner) : IChatClient
{
    private TaskCompletionSource _gate = Opened();
    private TaskCompletionSource _allWaiting = Opened();
    private int _expected;
    private int _waiting;

    /// <summary>Holds the next <paramref name="expected"/> requests; the task completes once they all wait.</summary>
    public Task Close(int expected)
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting = 0;
        _expected = expected;
        return _allWaiting.Task;
    }

    /// <summary>Lets every held request (and every later one) through.</summary>
    public void Open() => _gate.TrySetResult();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var gate = _gate.Task;
        if (Interlocked.Increment(ref _waiting) == _expected)
        {
            _allWaiting.TrySetResult();
        }

        await gate.ConfigureAwait(false);
        return await inner.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The held model answers requests for whole answers only (runs nobody watches ask for those).");

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource();
        opened.SetResult();
        return opened;
    }
}
