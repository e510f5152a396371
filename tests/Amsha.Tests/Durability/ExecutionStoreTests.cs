using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;

namespace Amsha.Tests.Durability;

/// <summary>The contract every store keeps; one subclass per store.</summary>
public abstract class ExecutionStoreContractTests
{
    protected abstract IExecutionStore CreateStore();

    /// <summary>A second store instance over the same storage (another process would open it like this).</summary>
    protected abstract IExecutionStore OpenSameStorage(IExecutionStore store);

    protected static ExecutionRecord NewRecord(string? id = null, string crew = "CrewA") => new()
    {
        ExecutionId = id ?? Guid.NewGuid().ToString("N"),
        CrewName = crew,
        Status = ExecutionStatus.Pending,
        InputJson = """{"topic":"Rust"}""",
        TotalTasks = 2,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
        StatusHistory = [new ExecutionStatusChange(ExecutionStatus.Pending, DateTimeOffset.UtcNow)],
    };

    [Fact]
    public async Task Save_assigns_revisions_and_get_round_trips_every_field()
    {
        var store = CreateStore();
        var first = await store.SaveAsync(NewRecord());
        Assert.Equal(1, first.Revision);

        var changed = first with
        {
            Status = ExecutionStatus.Failed,
            TaskOutputs = [new StoredTaskOutput(0, "T1", "Agent", "out \"quoted\"\nline", TimeSpan.FromMilliseconds(12.5))],
            StateJson = """{"version":1}""",
            Error = new ExecutionError("System.Exception", "boom", true),
            RunTime = TimeSpan.FromSeconds(3),
        };
        var second = await store.SaveAsync(changed);
        Assert.Equal(2, second.Revision);

        var read = await OpenSameStorage(store).GetAsync(first.ExecutionId);
        Assert.NotNull(read);
        Assert.Equal(2, read.Revision);
        Assert.Equal(ExecutionStatus.Failed, read.Status);
        Assert.Equal("out \"quoted\"\nline", Assert.Single(read.TaskOutputs).Text);
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), read.TaskOutputs[0].Duration);
        Assert.Equal(changed.Error, read.Error);
        Assert.Equal(changed.StateJson, read.StateJson);
        Assert.Equal(changed.InputJson, read.InputJson);
        Assert.Equal(TimeSpan.FromSeconds(3), read.RunTime);
        Assert.Equal(ExecutionStatus.Pending, Assert.Single(read.StatusHistory).Status);
    }

    [Fact]
    public async Task Unknown_id_reads_as_null()
    {
        Assert.Null(await CreateStore().GetAsync("nothing-here"));
    }

    [Fact]
    public async Task Stale_revision_is_rejected_and_nothing_is_overwritten()
    {
        var store = CreateStore();
        var saved = await store.SaveAsync(NewRecord());
        await store.SaveAsync(saved with { Status = ExecutionStatus.Running });

        var conflict = await Assert.ThrowsAsync<ExecutionConflictException>(async () => await store.SaveAsync(saved with { Status = ExecutionStatus.Canceled }));
        Assert.Equal(1, conflict.ExpectedRevision);
        Assert.Equal(2, conflict.ActualRevision);
        Assert.Equal(ExecutionStatus.Running, (await store.GetAsync(saved.ExecutionId))!.Status);

        // Creating an id that exists is a conflict too.
        await Assert.ThrowsAsync<ExecutionConflictException>(async () => await store.SaveAsync(NewRecord(saved.ExecutionId)));
    }

    [Fact]
    public async Task Concurrent_writers_of_one_revision_exactly_one_wins()
    {
        var store = CreateStore();
        var other = OpenSameStorage(store);
        var saved = await store.SaveAsync(NewRecord());

        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? store : other).SaveAsync(saved with { Status = ExecutionStatus.Running, InputJson = $"{{\"writer\":{i}}}" });
                return true;
            }
            catch (ExecutionConflictException)
            {
                return false;
            }
        })).ToArray();

        var outcomes = await Task.WhenAll(attempts);
        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(2, (await store.GetAsync(saved.ExecutionId))!.Revision);
    }

    [Fact]
    public async Task Listing_returns_every_execution_and_filters_by_crew()
    {
        var store = CreateStore();
        var a1 = await store.SaveAsync(NewRecord(crew: "CrewA"));
        var b1 = await store.SaveAsync(NewRecord(crew: "CrewB") with { CreatedAt = a1.CreatedAt.AddSeconds(1) });
        var a2 = await store.SaveAsync(NewRecord(crew: "CrewA") with { CreatedAt = a1.CreatedAt.AddSeconds(2) });

        var all = await OpenSameStorage(store).ListAsync();
        Assert.Equal([a1.ExecutionId, b1.ExecutionId, a2.ExecutionId], all.Select(r => r.ExecutionId));
        var onlyA = await store.ListAsync("CrewA");
        Assert.Equal([a1.ExecutionId, a2.ExecutionId], onlyA.Select(r => r.ExecutionId));
    }

    [Fact]
    public async Task A_query_filters_by_crew_and_status_orders_newest_first_and_pages_with_the_total()
    {
        var store = CreateStore();
        var start = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var status = i % 3 == 0 ? ExecutionStatus.Failed : ExecutionStatus.Succeeded;
            var saved = await store.SaveAsync(NewRecord(crew: i == 6 ? "CrewB" : "CrewA") with { Status = status, CreatedAt = start.AddSeconds(i) });
            ids.Add(saved.ExecutionId);
        }

        var reader = OpenSameStorage(store);
        var firstPage = await reader.QueryAsync(new ExecutionQuery { CrewName = "CrewA", Take = 4 });
        Assert.Equal(6, firstPage.Total);
        Assert.Equal([ids[5], ids[4], ids[3], ids[2]], firstPage.Items.Select(r => r.ExecutionId));
        var secondPage = await reader.QueryAsync(new ExecutionQuery { CrewName = "CrewA", Take = 4, Skip = 4 });
        Assert.Equal([ids[1], ids[0]], secondPage.Items.Select(r => r.ExecutionId));

        var failed = await reader.QueryAsync(new ExecutionQuery { Statuses = [ExecutionStatus.Failed], OldestFirst = true });
        Assert.Equal([ids[0], ids[3], ids[6]], failed.Items.Select(r => r.ExecutionId));
        Assert.Equal(3, failed.Total);

        var beyond = await reader.QueryAsync(new ExecutionQuery { Skip = 50 });
        Assert.Empty(beyond.Items);
        Assert.Equal(7, beyond.Total);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await reader.QueryAsync(new ExecutionQuery { Take = 0 }));
    }
}

public sealed class InMemoryExecutionStoreTests : ExecutionStoreContractTests
{
    protected override IExecutionStore CreateStore() => new InMemoryExecutionStore();

    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => store;
}

public sealed class FileExecutionStoreTests : ExecutionStoreContractTests
{
    protected override IExecutionStore CreateStore() => new FileExecutionStore(TestSessions.TempDirectory());

    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => new FileExecutionStore(((FileExecutionStore)store).Directory);

    private static async Task<(FileExecutionStore Store, ExecutionRecord Latest)> StoreWithTwoRevisions()
    {
        var store = (FileExecutionStore)new FileExecutionStoreTests().CreateStore();
        var first = await store.SaveAsync(NewRecord());
        var second = await store.SaveAsync(first with { Status = ExecutionStatus.Running });
        return (store, second);
    }

    [Fact]
    public async Task Flipped_byte_is_reported_with_file_and_reason_and_the_previous_revision_stays_readable()
    {
        var (store, latest) = await StoreWithTwoRevisions();
        var path = store.GetRecordPath(latest.ExecutionId);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^5] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));
        Assert.Equal(path, error.Location);
        Assert.Contains("checksum", error.Reason);
        Assert.Contains(path, error.Message);
        Assert.Equal(1, error.LastGoodRecord?.Revision);
        Assert.Equal(ExecutionStatus.Pending, error.LastGoodRecord?.Status);
    }

    [Fact]
    public async Task Truncated_file_is_reported()
    {
        var (store, latest) = await StoreWithTwoRevisions();
        var path = store.GetRecordPath(latest.ExecutionId);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));
        Assert.Contains("truncated", error.Reason);
        Assert.Equal(1, error.LastGoodRecord?.Revision);
    }

    [Fact]
    public async Task Deleted_newest_revision_is_reported_and_the_store_can_be_repaired_from_the_last_good_one()
    {
        var (store, latest) = await StoreWithTwoRevisions();
        File.Delete(store.GetRecordPath(latest.ExecutionId));

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));
        Assert.Contains("missing", error.Reason);
        var lastGood = Assert.IsType<ExecutionRecord>(error.LastGoodRecord);

        // Writing on top of the last good revision repairs the record.
        var repaired = await store.SaveAsync(lastGood with { Status = ExecutionStatus.Failed });
        Assert.Equal(2, repaired.Revision);
        Assert.Equal(ExecutionStatus.Failed, (await store.GetAsync(latest.ExecutionId))!.Status);
    }

    [Fact]
    public async Task Damaged_records_are_left_out_of_listings_and_a_damaged_file_is_set_aside_on_repair()
    {
        var (store, latest) = await StoreWithTwoRevisions();
        var intact = await store.SaveAsync(NewRecord());
        var path = store.GetRecordPath(latest.ExecutionId);
        await File.WriteAllTextAsync(path, "garbage");

        Assert.Equal([intact.ExecutionId], (await store.ListAsync()).Select(r => r.ExecutionId));
        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));
        Assert.Contains("header", error.Reason);
        await store.SaveAsync(error.LastGoodRecord!);
        Assert.True(File.Exists(path + ".corrupt"));
    }

    [Fact]
    public void Execution_ids_that_are_not_safe_file_names_are_rejected()
    {
        var store = new FileExecutionStore(TestSessions.TempDirectory());
        Assert.Throws<ArgumentException>(() => store.GetRecordPath("../escape"));
    }
}
