using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Support;

/// <summary>
/// Never answers calls of the task named <see cref="HeldTask"/> (they wait until canceled); other calls go
/// to the inner client. A test sets and clears the task between runs to stop one run at a known point.
/// </summary>
internal sealed class HoldingChatClient(IChatClient inner) : IChatClient
{
    private volatile string? _heldTask;

    public string? HeldTask
    {
        get => _heldTask;
        set => _heldTask = value;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // A run nobody streams asks for the whole answer: the same updates, combined.
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        if (RecordingChatClient.TaskOf(list) == _heldTask)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        await foreach (var update in inner.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}
