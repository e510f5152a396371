using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.LlmCalls;

/// <summary>
/// Keeps the call path's steady-state allocation from creeping back: with a model that answers synchronously the
/// whole call runs on the test's thread, so the thread's allocation counter sees all of it. No timing is asserted.
/// </summary>
[Collection(nameof(Support.AloneCollection))]
public sealed class CallPathAllocationTests
{
    // Measured 1,408 B per call (this model's own answers included) since a request that sets nothing carries no
    // ChatOptions (2026-12-02; 1,584 B before, the benchmark call 1,251 → 1,074 B); 1,680 B before unobserved calls
    // shared one context and the prompt's list was sized for what it holds; about 1.9 KB before the call's state, its
    // result and its context allocated nothing apart, 2.0 KB before the first attempt ran outside the retry pipeline.
    // The Agent Framework's ChatClientAgent.RunAsync allocates 3.7 KB for the same call.
    private const long MaxBytesPerCall = 1_460;

    [Fact]
    public void An_unobserved_AmshaLlmCall_allocates_less_than_the_Agent_Frameworks_run_in_steady_state()
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new SynchronousChatClient());
        var assistant = new Assistant(new ExecutionSession(options));
        for (var i = 0; i < 200; i++)
        {
            Call(assistant); // warm: pipelines, caches, JIT tiers
        }

        const int Calls = 500;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            Call(assistant);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
        TestContext.Current.TestOutputHelper?.WriteLine($"{perCall} bytes per call");
        Assert.True(perCall <= MaxBytesPerCall, $"An [AmshaLlmCall] allocated {perCall} bytes per call (at most {MaxBytesPerCall}).");
    }

    private static void Call(Assistant assistant)
    {
        var task = assistant.SummarizeAsync("steady state");

        // The model answers synchronously, so the call must have completed on this thread: the measurement saw all of it.
        Assert.True(task.IsCompletedSuccessfully, "The call did not complete synchronously; the allocation measurement would miss part of it.");
        Assert.Equal(SynchronousChatClient.Answer, task.Result);
    }

    private sealed class SynchronousChatClient : IChatClient
    {
        public const string Answer = "Brief.";

        private static readonly UsageDetails Usage = new() { InputTokenCount = 8, OutputTokenCount = 2, TotalTokenCount = 10 };

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)) { FinishReason = ChatFinishReason.Stop, Usage = Usage });

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(Answer), new UsageContent(Usage)]) { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
