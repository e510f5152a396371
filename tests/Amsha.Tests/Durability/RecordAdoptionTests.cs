using System;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Tests.Durability;

/// <summary>
/// The in-memory store keeps the record a checkpoint has just made as it is (no copy to set the revision), with the
/// same optimistic check as <see cref="IExecutionStore.SaveAsync"/>.
/// </summary>
public sealed class RecordAdoptionTests
{
    private static ExecutionRecord NewRecord(string id) => new()
    {
        ExecutionId = id,
        CrewName = "CrewA",
        Status = ExecutionStatus.Running,
        InputJson = """{"topic":"Rust"}""",
        TotalTasks = 1,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task An_adopted_record_is_stored_as_it_is_with_its_new_revision()
    {
        var store = new InMemoryExecutionStore();
        IRecordAdoptingStore adopting = store;

        var first = NewRecord("e1");
        var stored = await adopting.AdoptAsync(first, CancellationToken.None);
        Assert.Same(first, stored);
        Assert.Equal(1, stored.Revision);

        var next = stored with { Status = ExecutionStatus.Succeeded };
        var storedNext = await adopting.AdoptAsync(next, CancellationToken.None);
        Assert.Same(next, storedNext);
        Assert.Equal(2, storedNext.Revision);
        Assert.Same(next, await store.GetAsync("e1", TestContext.Current.CancellationToken));

        // What the writer read is untouched: revision 1, still running.
        Assert.Equal(1, stored.Revision);
        Assert.Equal(ExecutionStatus.Running, stored.Status);
    }

    [Fact]
    public async Task A_stale_adopted_record_is_a_conflict_and_overwrites_nothing()
    {
        var store = new InMemoryExecutionStore();
        IRecordAdoptingStore adopting = store;
        var read = await store.SaveAsync(NewRecord("e2"), TestContext.Current.CancellationToken);
        await store.SaveAsync(read with { Status = ExecutionStatus.Canceled }, TestContext.Current.CancellationToken);

        var conflict = await Assert.ThrowsAsync<ExecutionConflictException>(async () => await adopting.AdoptAsync(read with { Status = ExecutionStatus.Succeeded }, CancellationToken.None));
        Assert.Equal(1, conflict.ExpectedRevision);
        Assert.Equal(2, conflict.ActualRevision);
        Assert.Equal(ExecutionStatus.Canceled, (await store.GetAsync("e2", TestContext.Current.CancellationToken))!.Status);

        // Creating an id that exists is a conflict too.
        await Assert.ThrowsAsync<ExecutionConflictException>(async () => await adopting.AdoptAsync(NewRecord("e2"), CancellationToken.None));
    }
}
