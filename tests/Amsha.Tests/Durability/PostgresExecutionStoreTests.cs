using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha;
using Amsha.Postgres;
using Amsha.Tests.Support;
using Npgsql;

namespace Amsha.Tests.Durability;

/// <summary>The store contract and the PostgreSQL specifics, on the test run's server; each test in a schema of its own.</summary>
public sealed class PostgresExecutionStoreTests(PostgresServer server) : ExecutionStoreContractTests, IAsyncLifetime
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly List<PostgresExecutionStore> _opened = new();
    private NpgsqlDataSource _dataSource = null!;

    public async ValueTask InitializeAsync() => _dataSource = await server.DataSourceAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    protected override IExecutionStore CreateStore() => new PostgresExecutionStore(_dataSource, _schema);

    /// <summary>A store with a connection pool of its own, as another process would open it.</summary>
    protected override IExecutionStore OpenSameStorage(IExecutionStore store) => Own(new PostgresExecutionStore(server.ConnectionString, _schema));

    protected override bool SupportsOtherProcesses => true;

    protected override (string Kind, string Location, string Schema) ChildProcessStore(IExecutionStore store) => ("postgres", server.ConnectionString, _schema);

    /// <summary>Changes the newest record's JSON in its row, leaving its checksum as it was.</summary>
    protected override async Task<bool> DamageNewestRevisionAsync(IExecutionStore store, string executionId)
    {
        Assert.Equal(1, await server.ExecuteAsync($"UPDATE {_schema}.amsha_executions SET record = replace(record, 'Running', 'Runnin!') WHERE id = @id", ("id", executionId)));
        return true;
    }

    // The table of layout versions the store keeps beside its own (see docs/postgres.md).
    private const string PostgresSchemaVersionTable = "amsha_schema_version";

    private PostgresExecutionStore Own(PostgresExecutionStore store)
    {
        lock (_opened)
        {
            _opened.Add(store);
        }

        return store;
    }

    private async Task<ExecutionRecord> TwoRevisions(IExecutionStore store)
    {
        var first = await store.SaveAsync(NewRecord());
        return await store.SaveAsync(first with { Status = ExecutionStatus.Running });
    }

    [Fact]
    public async Task Damage_is_reported_with_the_database_table_and_id_as_location()
    {
        var store = CreateStore();
        var latest = await TwoRevisions(store);
        await server.ExecuteAsync($"UPDATE {_schema}.amsha_executions SET checksum = lower(checksum) || '0' WHERE id = @id", ("id", latest.ExecutionId));

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(latest.ExecutionId));

        Assert.Equal($"{PostgresServer.Database}/{_schema}.amsha_executions/{latest.ExecutionId}", error.Location);
        Assert.Contains("checksum", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, error.LastGoodRecord?.Revision);
    }

    [Fact]
    public async Task A_truncated_record_without_an_intact_previous_revision_has_no_last_good_record()
    {
        var store = CreateStore();
        var first = await store.SaveAsync(NewRecord());
        await server.ExecuteAsync($"UPDATE {_schema}.amsha_executions SET record = substr(record, 1, length(record) / 2) WHERE id = @id", ("id", first.ExecutionId));

        var error = await Assert.ThrowsAsync<ExecutionStoreCorruptedException>(async () => await store.GetAsync(first.ExecutionId));

        Assert.Null(error.LastGoodRecord);
        Assert.Contains("No intact earlier revision", error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync());
        Assert.Equal(0, (await store.QueryAsync(new ExecutionQuery())).Total);
    }

    [Fact]
    public async Task The_layout_is_created_once_and_recorded_when_many_stores_start_together()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => Own(new PostgresExecutionStore(server.ConnectionString, _schema))).ToList();

        await Task.WhenAll(stores.Select(store => Task.Run(async () => await store.ListAsync())));

        Assert.Equal(["amsha_executions|1"], await server.QueryAsync($"SELECT name || '|' || version FROM {_schema}.amsha_schema_version"));
        Assert.Equal(
            ["amsha_executions_created", "amsha_executions_crew", "amsha_executions_pkey", "amsha_executions_status"],
            await server.QueryAsync("SELECT indexname FROM pg_indexes WHERE schemaname = @schema AND tablename = 'amsha_executions' ORDER BY indexname", ("schema", _schema)));
    }

    [Fact]
    public async Task A_database_with_a_newer_layout_is_refused_with_a_clear_error()
    {
        await server.ExecuteAsync($"CREATE SCHEMA {_schema}; CREATE TABLE {_schema}.amsha_schema_version (name text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now()); INSERT INTO {_schema}.amsha_schema_version (name, version) VALUES ('amsha_executions', 2)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await CreateStore().GetAsync("any"));

        Assert.Contains($"The table {_schema}.amsha_executions has layout version 2 ({_schema}.amsha_schema_version), newer than this Amsha.Postgres understands (1). Update the Amsha.Postgres package.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_in_the_default_schema_and_the_schema_name_rules()
    {
        await using var store = new PostgresExecutionStore(_dataSource);
        Assert.Equal("public", store.SchemaName);
        var saved = await store.SaveAsync(NewRecord());
        Assert.Equal(saved.ExecutionId, (await store.GetAsync(saved.ExecutionId))!.ExecutionId);

        foreach (var bad in new[] { "", "1abc", "pg_catalog", "a-b", "x\"; DROP SCHEMA public; --", new string('s', 64) })
        {
            var error = Assert.Throws<ArgumentException>(() => new PostgresExecutionStore(_dataSource, bad));
            Assert.Contains("is not a plain identifier", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hostile_crew_names_and_ids_are_stored_and_matched_as_data_never_as_sql()
    {
        var store = CreateStore();
        string[] hostile = ["x'); DROP TABLE amsha_executions;--", "' OR '1'='1", "\\'; SELECT pg_sleep(10);--", "crew\"quoted\"", "Ünïcødé 🚀", "%_wild%"];
        foreach (var name in hostile)
        {
            await store.SaveAsync(NewRecord(id: name, crew: name));
        }

        var innocent = await store.SaveAsync(NewRecord(crew: "CrewA"));
        foreach (var name in hostile)
        {
            Assert.Equal(name, (await store.GetAsync(name))!.CrewName);
            var page = await store.QueryAsync(new ExecutionQuery { CrewName = name });
            Assert.Equal(name, Assert.Single(page.Items).ExecutionId);
        }

        // A pattern or an always-true condition finds nothing: names are compared as values.
        Assert.Null(await store.GetAsync("' OR ''='"));
        Assert.Empty((await store.QueryAsync(new ExecutionQuery { CrewName = "%" })).Items);
        Assert.Equal(hostile.Length + 1, (await store.QueryAsync(new ExecutionQuery())).Total);
        Assert.NotNull(await store.GetAsync(innocent.ExecutionId));
    }

    [Fact]
    public async Task A_role_with_row_privileges_only_works_in_a_schema_an_administrator_prepared()
    {
        // The administrator's store creates the layout once; the app's role may only read and write rows.
        await CreateStore().SaveAsync(NewRecord());
        var role = "amsha_app_" + Guid.NewGuid().ToString("N")[..10];
        await server.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        await server.ExecuteAsync($"GRANT USAGE ON SCHEMA {_schema} TO {role}");
        await server.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE ON {_schema}.amsha_executions TO {role}");
        await server.ExecuteAsync($"GRANT SELECT ON {_schema}.{PostgresSchemaVersionTable} TO {role}");
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = role }.ConnectionString;

        var app = Own(new PostgresExecutionStore(connectionString, _schema));
        var saved = await app.SaveAsync(NewRecord(crew: "CrewB"));
        var running = await app.SaveAsync(saved with { Status = ExecutionStatus.Running });
        Assert.Equal(ExecutionStatus.Running, (await app.GetAsync(saved.ExecutionId))!.Status);
        Assert.Equal(running.Revision, Assert.Single((await app.QueryAsync(new ExecutionQuery { CrewName = "CrewB" })).Items).Revision);

        // The role really is that narrow: it cannot change the layout.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE TABLE {_schema}.intruder (a int)", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => create.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task A_background_execution_stored_in_postgres_resumes_from_another_session()
    {
        var crew = TestCrews.Chain("PostgresChainCrew", 3);
        var input = new TopicInput("Rust");
        var expected = await TestSessions.Create(new InMemoryExecutionStore(), new RecordingChatClient()).RunAsync(crew, input, cancellationToken: TestContext.Current.CancellationToken);

        // The first session's run fails at T2, after T1 was checkpointed in PostgreSQL.
        var firstClient = new RecordingChatClient();
        firstClient.FailOnce["T2"] = true;
        var first = TestSessions.Create(CreateStore(), firstClient);
        var handle = first.StartBackground(crew, input);
        await Assert.ThrowsAnyAsync<ExecutionException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));

        // Another session, with a connection pool of its own (as another process would have), finds it and resumes it.
        var secondClient = new RecordingChatClient();
        var second = TestSessions.Create(Own(new PostgresExecutionStore(server.ConnectionString, _schema)), secondClient);
        var failed = await second.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(["T1"], failed.TaskOutputs.Select(t => t.TaskName));

        var result = await second.Resume(crew, handle.ExecutionId).ResultAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["T2", "T3"], secondClient.Calls);
        Assert.Equal(expected.Output, result.Output);
        var stored = await first.GetExecutionAsync(handle.ExecutionId, TestContext.Current.CancellationToken);
        Assert.Equal(ExecutionStatus.Succeeded, stored.Status);
        Assert.Equal(["T1", "T2", "T3"], stored.TaskOutputs.Select(t => t.TaskName));
        Assert.Equal(
            [ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Failed, ExecutionStatus.Running, ExecutionStatus.Succeeded],
            stored.StatusHistory.Select(h => h.Status));
        Assert.Equal([handle.ExecutionId], (await second.QueryExecutionsAsync(new ExecutionQuery { CrewName = crew.Name, Statuses = [ExecutionStatus.Succeeded] }, TestContext.Current.CancellationToken)).Items.Select(r => r.ExecutionId));
    }
}
