using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>
/// The endpoint tests' model. Open, every call answers at once; closed, each call waits for a permit
/// (<see cref="Release"/>) or its cancellation, so a test holds an execution at a known point. Every call is
/// announced through <see cref="WaitForCallAsync"/> as it starts.
/// </summary>
internal sealed class ApiGateChatClient : IChatClient
{
    private readonly SemaphoreSlim _permits = new(0);
    private readonly Channel<int> _calls = Channel.CreateUnbounded<int>();
    private int _count;

    public ApiGateChatClient(bool open) => IsOpen = open;

    public bool IsOpen { get; private set; }

    public void Release(int count = 1) => _permits.Release(count);

    /// <summary>Lets every call answer from now on.</summary>
    public void Open()
    {
        IsOpen = true;
        _permits.Release(1000);
    }

    /// <summary>Completes with the number of the next call that starts (1, 2, …).</summary>
    public ValueTask<int> WaitForCallAsync(CancellationToken cancellationToken) => _calls.Reader.ReadAsync(cancellationToken);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = await EnterAsync(cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer(call))) { ModelId = "api-gate", Usage = Usage(call) };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = await EnterAsync(cancellationToken);
        foreach (var word in Answer(call).Split(' '))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { ModelId = "api-gate" };
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = "api-gate",
            FinishReason = ChatFinishReason.Stop,
            Contents = { new UsageContent(Usage(call)) },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _permits.Dispose();

    // A line break and markup: the event stream must keep each event on one data line.
    public static string Answer(int call) => $"Answer {call}:\n<b>the secret findings</b>, checked twice.";

    private async Task<int> EnterAsync(CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _count);
        _calls.Writer.TryWrite(call);
        if (!IsOpen)
        {
            await _permits.WaitAsync(cancellationToken);
        }

        return call;
    }

    private static UsageDetails Usage(int call) =>
        new() { InputTokenCount = 100 + call, OutputTokenCount = 20 + call, TotalTokenCount = 120 + 2 * call };
}
