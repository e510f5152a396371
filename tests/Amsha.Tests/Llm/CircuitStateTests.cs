using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Tests.Llm;

public sealed class CircuitStateTests
{
    [Fact]
    public async Task Calls_of_a_new_use_case_that_race_share_one_breaker()
    {
        // Calls with different attempt counts and name casings start at once; they all need the use case's one breaker.
        var pipelines = new LlmPipelines(new LlmOptions(), TimeProvider.System);
        using var start = new Barrier(16);
        // Threads of their own: sixteen pool threads blocked on a barrier would wait for the pool to grow.
        var builds = Enumerable.Range(1, 16).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return (Breaker: pipelines.Breaker(i % 2 == 0 ? "racing" : "RACING"), Retry: pipelines.Retry(2 + (i % 4)));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        var built = await Task.WhenAll(builds);

        Assert.Single(built.Select(b => b.Breaker).Distinct());
        Assert.Equal(4, built.Select(b => b.Retry).Distinct().Count());
        Assert.Equal(4, pipelines.Count);
        Assert.Null(pipelines.Retry(1));
        Assert.Equal(LlmCircuitState.Closed, pipelines.CircuitState("Racing"));
    }

    [Fact]
    public void A_use_case_without_calls_is_closed_and_the_factory_lists_its_use_cases()
    {
        var options = new LlmOptions().UseChatClient("creative", new OfflineChatClient());
        var factory = new LlmFactory(options);

        Assert.Equal(LlmCircuitState.Closed, factory.GetCircuitState("creative"));
        Assert.Equal(["creative"], factory.UseCaseNames);
        Assert.Equal(["creative", "default"], new LlmFactory(new LlmOptions().UseChatClient("creative", new OfflineChatClient()).UseDefaultChatClient(new OfflineChatClient())).UseCaseNames);
        Assert.Equal(["default"], new LlmFactory(new LlmOptions()).UseCaseNames);
        Assert.Throws<ArgumentException>(() => factory.GetCircuitState(" "));
    }
}
