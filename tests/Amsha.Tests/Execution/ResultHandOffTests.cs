using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

/// <summary>
/// A background run hands its result to whoever awaits it as the last thing it does, once its session has let go of
/// it: the awaiter continues on the run's thread (no second trip through the thread pool's queue, which costs a
/// wake-up of another thread per run) and finds the run settled.
/// </summary>
[Collection(nameof(AloneCollection))] // counts the process's thread-pool work items: nothing else may queue any
public sealed class ResultHandOffTests
{
    private const int Runs = 200;

    [Fact]
    public async Task Awaiting_a_background_result_adds_no_work_item_to_the_thread_pool()
    {
        var session = new ExecutionSession(Options(), new InMemoryExecutionStore());
        var crew = TestCrews.ResearchAndWrite();

        // On a pool thread, as a server's request is: the test framework's own context would take the continuations.
        var perRun = await Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await session.StartBackground(crew, "Rust").ResultAsync().ConfigureAwait(false); // warm: JIT tiers, timers
            }

            var before = ThreadPool.CompletedWorkItemCount;
            for (var i = 0; i < Runs; i++)
            {
                var result = await session.StartBackground(crew, "Rust").ResultAsync().ConfigureAwait(false);
                Assert.False(string.IsNullOrEmpty(result.Output));
            }

            return (double)(ThreadPool.CompletedWorkItemCount - before) / Runs;
        }, TestContext.Current.CancellationToken);

        // One work item runs each execution (the model here answers at once, so the whole run is that item); a result
        // completed with its continuations sent through the pool made it two per run.
        TestContext.Current.TestOutputHelper?.WriteLine($"{perRun:F2} thread-pool work items per run");
        Assert.True(perRun < 1.5, $"{perRun:F2} thread-pool work items per background run (one expected: the run's own).");
    }

    [Fact]
    public async Task A_background_result_is_handed_out_once_the_run_has_ended_and_been_released()
    {
        var session = new ExecutionSession(Options(), new InMemoryExecutionStore());
        var crew = TestCrews.ResearchAndWrite();

        await Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var handle = session.StartBackground(crew, "Rust");
                await handle.ResultAsync().ConfigureAwait(false);

                Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
                Assert.True(handle.WaitAsync().IsCompletedSuccessfully, "The result was handed out before the session released the run.");
            }
        }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_canceled_background_run_hands_out_its_cancellation_and_a_failed_one_its_failure()
    {
        var failing = new ExecutionSession(Options(new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 100, FaultStatusCode = 400 })), new InMemoryExecutionStore());
        var failed = failing.StartBackground(TestCrews.ResearchAndWrite(), "Rust");
        await Assert.ThrowsAsync<LlmCallException>(() => failed.ResultAsync());
        Assert.Equal(ExecutionStatus.Failed, failed.Status);

        var slow = new ExecutionSession(Options(new OfflineChatClient(new OfflineChatClientOptions { Latency = System.TimeSpan.FromMinutes(10) })), new InMemoryExecutionStore());
        var canceled = slow.StartBackground(TestCrews.ResearchAndWrite(), "Rust");
        canceled.Cancel();
        await Assert.ThrowsAnyAsync<System.OperationCanceledException>(() => canceled.ResultAsync());
        Assert.Equal(ExecutionStatus.Canceled, canceled.Status);
    }

    private static AmshaOptions Options(Microsoft.Extensions.AI.IChatClient? client = null)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client ?? new OfflineChatClient());
        return options;
    }
}
