using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.AspNetCore.Tests.Dashboard;

/// <summary>
/// A model whose every call waits for a permit: <see cref="Release"/> lets one call (one task of the test crew)
/// answer, so a test sees an execution advance exactly when it chooses. Canceling the call ends the wait.
/// </summary>
internal sealed class StepGateChatClient : IChatClient
{
    private readonly SemaphoreSlim _permits = new(0);
    private int _calls;

    /// <summary>Calls made so far (waiting ones included).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Lets <paramref name="count"/> more calls answer.</summary>
    public void Release(int count = 1) => _permits.Release(count);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        await _permits.WaitAsync(cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer(call))) { ModelId = "gate", Usage = Usage(call) };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        await _permits.WaitAsync(cancellationToken);
        foreach (var word in Answer(call).Split(' '))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { ModelId = "gate" };
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = "gate",
            FinishReason = ChatFinishReason.Stop,
            Contents = { new UsageContent(Usage(call)) },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _permits.Dispose();

    private static string Answer(int call) => $"Step {call}: three short findings about the topic, checked twice.";

    // Different sizes per call, so the page's chart has bars of different lengths.
    private static UsageDetails Usage(int call) =>
        new() { InputTokenCount = 100 * call + 20, OutputTokenCount = 30 + 15 * call, TotalTokenCount = 100 * call + 20 + 30 + 15 * call };
}
