using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha;
using Amsha.Sqlite;
using Amsha.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Amsha.Tests.Durability;

public sealed class SqliteExecutionStoreTests : ExecutionStoreContractTests
{
    private readonly string _path = Path.Combine(TestSessions.TempDirectory(), "executions.db");

    protected override IExecutionStore CreateStore() => new SqliteExecutionStore(_path);

    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => new SqliteExecutionStore(_path);

    protected override bool SupportsOtherProcesses => true;

    protected override (string Kind, string Location, string Schema) ChildProcessStore(IExecutionStore store) => ("sqlite", _path, "-");

    /// <summary>Changes the newest record's JSON in its row, leaving its checksum as it was.</summary>
    protected override Task<bool> DamageNewestRevisionAsync(IExecutionStore store, string executionId)
    {
        Execute("UPDATE amsha_executions SET record = replace(record, 'Running', 'Runnin!') WHERE id = $id", executionId);
        return Task.FromResult(true);
    }

    private async Task<ExecutionRecord> TwoRevisions(IExecutionStore store)
    {
        var first = await store.SaveAsync(NewRecord());
        return await store.SaveAsync(first with { Status = ExecutionStatus.Running });
    }

    private void Execute(string sql, string id)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [Fact]
    public async Task Queries_are_answered_by_indexes_of_the_table()
    {
        await CreateStore().ListAsync();
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'amsha_executions' AND name LIKE 'amsha_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        Assert.Equal(["amsha_executions_created", "amsha_executions_crew", "amsha_executions_status"], names);
    }

    [Fact]
    public async Task Database_runs_in_wal_mode()
    {
        await CreateStore().ListAsync();
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)command.ExecuteScalar());
    }

    [Fact]
    public async Task Changed_bytes_are_reported_with_location_and_reason_and_the_previous_revision_stays_readable()
    {
        var store = CreateStore();
        var latest = await TwoRevisions(store);
        Execute("UPDATE amsha_executions SET record = replace(record, 'Running', 'Runnin!') WHERE id = $id", latest.ExecutionId);

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));
        Assert.Contains("checksum", error.Reason);
        Assert.Contains(_path, error.Location);
        Assert.Equal(1, error.LastGoodRecord?.Revision);

        var repaired = await store.SaveAsync(error.LastGoodRecord! with { Status = ExecutionStatus.Failed });
        Assert.Equal(2, repaired.Revision);
        Assert.Equal(ExecutionStatus.Failed, (await store.GetAsync(latest.ExecutionId))!.Status);
    }

    [Fact]
    public async Task Truncated_record_is_reported_and_left_out_of_listings()
    {
        var store = CreateStore();
        var latest = await TwoRevisions(store);
        Execute("UPDATE amsha_executions SET record = substr(record, 1, length(record) / 2) WHERE id = $id", latest.ExecutionId);

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));
        Assert.Contains("checksum", error.Reason);
        Assert.Empty(await store.ListAsync());
    }

    [Fact]
    public async Task Deleted_newest_revision_with_no_intact_previous_is_reported_without_a_last_good_record()
    {
        var store = CreateStore();
        var first = await store.SaveAsync(NewRecord());
        Execute("UPDATE amsha_executions SET record = '' WHERE id = $id", first.ExecutionId);

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(first.ExecutionId));
        Assert.Null(error.LastGoodRecord);
        Assert.Contains("No intact earlier revision", error.Message);
    }
}
