using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.StoreWriter;
using Amsha.Tests.Support;

namespace Amsha.Tests.Durability;

/// <summary>
/// The contract every store keeps, run unchanged against each store: one subclass per store (in-memory, file, SQLite,
/// PostgreSQL) says how to open it, whether other processes can share it, and how to damage a stored record.
/// </summary>
public abstract class ExecutionStoreContractTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(2);

    protected abstract IExecutionStore CreateStore();

    /// <summary>A second store instance over the same storage (another process would open it like this).</summary>
    protected abstract IExecutionStore OpenSameStorage(IExecutionStore store);

    /// <summary>
    /// Whether processes other than this one can open the store's storage. When false (the in-memory store, which lives
    /// in one process by nature), the writers of the multi-process race run as concurrent tasks of this process instead.
    /// </summary>
    protected abstract bool SupportsOtherProcesses { get; }

    /// <summary>How a child process opens the same storage: the store writer's kind, location and schema ("-" for none).</summary>
    protected virtual (string Kind, string Location, string Schema) ChildProcessStore(IExecutionStore store) =>
        throw new NotSupportedException($"{GetType().Name} keeps its records in this process only.");

    /// <summary>
    /// Damages the stored newest revision of <paramref name="executionId"/> the way a bad disk or a careless edit would,
    /// leaving the previous revision intact. Returns false for a store that holds no bytes to damage (in-memory).
    /// </summary>
    protected abstract Task<bool> DamageNewestRevisionAsync(IExecutionStore store, string executionId);

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
            Owner = "silo-a",
            LeaseExpiresAt = new DateTimeOffset(2026, 11, 30, 8, 0, 30, TimeSpan.Zero),
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
        Assert.Equal("silo-a", read.Owner);
        Assert.Equal(changed.LeaseExpiresAt, read.LeaseExpiresAt);
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

    [Fact]
    public async Task Concurrent_writers_in_several_processes_win_each_revision_once_and_lose_no_update()
    {
        const int writers = 4;
        const int each = 15;
        var store = CreateStore();
        var created = await store.SaveAsync(NewRecord());

        var results = SupportsOtherProcesses
            ? await RunWriterProcessesAsync(ChildProcessStore(store), created.ExecutionId, writers, each)
            : await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(() => StoreWriterLoop.RunAsync(store, created.ExecutionId, writer, each, TestContext.Current.CancellationToken))));

        // Every revision after the first was won by exactly one writer...
        Assert.Equal(Enumerable.Range(2, writers * each).Select(r => (long)r), results.SelectMany(r => r.Won).Order());
        Assert.All(results, r => Assert.Equal(each, r.Won.Count));

        // ...and no write was lost: the record holds every writer's entries, each written over the revision before it.
        var final = (await OpenSameStorage(store).GetAsync(created.ExecutionId))!;
        Assert.Equal(1 + (writers * each), final.Revision);
        Assert.Equal(writers * each, final.TaskOutputs.Count);
        Assert.Equal(Enumerable.Range(1, writers * each).Select(r => "over revision " + r.ToString(CultureInfo.InvariantCulture)), final.TaskOutputs.Select(t => t.Text[t.Text.IndexOf("over", StringComparison.Ordinal)..]));
        for (var writer = 0; writer < writers; writer++)
        {
            Assert.Equal(Enumerable.Range(0, each).Select(i => StoreWriterLoop.EntryName(writer, i)), final.TaskOutputs.Where(t => t.TaskIndex == writer).Select(t => t.TaskName));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{GetType().Name}: {results.Sum(r => r.Conflicts)} lost races over {writers * each} revisions.");
    }

    [Fact]
    public async Task A_damaged_newest_revision_is_reported_left_out_of_listings_and_repaired_by_saving_on_the_last_good_one()
    {
        var store = CreateStore();
        var first = await store.SaveAsync(NewRecord());
        var latest = await store.SaveAsync(first with { Status = ExecutionStatus.Running });
        var intact = await store.SaveAsync(NewRecord() with { CreatedAt = first.CreatedAt.AddSeconds(1) });
        if (!await DamageNewestRevisionAsync(store, latest.ExecutionId))
        {
            // Nothing to damage (objects in memory): the newest revision simply stays.
            Assert.Equal(ExecutionStatus.Running, (await store.GetAsync(latest.ExecutionId))!.Status);
            return;
        }

        var reader = OpenSameStorage(store);
        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await reader.GetAsync(latest.ExecutionId));
        Assert.Equal(latest.ExecutionId, error.ExecutionId);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.False(string.IsNullOrWhiteSpace(error.Location));
        Assert.Contains(error.Location, error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Reason, error.Message, StringComparison.Ordinal);
        var lastGood = Assert.IsType<ExecutionRecord>(error.LastGoodRecord);
        Assert.Equal(1, lastGood.Revision);
        Assert.Equal(ExecutionStatus.Pending, lastGood.Status);

        // Left out of listings and queries, and of their totals.
        Assert.Equal([intact.ExecutionId], (await reader.ListAsync()).Select(r => r.ExecutionId));
        Assert.Equal([intact.ExecutionId], (await reader.ListAsync("CrewA")).Select(r => r.ExecutionId));
        var page = await reader.QueryAsync(new ExecutionQuery());
        Assert.Equal([intact.ExecutionId], page.Items.Select(r => r.ExecutionId));
        Assert.Equal(1, page.Total);

        // The damaged revision cannot be written on; the last good one can, and that repairs the record.
        var stale = await Assert.ThrowsAsync<ExecutionConflictException>(async () => await store.SaveAsync(latest with { Status = ExecutionStatus.Canceled }));
        Assert.Equal((2, 1), (stale.ExpectedRevision, stale.ActualRevision));
        var repaired = await store.SaveAsync(lastGood with { Status = ExecutionStatus.Failed });
        Assert.Equal(2, repaired.Revision);
        var read = (await reader.GetAsync(latest.ExecutionId))!;
        Assert.Equal((2L, ExecutionStatus.Failed), (read.Revision, read.Status));
        Assert.Equal(3, (await reader.SaveAsync(read with { Status = ExecutionStatus.Succeeded })).Revision);
        Assert.Equal([latest.ExecutionId, intact.ExecutionId], (await reader.ListAsync()).Select(r => r.ExecutionId));
        Assert.Equal(2, (await reader.QueryAsync(new ExecutionQuery { OldestFirst = true })).Total);
    }

    private static async Task<(List<long> Won, int Conflicts)[]> RunWriterProcessesAsync((string Kind, string Location, string Schema) storage, string executionId, int writers, int each)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ChildTimeout);
        var children = new List<Process>();
        try
        {
            for (var writer = 0; writer < writers; writer++)
            {
                children.Add(StartWriter([storage.Kind, storage.Location, storage.Schema, executionId, writer.ToString(CultureInfo.InvariantCulture), each.ToString(CultureInfo.InvariantCulture)]));
            }

            // Every writer has opened the store before any starts writing.
            foreach (var child in children)
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
                if (line != "ready")
                {
                    Assert.Fail($"A writer did not get ready: '{line}'. {await child.StandardError.ReadToEndAsync(timeout.Token)}");
                }
            }

            foreach (var child in children)
            {
                await child.StandardInput.WriteLineAsync("go");
                await child.StandardInput.FlushAsync(timeout.Token);
            }

            var results = new List<(List<long> Won, int Conflicts)>();
            foreach (var child in children)
            {
                var output = await child.StandardOutput.ReadToEndAsync(timeout.Token);
                var errors = await child.StandardError.ReadToEndAsync(timeout.Token);
                await child.WaitForExitAsync(timeout.Token);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.True(child.ExitCode == 0 && lines.LastOrDefault() == "done", $"A writer failed (exit {child.ExitCode}):\n{output}\n{errors}");
                var won = lines.Where(l => l.StartsWith("won ", StringComparison.Ordinal)).Select(l => long.Parse(l[4..], CultureInfo.InvariantCulture)).ToList();
                var conflicts = int.Parse(lines.Single(l => l.StartsWith("conflicts ", StringComparison.Ordinal))["conflicts ".Length..], CultureInfo.InvariantCulture);
                results.Add((won, conflicts));
            }

            return results.ToArray();
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }

                child.Dispose();
            }
        }
    }

    private static Process StartWriter(string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(StoreWriterPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the store writer.");
    }

    // tests/Amsha.Tests/bin/<Configuration>/<tfm>/ -> tests/Amsha.StoreWriter/bin/<Configuration>/<tfm>/Amsha.StoreWriter.dll
    private static string StoreWriterPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "Amsha.StoreWriter", "bin", configuration.Name, output.Name, "Amsha.StoreWriter.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The store writer was not built at '{path}'. Build tests/Amsha.Tests (it references tests/Amsha.StoreWriter).", path);
    }
}

public sealed class InMemoryExecutionStoreTests : ExecutionStoreContractTests
{
    protected override IExecutionStore CreateStore() => new InMemoryExecutionStore();

    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => store;

    /// <summary>No: the records live in this process's memory.</summary>
    protected override bool SupportsOtherProcesses => false;

    /// <summary>Records are objects, not bytes: nothing can be damaged.</summary>
    protected override Task<bool> DamageNewestRevisionAsync(IExecutionStore store, string executionId) => Task.FromResult(false);
}

/// <summary>The same contract with a bound on finished executions, which no test here reaches.</summary>
public sealed class BoundedInMemoryExecutionStoreTests : ExecutionStoreContractTests
{
    protected override IExecutionStore CreateStore() => new InMemoryExecutionStore(maxFinishedExecutions: 1_000);

    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => store;

    protected override bool SupportsOtherProcesses => false;

    protected override Task<bool> DamageNewestRevisionAsync(IExecutionStore store, string executionId) => Task.FromResult(false);
}

public sealed class FileExecutionStoreTests : ExecutionStoreContractTests
{
    protected override IExecutionStore CreateStore() => new FileExecutionStore(TestSessions.TempDirectory());

    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => new FileExecutionStore(((FileExecutionStore)store).Directory);

    protected override bool SupportsOtherProcesses => true;

    protected override (string Kind, string Location, string Schema) ChildProcessStore(IExecutionStore store) => ("file", ((FileExecutionStore)store).Directory, "-");

    /// <summary>Flips one bit near the end of the newest revision's file.</summary>
    protected override async Task<bool> DamageNewestRevisionAsync(IExecutionStore store, string executionId)
    {
        var path = ((FileExecutionStore)store).GetRecordPath(executionId);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^5] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes);
        return true;
    }

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
