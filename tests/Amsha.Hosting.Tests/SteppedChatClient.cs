using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Hosting.Tests;

/// <summary>
/// Answers from the offline model, one call per permit the test grants: the test decides how far an execution gets.
/// Counts the calls that reached it and those that finished.
/// </summary>
internal sealed class SteppedChatClient : IChatClient
{
    private readonly IChatClient _inner = new OfflineChatClient();
    private readonly SemaphoreSlim _permits = new(0);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private int _answered;

    public int Calls => Volatile.Read(ref _calls);

    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Completes once a call is waiting for a permit.</summary>
    public Task FirstCallWaiting => _entered.Task;

    public void Allow(int calls = 1) => _permits.Release(calls);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        var response = await _inner.GetResponseAsync(messages, options, cancellationToken);
        Interlocked.Increment(ref _answered);
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        await foreach (var update in _inner.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            yield return update;
        }

        Interlocked.Increment(ref _answered);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _entered.TrySetResult();
        await _permits.WaitAsync(cancellationToken);
    }
}
