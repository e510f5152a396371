using System;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Tests.Execution;

/// <summary>The completion a run makes only when someone awaits it: set before, set after, set while asked for.</summary>
public sealed class LazyCompletionTests
{
    private sealed class Holder
    {
        public LazyCompletion<int> Completion;
    }

    [Theory]
    [InlineData(new[] { 7 }, 7)]
    [InlineData(new[] { 1, 2 }, 1)] // the first result wins
    public async Task Results_set_before_anyone_asks_complete_the_task_made_later(int[] results, int expected)
    {
        var holder = new Holder();
        foreach (var result in results)
        {
            holder.Completion.TrySetResult(result);
        }

        var task = holder.Completion.Task;
        Assert.True(task.IsCompleted);
        Assert.Equal(expected, await task);
    }

    [Fact]
    public async Task A_task_asked_for_first_completes_when_the_result_is_set()
    {
        var holder = new Holder();
        var task = holder.Completion.Task;
        Assert.False(task.IsCompleted);
        holder.Completion.TrySetResult(3);
        Assert.True(task.IsCompleted);
        Assert.Equal(3, await task);
        Assert.Same(task, holder.Completion.Task);
    }

    [Fact]
    public async Task Asked_for_and_set_at_the_same_time_it_always_completes()
    {
        // Two threads of their own meet at a barrier every round, then one asks for the task while the other sets it.
        const int Rounds = 20_000;
        var holders = new Holder[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            holders[i] = new Holder();
        }

        var asked = new Task<int>[Rounds];
        using var barrier = new Barrier(2);
        var asker = Run(() =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                barrier.SignalAndWait();
                asked[i] = holders[i].Completion.Task;
            }
        });
        var setter = Run(() =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                barrier.SignalAndWait();
                holders[i].Completion.TrySetResult(i);
            }
        });
        await Task.WhenAll(asker, setter);

        // Completed by whichever side came second; nothing waits for it, so a lost completion fails here at once.
        for (var i = 0; i < Rounds; i++)
        {
            Assert.True(asked[i].IsCompleted, $"round {i}: the task was never completed");
            Assert.Equal(i, await asked[i]);
        }
    }

    private static Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }) { IsBackground = true }.Start();
        return done.Task;
    }
}
