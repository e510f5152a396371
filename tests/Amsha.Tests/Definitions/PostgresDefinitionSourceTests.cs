using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Postgres;
using Amsha.Tests.Support;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Amsha.Tests.Definitions;

/// <summary>The PostgreSQL twin of <see cref="SqliteDefinitionSourceTests"/>: same bodies, errors and change detection; each test in a schema of its own.</summary>
public sealed class PostgresDefinitionSourceTests(PostgresServer server) : IAsyncLifetime
{
    private const string Table = PostgresDefinitionSourceOptions.DefaultTableName;
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly List<PostgresDefinitionSource> _opened = new();
    private NpgsqlDataSource _dataSource = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _dataSource = await server.DataSourceAsync();

    public ValueTask DisposeAsync()
    {
        foreach (var source in _opened)
        {
            source.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private PostgresDefinitionSource Open(TimeProvider? time = null, string table = Table, int maxBody = PostgresDefinitionSourceOptions.DefaultMaxBodyCharacters, bool ownPool = false)
    {
        var source = new PostgresDefinitionSource(new PostgresDefinitionSourceOptions
        {
            DataSource = ownPool ? null : _dataSource,
            ConnectionString = ownPool ? server.ConnectionString : null,
            SchemaName = _schema,
            TableName = table,
            TimeProvider = time ?? TimeProvider.System,
            MaxBodyCharacters = maxBody,
        });
        _opened.Add(source);
        return source;
    }

    [Fact]
    public async Task Agents_tasks_and_crews_round_trip_with_the_bodies_of_the_sqlite_source()
    {
        var source = Open();
        var agent = new AgentDeclaration("Writer") { Role = "Writer of {topic}", Goal = "Write \"well\" — ünïcode", Backstory = "Line one\nline two", Llm = "creative", ToolSources = new[] { "search", "files" } };
        var task = new TaskDeclaration("Draft") { Description = "Draft {topic}", ExpectedOutput = "A draft", Agent = "Writer", Context = new[] { "Research", "Outline" }, Output = "json", ToolSources = new[] { "files" }, Review = ReviewKind.Approve };
        var sequential = new CrewDeclaration("Blog") { Steps = new[] { new CrewStepDeclaration("Research"), new CrewStepDeclaration("Draft") } };
        var graph = new CrewDeclaration("Review") { Steps = new[] { new CrewStepDeclaration("Draft", "Editor"), new CrewStepDeclaration("Check") }, Process = CrewProcess.Graph };

        Assert.Equal(1, await source.SaveAgentAsync(agent, Ct));
        Assert.Equal(1, await source.SaveTaskAsync(task, Ct));
        Assert.Equal(1, await source.SaveCrewAsync(sequential, Ct));
        Assert.Equal(1, await source.SaveCrewAsync(graph, Ct));
        var set = await Open(ownPool: true).LoadAsync(Ct);

        var loadedAgent = Assert.Single(set.Agents);
        Assert.Equal((agent.Role, agent.Goal, agent.Backstory, agent.Llm), (loadedAgent.Role, loadedAgent.Goal, loadedAgent.Backstory, loadedAgent.Llm));
        Assert.Equal(agent.ToolSources, loadedAgent.ToolSources);
        var loadedTask = Assert.Single(set.Tasks);
        Assert.Equal((task.Description, task.ExpectedOutput, task.Agent, task.Output, task.Review), (loadedTask.Description, loadedTask.ExpectedOutput, loadedTask.Agent, loadedTask.Output, loadedTask.Review));
        Assert.Equal(task.Context, loadedTask.Context);
        Assert.Equal(new[] { "Blog", "Review" }, set.Crews.Select(c => c.Name));
        Assert.Equal(sequential.Steps, set.Crews[0].Steps);
        Assert.Equal(graph.Steps, set.Crews[1].Steps);
        Assert.Equal(CrewProcess.Graph, set.Crews[1].Process);

        var row = long.Parse((await server.QueryAsync($"SELECT id FROM {_schema}.{Table} WHERE kind = 'agent'")).Single()!, CultureInfo.InvariantCulture);
        Assert.Equal(DefinitionOrigin.InTable(Table, row), loadedAgent.Origin);
        Assert.Equal(DefinitionOrigin.InTable(Table, row, "llm"), loadedAgent.FieldOrigins!["llm"]);
        Assert.Equal(
            ["""{"role":"Writer of {topic}","goal":"Write \"well\" — ünïcode","backstory":"Line one\nline two","llm":"creative","tool_sources":["search","files"]}""", """{"steps":[{"task":"Draft","agent":"Editor"},{"task":"Check"}],"process":"graph"}"""],
            await server.QueryAsync($"SELECT body FROM {_schema}.{Table} WHERE name IN ('Writer', 'Review') ORDER BY kind"));
        Assert.Equal($"{PostgresServer.Database} (table {_schema}.{Table})", source.Name);
    }

    [Fact]
    public async Task The_newest_version_wins_and_the_set_version_follows_writes_and_deletes()
    {
        var source = Open();
        var empty = (await source.LoadAsync(Ct)).Version;
        Assert.Equal(1, await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "first" }, Ct));
        var one = (await source.LoadAsync(Ct)).Version;
        Assert.Equal(2, await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "second" }, Ct));
        var two = await source.LoadAsync(Ct);

        Assert.Equal("second", Assert.Single(two.Agents).Role);
        Assert.Equal(3, new[] { empty, one, two.Version }.Distinct().Count());
        Assert.Equal(two.Version, (await source.LoadAsync(Ct)).Version);

        await server.ExecuteAsync($"DELETE FROM {_schema}.{Table} WHERE version = 2");
        var reverted = await source.LoadAsync(Ct);
        Assert.Equal("first", Assert.Single(reverted.Agents).Role);
        Assert.Equal(one, reverted.Version);
    }

    [Theory]
    [MemberData(nameof(SqliteDefinitionSourceTests.InvalidBodies), MemberType = typeof(SqliteDefinitionSourceTests))]
    public async Task Invalid_rows_fail_naming_table_row_and_field(string kind, string body, string field, string message)
    {
        var source = Open();
        await source.SaveAgentAsync(new AgentDeclaration("Fine") { Role = "ok" }, Ct);
        var row = await InsertAsync(kind, "Item", 1, body);

        var error = await Assert.ThrowsAsync<DefinitionException>(async () => await source.LoadAsync(Ct));

        Assert.Equal(DefinitionOrigin.InTable(Table, row, field), error.Origin);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"table {Table}, row {row}, field {field}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_over_the_limit_and_invalid_names_are_refused_on_save_and_on_load()
    {
        var source = Open(maxBody: 1000);
        await source.LoadAsync(Ct); // creates the table
        var save = await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveAgentAsync(new AgentDeclaration("Big") { Backstory = new string('b', 2000) }, Ct));
        Assert.Contains("The agent 'Big' is 2016 characters as JSON, more than the limit of 1000 (PostgresDefinitionSourceOptions.MaxBodyCharacters).", save.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveAgentAsync(new AgentDeclaration(" Writer"), Ct));

        var big = await InsertAsync("agent", "Big", 1, "{\"backstory\":\"" + new string('b', 5000) + "\"}");
        var load = await Assert.ThrowsAsync<DefinitionException>(async () => await source.LoadAsync(Ct));
        Assert.Equal(DefinitionOrigin.InTable(Table, big, "body"), load.Origin);
        Assert.Contains("has 5016 characters, more than the limit of 1000 (PostgresDefinitionSourceOptions.MaxBodyCharacters)", load.Message, StringComparison.Ordinal);

        await server.ExecuteAsync($"DELETE FROM {_schema}.{Table}");
        var unnamed = await InsertAsync("agent", "", 1, "{}");
        var name = await Assert.ThrowsAsync<DefinitionException>(async () => await source.LoadAsync(Ct));
        Assert.Equal(DefinitionOrigin.InTable(Table, unnamed, "name"), name.Origin);
    }

    [Fact]
    public async Task A_write_by_another_process_or_a_plain_delete_fires_the_token_after_the_poll_interval()
    {
        var time = new FakeTimeProvider();
        var reader = Open(time);
        var writer = Open(ownPool: true);
        await reader.LoadAsync(Ct);
        var token = reader.GetReloadToken();
        var fired = Fired(token);

        await writer.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "r" }, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(token.HasChanged);

        time.Advance(TimeSpan.FromSeconds(1));
        await fired.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("r", Assert.Single((await reader.LoadAsync(Ct)).Agents).Role);

        // Nothing new: the next token stays quiet through later polls.
        var next = reader.GetReloadToken();
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(200, Ct);
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(200, Ct);
        Assert.False(next.HasChanged);

        // A delete by a plain connection is a change too.
        await server.ExecuteAsync($"DELETE FROM {_schema}.{Table}");
        var deleted = Fired(next);
        time.Advance(TimeSpan.FromSeconds(2));
        await deleted.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task The_sources_own_save_fires_the_token_at_once_and_dispose_stops_it()
    {
        var time = new FakeTimeProvider();
        var source = Open(time);
        await source.LoadAsync(Ct);
        var token = source.GetReloadToken();

        await source.SaveTaskAsync(new TaskDeclaration("Draft") { Description = "d" }, Ct);

        Assert.True(token.HasChanged);
        var next = source.GetReloadToken();
        source.Dispose();
        await InsertAsync("agent", "Writer", 1, "{}");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(next.HasChanged);
        Assert.Throws<ObjectDisposedException>(() => source.GetReloadToken());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await source.LoadAsync(Ct));
    }

    [Fact]
    public async Task Rows_are_immutable_the_table_enforces_kinds_and_versions_and_its_layout_is_recorded()
    {
        var source = Open();
        await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "r" }, Ct);

        var update = await Assert.ThrowsAsync<PostgresException>(() => server.ExecuteAsync($"UPDATE {_schema}.{Table} SET body = '{{}}'"));
        Assert.Contains("immutable", update.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresException>(() => InsertAsync("tool", "x", 1, "{}"));
        await Assert.ThrowsAsync<PostgresException>(() => InsertAsync("agent", "Writer", 1, "{}"));
        Assert.Equal([$"{Table}|1"], await server.QueryAsync($"SELECT name || '|' || version FROM {_schema}.amsha_schema_version"));
    }

    [Fact]
    public async Task A_table_of_a_newer_layout_or_another_purpose_is_refused()
    {
        await server.ExecuteAsync($"CREATE SCHEMA {_schema}; CREATE TABLE {_schema}.amsha_schema_version (name text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now()); INSERT INTO {_schema}.amsha_schema_version (name, version) VALUES ('future', 2); CREATE TABLE {_schema}.other (id integer PRIMARY KEY, label text)");

        var newer = await Assert.ThrowsAsync<DefinitionException>(async () => await Open(table: "future").LoadAsync(Ct));
        Assert.Contains($"has layout version 2 ({_schema}.amsha_schema_version), newer than this Amsha.Postgres understands (1)", newer.Message, StringComparison.Ordinal);

        var foreign = await Assert.ThrowsAsync<DefinitionException>(async () => await Open(table: "other").LoadAsync(Ct));
        Assert.Contains("exists without the column(s) kind, name, version, body, created_at: it is not an Amsha definitions table", foreign.Message, StringComparison.Ordinal);
        Assert.Equal(["id", "label"], await server.QueryAsync("SELECT column_name FROM information_schema.columns WHERE table_schema = @s AND table_name = 'other' ORDER BY column_name", ("s", _schema)));
    }

    [Theory]
    [InlineData("defs; DROP TABLE amsha_definitions")]
    [InlineData("1defs")]
    [InlineData("")]
    [InlineData("pg_defs")]
    [InlineData("amsha_schema_version")]
    [InlineData("amsha_executions")]
    [InlineData("défs")]
    public void Table_names_must_be_plain_identifiers(string table)
    {
        var error = Assert.Throws<ArgumentException>(() => Open(table: table));
        Assert.Contains("is not a plain identifier", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(60 * 24 * 3600.0)]
    public void A_poll_interval_no_timer_takes_is_refused(double seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresDefinitionSource(new PostgresDefinitionSourceOptions
        {
            DataSource = _dataSource,
            SchemaName = _schema,
            TableName = Table,
            PollInterval = TimeSpan.FromSeconds(seconds),
        }));
        Assert.StartsWith("PostgresDefinitionSourceOptions.PollInterval must be positive and at most 49.7 days (one timer)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_with_the_documented_row_privileges_reads_and_writes_definitions_in_a_prepared_schema()
    {
        // docs/postgres.md: the administrator prepares the layout, the app's role gets row privileges only.
        await Open().SaveAgentAsync(new AgentDeclaration("Writer") { Role = "first" }, Ct);
        var role = "amsha_defs_" + Guid.NewGuid().ToString("N")[..10];
        await server.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        await server.ExecuteAsync($"GRANT USAGE ON SCHEMA {_schema} TO {role}");
        await server.ExecuteAsync($"GRANT SELECT ON {_schema}.amsha_schema_version TO {role}");
        await server.ExecuteAsync($"GRANT SELECT, INSERT ON {_schema}.{Table} TO {role}");
        await server.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE ON {_schema}.amsha_definition_changes TO {role}");

        var app = new PostgresDefinitionSource(new PostgresDefinitionSourceOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = role }.ConnectionString,
            SchemaName = _schema,
        });
        _opened.Add(app);
        Assert.Equal(2, await app.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "second" }, Ct));
        await app.SaveTaskAsync(new TaskDeclaration("Draft") { Description = "Draft {topic}", ExpectedOutput = "A draft", Agent = "Writer" }, Ct);
        var loaded = await app.LoadAsync(Ct);
        Assert.Equal("second", Assert.Single(loaded.Agents).Role);
        Assert.Equal("Draft", Assert.Single(loaded.Tasks).Name);
    }

    [Fact]
    public async Task Concurrent_writers_with_pools_of_their_own_get_distinct_versions_and_lose_nothing()
    {
        var first = Open();
        var second = Open(ownPool: true);
        const int each = 10;

        var results = await Task.WhenAll(Enumerable.Range(0, each * 2).Select(i => Task.Run(async () =>
        {
            var source = i % 2 == 0 ? first : second;
            var version = await source.SaveAgentAsync(new AgentDeclaration("Shared") { Role = "write " + i }, Ct);
            return (Version: version, Role: "write " + i);
        }, Ct)));

        Assert.Equal(Enumerable.Range(1, each * 2).Select(v => (long)v), results.Select(r => r.Version).Order());
        Assert.Equal(results.Single(r => r.Version == each * 2).Role, Assert.Single((await second.LoadAsync(Ct)).Agents).Role);
    }

    private static Task Fired(IChangeToken token)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.RegisterChangeCallback(static state => ((TaskCompletionSource)state!).TrySetResult(), fired);
        return fired.Task;
    }

    private async Task<long> InsertAsync(string kind, string name, long version, string body)
    {
        var rows = await server.QueryAsync(
            $"INSERT INTO {_schema}.{Table} (kind, name, version, body, created_at) VALUES (@kind, @name, @version, @body, '2030-01-01T00:00:00Z') RETURNING id",
            ("kind", kind), ("name", name), ("version", version), ("body", body));
        return long.Parse(rows.Single()!, CultureInfo.InvariantCulture);
    }
}
