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
        // Pipelines with different call options are built concurrently; each needs the use case's one breaker.
        var pipelines = new LlmPipelines(new LlmOptions(), TimeProvider.System);
        using var start = new Barrier(16);
        // Threads of their own: sixteen pool threads blocked on a barrier would wait for the pool to grow.
        var builds = Enumerable.Range(1, 16).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return pipelines.Get("racing", new LlmCallOptions(1 + (i % 4), TimeSpan.FromSeconds(i), TimeSpan.FromSeconds(100 + i)));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        var built = await Task.WhenAll(builds);

        Assert.All(built, Assert.NotNull);
        Assert.Equal(LlmCircuitState.Closed, pipelines.CircuitState("RACING"));
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
