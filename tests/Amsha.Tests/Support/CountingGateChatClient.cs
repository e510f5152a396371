using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Support;

/// <summary>
/// Holds every request for a whole answer until <see cref="Open"/>, and can be closed again (<see cref="Close"/>) for
/// the next round; says when the expected number of requests wait. For tests that measure many runs at the model.
/// </summary>
internal sealed class CountingGateChatClient : IChatClient
{
    private readonly OfflineChatClient _inner = new();
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _allWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;
    private int _waiting;

    public Task Close(int expected)
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected = expected;
        _waiting = 0;
        return _allWaiting.Task;
    }

    public void Open() => _gate.TrySetResult();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var gate = _gate.Task;
        if (Interlocked.Increment(ref _waiting) == _expected)
        {
            _allWaiting.TrySetResult();
        }

        await gate.ConfigureAwait(false);
        return await _inner.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Background runs nobody watches ask for whole answers.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
