using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Tests.Durability;

/// <summary>
/// <see cref="InMemoryExecutionStore(int)"/> keeps at most so many finished executions, dropping the one that finished
/// first, and never an execution that is not finished.
/// </summary>
public sealed class InMemoryRetentionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ExecutionRecord NewRecord(string id, string crew = "CrewA") => new()
    {
        ExecutionId = id,
        CrewName = crew,
        Status = ExecutionStatus.Running,
        InputJson = "{}",
        TotalTasks = 1,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    private static async Task<ExecutionRecord> FinishAsync(IExecutionStore store, ExecutionRecord record, ExecutionStatus status = ExecutionStatus.Succeeded) =>
        await store.SaveAsync(record with { Status = status }, Token);

    [Fact]
    public async Task The_executions_that_finished_first_go_when_more_finish_than_the_bound()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 3);
        var running = new List<ExecutionRecord>();
        for (var i = 0; i < 5; i++)
        {
            running.Add(await store.SaveAsync(NewRecord($"e{i}"), Token));
        }

        // Finished in the order e3, e0, e4, e1 (one each way an execution ends); e2 keeps running.
        await FinishAsync(store, running[3]);
        await FinishAsync(store, running[0], ExecutionStatus.Failed);
        await FinishAsync(store, running[4], ExecutionStatus.Canceled);
        Assert.Equal(["e0", "e1", "e2", "e3", "e4"], (await store.ListAsync(cancellationToken: Token)).Select(r => r.ExecutionId));

        await FinishAsync(store, running[1]);

        Assert.Null(await store.GetAsync("e3", Token));
        Assert.Equal(["e0", "e1", "e2", "e4"], (await store.ListAsync(cancellationToken: Token)).Select(r => r.ExecutionId));
        Assert.Equal(ExecutionStatus.Running, (await store.GetAsync("e2", Token))!.Status);
    }

    [Fact]
    public async Task Executions_that_are_not_finished_are_kept_however_many()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 1);
        foreach (var status in new[] { ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.WaitingForInput, ExecutionStatus.InputExpired })
        {
            for (var i = 0; i < 10; i++)
            {
                await store.SaveAsync(NewRecord($"{status}{i}") with { Status = status }, Token);
            }
        }

        var done = await store.SaveAsync(NewRecord("done"), Token);
        await FinishAsync(store, done);
        await FinishAsync(store, await store.SaveAsync(NewRecord("done-too"), Token));

        var kept = await store.ListAsync(cancellationToken: Token);
        Assert.Equal(41, kept.Count);
        Assert.DoesNotContain(kept, r => r.ExecutionId == "done");
        Assert.Contains(kept, r => r.ExecutionId == "done-too");
    }

    [Fact]
    public async Task An_execution_resumed_after_it_finished_is_kept_while_it_runs_and_counted_when_it_finishes_again()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 2);
        var failed = await FinishAsync(store, await store.SaveAsync(NewRecord("resumed"), Token), ExecutionStatus.Failed);
        var resumed = await store.SaveAsync(failed with { Status = ExecutionStatus.Running }, Token);

        await FinishAsync(store, await store.SaveAsync(NewRecord("a"), Token));
        await FinishAsync(store, await store.SaveAsync(NewRecord("b"), Token));
        Assert.Equal(ExecutionStatus.Running, (await store.GetAsync("resumed", Token))!.Status);

        await FinishAsync(store, resumed);
        await FinishAsync(store, await store.SaveAsync(NewRecord("c"), Token));

        Assert.Equal(["c", "resumed"], (await store.ListAsync(cancellationToken: Token)).Select(r => r.ExecutionId).Order());
    }

    [Fact]
    public async Task An_execution_that_finishes_twice_is_counted_once_and_by_its_last_finish()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 2);
        var failed = await FinishAsync(store, await store.SaveAsync(NewRecord("twice"), Token), ExecutionStatus.Failed);
        await FinishAsync(store, await store.SaveAsync(failed with { Status = ExecutionStatus.Running }, Token));

        // Two finished executions, within the bound: both stay.
        await FinishAsync(store, await store.SaveAsync(NewRecord("a"), Token));
        Assert.Equal(["a", "twice"], (await store.ListAsync(cancellationToken: Token)).Select(r => r.ExecutionId).Order());

        // "twice" finished last before "a": it is the first to go, once, and the bound still holds two.
        await FinishAsync(store, await store.SaveAsync(NewRecord("b"), Token));
        Assert.Equal(["a", "b"], (await store.ListAsync(cancellationToken: Token)).Select(r => r.ExecutionId).Order());
        await FinishAsync(store, await store.SaveAsync(NewRecord("c"), Token));
        Assert.Equal(["b", "c"], (await store.ListAsync(cancellationToken: Token)).Select(r => r.ExecutionId).Order());
    }

    [Fact]
    public async Task A_write_to_a_removed_execution_is_a_conflict_that_says_it_is_gone()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 1);
        var first = await FinishAsync(store, await store.SaveAsync(NewRecord("first"), Token));
        await FinishAsync(store, await store.SaveAsync(NewRecord("second"), Token));

        var conflict = await Assert.ThrowsAsync<ExecutionConflictException>(async () => await store.SaveAsync(first with { Status = ExecutionStatus.Running }, Token));

        Assert.Equal(0, conflict.ActualRevision);
        Assert.Contains("no longer in the store", conflict.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("first", Token));
    }

    [Fact]
    public async Task Executions_finishing_on_many_threads_leave_exactly_the_bound()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 100);
        await OnFourThreadsAsync(async w =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var record = await store.SaveAsync(NewRecord($"w{w}-{i}"), Token);
                await store.SaveAsync(record with { Status = ExecutionStatus.Succeeded }, Token);
            }
        });

        var kept = await store.ListAsync(cancellationToken: Token);
        Assert.Equal(100, kept.Count);

        // Each writer's last executions are among them, and nothing of its first half.
        Assert.DoesNotContain(kept, r => int.Parse(r.ExecutionId.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) < 1_000);
    }

    [Fact]
    public async Task Executions_resumed_and_finished_again_on_many_threads_fill_the_bound_once_each()
    {
        var store = new InMemoryExecutionStore(maxFinishedExecutions: 100);
        await OnFourThreadsAsync(async w =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                var failed = await FinishAsync(store, await store.SaveAsync(NewRecord($"w{w}-{i}"), Token), ExecutionStatus.Failed);
                ExecutionRecord resumed;
                try
                {
                    resumed = await store.SaveAsync(failed with { Status = ExecutionStatus.Running }, Token);
                }
                catch (ExecutionConflictException gone) when (gone.ActualRevision == 0)
                {
                    // Removed before this thread resumed it: the other threads finished a hundred since. That is the bound at work.
                    continue;
                }

                await FinishAsync(store, resumed);
            }
        });

        // Counted by execution, not by finish: counting both finishes would keep about half the bound. (A resume racing
        // an eviction can cost one place while it lasts, so a few fewer than the bound is allowed, never more.)
        var kept = await store.ListAsync(cancellationToken: Token);
        Assert.InRange(kept.Count, 96, 100);
        Assert.All(kept, r => Assert.Equal(ExecutionStatus.Succeeded, r.Status));
    }

    // Dedicated threads that start together; the store's writes complete at once, so each loop stays on its thread.
    private static async Task OnFourThreadsAsync(Func<int, Task> write)
    {
        using var start = new Barrier(4);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(Token);
            return write(w);
        }, Token, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        await Task.WhenAll(writers);
    }

    [Fact]
    public void The_bound_must_allow_one_execution()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryExecutionStore(maxFinishedExecutions: 0));
    }
}
