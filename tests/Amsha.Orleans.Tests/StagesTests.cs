using System;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Orleans.Tests;

/// <summary>The cluster tests' stage bounds name the wait that did not end; a stage's own failure is not taken for one.</summary>
public sealed class StagesTests
{
    [Fact]
    public async Task A_stage_that_outlives_its_bound_fails_naming_it_and_the_stages_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var stages = new Stages();
        await stages.WithinAsync("first", TimeSpan.FromSeconds(10), _ => Task.CompletedTask, ct);

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            stages.WithinAsync("the lease expires", TimeSpan.FromMilliseconds(50), token => Task.Delay(Timeout.Infinite, token), ct));

        Assert.Contains("Stage 'the lease expires' did not end within", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("Stages before it: first ", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_that_fails_on_its_own_fails_with_its_own_error()
    {
        var stages = new Stages();

        var own = await Assert.ThrowsAsync<TimeoutException>(() =>
            stages.WithinAsync("a grain call", TimeSpan.FromSeconds(30), _ => Task.FromException(new TimeoutException("Response did not arrive on time")), TestContext.Current.CancellationToken));

        Assert.Equal("Response did not arrive on time", own.Message);
    }
}
