using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Support;

/// <summary>
/// Holds the calls of the named tasks until every one of them is in flight, then lets them all go: it proves
/// that tasks run at the same time without measuring time. A run that starts them one after another waits forever.
/// </summary>
internal sealed class RendezvousChatClient(IChatClient inner, params string[] tasks) : IChatClient
{
    private readonly HashSet<string> _tasks = new(tasks, StringComparer.Ordinal);
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Completes when every named task has called.</summary>
    public Task AllArrived => _allArrived.Task;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // A run nobody streams asks for the whole answer: the same updates, combined.
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        if (_tasks.Contains(RecordingChatClient.TaskOf(list)))
        {
            if (Interlocked.Increment(ref _arrived) == _tasks.Count)
            {
                _allArrived.TrySetResult();
            }

            await _allArrived.Task.WaitAsync(cancellationToken);
        }

        await foreach (var update in inner.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}
