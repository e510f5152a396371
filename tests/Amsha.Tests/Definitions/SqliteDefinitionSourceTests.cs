using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Sqlite;
using Amsha.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Definitions;

public sealed class SqliteDefinitionSourceTests
{
    private const string Table = SqliteDefinitionSourceOptions.DefaultTableName;
    private readonly string _path = Path.Combine(TestSessions.TempDirectory(), "definitions.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqliteDefinitionSource Open(TimeProvider? time = null, string table = Table, int maxBody = SqliteDefinitionSourceOptions.DefaultMaxBodyCharacters) =>
        new(new SqliteDefinitionSourceOptions { DatabasePath = _path, TableName = table, TimeProvider = time ?? TimeProvider.System, MaxBodyCharacters = maxBody });

    [Fact]
    public async Task Agents_tasks_and_crews_round_trip()
    {
        using var source = Open();
        var agent = new AgentDeclaration("Writer") { Role = "Writer of {topic}", Goal = "Write \"well\" — ünïcode", Backstory = "Line one\nline two", Llm = "creative", ToolSources = new[] { "search", "files" } };
        var task = new TaskDeclaration("Draft") { Description = "Draft {topic}", ExpectedOutput = "A draft", Agent = "Writer", Context = new[] { "Research", "Outline" }, Output = "json", ToolSources = new[] { "files" } };
        var sequential = new CrewDeclaration("Blog") { Steps = new[] { new CrewStepDeclaration("Research"), new CrewStepDeclaration("Draft") } };
        var graph = new CrewDeclaration("Review") { Steps = new[] { new CrewStepDeclaration("Draft", "Editor"), new CrewStepDeclaration("Check") }, Process = CrewProcess.Graph };

        Assert.Equal(1, await source.SaveAgentAsync(agent, Ct));
        Assert.Equal(1, await source.SaveTaskAsync(task, Ct));
        Assert.Equal(1, await source.SaveCrewAsync(sequential, Ct));
        Assert.Equal(1, await source.SaveCrewAsync(graph, Ct));
        var set = await source.LoadAsync(Ct);

        var loadedAgent = Assert.Single(set.Agents);
        Assert.Equal(agent.Name, loadedAgent.Name);
        Assert.Equal(agent.Role, loadedAgent.Role);
        Assert.Equal(agent.Goal, loadedAgent.Goal);
        Assert.Equal(agent.Backstory, loadedAgent.Backstory);
        Assert.Equal(agent.Llm, loadedAgent.Llm);
        Assert.Equal(agent.ToolSources, loadedAgent.ToolSources);

        var loadedTask = Assert.Single(set.Tasks);
        Assert.Equal(task.Description, loadedTask.Description);
        Assert.Equal(task.ExpectedOutput, loadedTask.ExpectedOutput);
        Assert.Equal(task.Agent, loadedTask.Agent);
        Assert.Equal(task.Context, loadedTask.Context);
        Assert.Equal(task.Output, loadedTask.Output);
        Assert.Equal(task.ToolSources, loadedTask.ToolSources);

        Assert.Equal(new[] { "Blog", "Review" }, set.Crews.Select(c => c.Name));
        Assert.Equal(sequential.Steps, set.Crews[0].Steps);
        Assert.Equal(CrewProcess.Sequential, set.Crews[0].Process);
        Assert.Equal(graph.Steps, set.Crews[1].Steps);
        Assert.Equal(CrewProcess.Graph, set.Crews[1].Process);

        // Bodies use the YAML files' keys and keep text readable.
        Assert.Equal("""{"role":"Writer of {topic}","goal":"Write \"well\" — ünïcode","backstory":"Line one\nline two","llm":"creative","tool_sources":["search","files"]}""", Body("agent", "Writer", 1));
        Assert.Equal("""{"tasks":["Research","Draft"],"process":"sequential"}""", Body("crew", "Blog", 1));
        Assert.Equal("""{"steps":[{"task":"Draft","agent":"Editor"},{"task":"Check"}],"process":"graph"}""", Body("crew", "Review", 1));
    }

    [Theory]
    [InlineData(ReviewKind.None, "none")]
    [InlineData(ReviewKind.Approve, "approve")]
    [InlineData(ReviewKind.Edit, "edit")]
    [InlineData(ReviewKind.Approve | ReviewKind.Edit, "approve, edit")]
    public async Task A_task_review_round_trips_as_the_words_of_the_definition_files(ReviewKind review, string written)
    {
        using var source = Open();
        await source.SaveTaskAsync(new TaskDeclaration("Check") { Review = review }, Ct);

        var task = Assert.Single((await source.LoadAsync(Ct)).Tasks);
        Assert.Equal(review, task.Review);
        Assert.Equal(DefinitionOrigin.InTable(Table, 1, "review"), task.FieldOrigins!["review"]);
        Assert.Equal("{\"review\":\"" + written + "\"}", Body("task", "Check", 1));
    }

    [Fact]
    public async Task A_review_is_read_from_a_list_of_words_and_an_undefined_one_is_refused_on_save()
    {
        using var source = Open();
        await source.LoadAsync(Ct);
        Insert("task", "Listed", 1, "{\"review\": [\"Edit\", \"approve\"]}");
        Insert("task", "Unset", 1, "{\"review\": null}");

        var tasks = (await source.LoadAsync(Ct)).Tasks;
        Assert.Equal(ReviewKind.Approve | ReviewKind.Edit, tasks.Single(t => t.Name == "Listed").Review);
        Assert.Null(tasks.Single(t => t.Name == "Unset").Review);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveTaskAsync(new TaskDeclaration("Odd") { Review = (ReviewKind)4 }, Ct));
        Assert.Contains("undefined review 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_fields_are_left_out_so_an_overlay_changes_only_what_it_names()
    {
        using var source = Open();
        await source.SaveAgentAsync(new AgentDeclaration("Analyst") { Llm = "evaluation" }, Ct);

        var agent = Assert.Single((await source.LoadAsync(Ct)).Agents);
        Assert.Null(agent.Role);
        Assert.Null(agent.ToolSources);
        Assert.Equal("evaluation", agent.Llm);
        Assert.Equal(new[] { "llm" }, agent.FieldOrigins!.Keys);
        Assert.Equal("""{"llm":"evaluation"}""", Body("agent", "Analyst", 1));
    }

    [Fact]
    public async Task The_newest_version_wins_and_older_rows_are_kept()
    {
        using var source = Open();
        Assert.Equal(1, await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "first" }, Ct));
        Assert.Equal(2, await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "second" }, Ct));
        Assert.Equal(1, await source.SaveTaskAsync(new TaskDeclaration("Writer") { Description = "a task may share an agent's name" }, Ct));
        Assert.Equal(3, await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "third" }, Ct));

        var set = await source.LoadAsync(Ct);

        Assert.Equal("third", Assert.Single(set.Agents).Role);
        Assert.Single(set.Tasks);
        Assert.Equal(new[] { "first", "second", "third" }, Query("SELECT body FROM amsha_definitions WHERE kind = 'agent' ORDER BY version").Select(b => b.Split('"')[3]));
    }

    [Fact]
    public async Task Origins_name_the_table_row_and_field()
    {
        using var source = Open();
        await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "old" }, Ct);
        await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "new", Goal = "g" }, Ct);
        var row = long.Parse(Query("SELECT id FROM amsha_definitions WHERE name = 'Writer' AND version = 2").Single(), System.Globalization.CultureInfo.InvariantCulture);

        var agent = Assert.Single((await source.LoadAsync(Ct)).Agents);

        Assert.Equal(Table, agent.Origin!.Table);
        Assert.Equal(row, agent.Origin.Row);
        Assert.Null(agent.Origin.Path);
        Assert.Equal(new[] { "goal", "role" }, agent.FieldOrigins!.Keys.Order());
        Assert.Equal(DefinitionOrigin.InTable(Table, row, "goal"), agent.FieldOrigins["goal"]);
        Assert.Equal($"table {Table}, row {row}, field role", agent.FieldOrigins["role"].ToString());
    }

    [Fact]
    public async Task The_set_version_changes_with_every_write_and_only_then()
    {
        using var source = Open();
        var empty = (await source.LoadAsync(Ct)).Version;
        Assert.Equal(empty, (await source.LoadAsync(Ct)).Version);

        await source.SaveAgentAsync(new AgentDeclaration("A") { Role = "1" }, Ct);
        var one = (await source.LoadAsync(Ct)).Version;
        await source.SaveAgentAsync(new AgentDeclaration("A") { Role = "2" }, Ct);
        var two = (await source.LoadAsync(Ct)).Version;

        Assert.Equal(3, new[] { empty, one, two }.Distinct().Count());
        Assert.Equal(two, (await source.LoadAsync(Ct)).Version);

        // Deleting the newest version brings the older one back in force: the version says so.
        Execute("DELETE FROM amsha_definitions WHERE version = 2");
        var reverted = await source.LoadAsync(Ct);
        Assert.Equal("1", Assert.Single(reverted.Agents).Role);
        Assert.NotEqual(two, reverted.Version);
    }

    public static TheoryData<string, string, string, string> InvalidBodies => new()
    {
        { "agent", "{\"role\": \"unterminated", "body", "The body is not valid JSON" },
        { "agent", "[\"role\"]", "body", "The body is an array; it must be a JSON object." },
        { "agent", "\"text\"", "body", "The body is text; it must be a JSON object." },
        { "agent", "{\"role\": 7}", "role", "'role' must be text, but the body has a number (7)." },
        { "agent", "{\"role\": \"a\", \"goal\": true}", "goal", "'goal' must be text, but the body has a boolean (true)." },
        { "agent", "{\"rol\": \"Writer\"}", "rol", "'rol' is not a key of an agent. The keys are role, goal, backstory, llm, tool_sources." },
        { "agent", "{\"role\": \"a\", \"role\": \"b\"}", "role", "'role' appears twice in the body." },
        { "agent", "{\"tool_sources\": \"search\"}", "tool_sources", "'tool_sources' must be an array of names, but the body has text." },
        { "agent", "{\"llm\": \"  \"}", "llm", "'llm' is not a valid name: it is empty." },
        { "task", "{\"context\": [\"Research\", 3]}", "context", "'context' item 1 must be a name (text), but the body has a number (3)." },
        { "task", "{\"expected_output\": {\"a\": 1}}", "expected_output", "'expected_output' must be text, but the body has an object." },
        { "task", "{\"input\": \"x\"}", "input", "'input' is not a key of a task." },
        { "task", "{\"review\": \"approved\"}", "review", "'review' holds 'approved'. Write \"none\", \"approve\"" },
        { "task", "{\"review\": true}", "review", "'review' must be text or an array, but the body has a boolean (true)." },
        { "task", "{\"review\": [\"approve\", 2]}", "review", "'review' lists what the reviewer may do as text, but the body has a number (2)." },
        { "task", "{\"review\": \"none, edit\"}", "review", "'review' is '\"none, edit\"'." },
        { "task", "{\"review\": []}", "review", "'review' is '[]'." },
        { "crew", "{}", "tasks", "The crew 'Item' has no tasks" },
        { "crew", "{\"tasks\": []}", "tasks", "The crew 'Item' has no tasks" },
        { "crew", "{\"tasks\": [\"a\"], \"steps\": [{\"task\": \"a\"}]}", "steps", "has both 'tasks' and 'steps'" },
        { "crew", "{\"tasks\": [\"a\"], \"process\": \"parallel\"}", "process", "'process' is 'parallel'; it must be 'sequential' or 'graph'." },
        { "crew", "{\"steps\": [{\"task\": \"a\", \"agnt\": \"b\"}]}", "steps[0].agnt", "'agnt' is not a key of a crew step." },
        { "crew", "{\"steps\": [{\"agent\": \"b\"}]}", "steps[0].task", "The step names no task." },
        { "crew", "{\"steps\": [\"a\"]}", "steps", "'steps' item 0 must be an object" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_bodies_fail_naming_table_row_and_field(string kind, string body, string field, string message)
    {
        using var source = Open();
        await source.LoadAsync(Ct); // creates the table
        await source.SaveAgentAsync(new AgentDeclaration("Fine") { Role = "ok" }, Ct);
        var row = Insert(kind, "Item", 1, body);

        var error = await Assert.ThrowsAsync<DefinitionException>(async () => await source.LoadAsync(Ct));

        Assert.Equal(DefinitionOrigin.InTable(Table, row, field), error.Origin);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"table {Table}, row {row}, field {field}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_old_version_does_not_matter_once_a_newer_one_is_in_force()
    {
        using var source = Open();
        await source.LoadAsync(Ct);
        Insert("agent", "Writer", 1, "{ not json");
        await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "fixed" }, Ct);

        Assert.Equal("fixed", Assert.Single((await source.LoadAsync(Ct)).Agents).Role);
    }

    [Fact]
    public async Task Rows_are_immutable_and_the_table_enforces_kinds_and_unique_versions()
    {
        using var source = Open();
        await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "r" }, Ct);

        var update = Assert.Throws<SqliteException>(() => Execute("UPDATE amsha_definitions SET body = '{}'"));
        Assert.Contains("immutable", update.Message, StringComparison.Ordinal);
        Assert.Throws<SqliteException>(() => Insert("tool", "x", 1, "{}"));
        Assert.Throws<SqliteException>(() => Insert("agent", "Writer", 1, "{}"));
        Assert.Equal(new[] { $"{Table}|1" }, Query("SELECT name || '|' || version FROM amsha_schema"));
    }

    [Fact]
    public async Task Names_are_parameters_so_sql_in_a_name_is_just_a_name()
    {
        using var source = Open();
        const string hostile = "x'); DROP TABLE amsha_definitions;--";
        const string quoted = "Robert\"); DELETE FROM amsha_schema; --";
        await source.SaveAgentAsync(new AgentDeclaration(hostile) { Role = "it's a ' quote", Llm = quoted }, Ct);
        await source.SaveTaskAsync(new TaskDeclaration(quoted) { Agent = hostile, Context = new[] { hostile } }, Ct);
        await source.SaveCrewAsync(new CrewDeclaration(hostile) { Steps = new[] { new CrewStepDeclaration(quoted, hostile) } }, Ct);

        var set = await source.LoadAsync(Ct);

        var agent = Assert.Single(set.Agents);
        Assert.Equal(hostile, agent.Name);
        Assert.Equal("it's a ' quote", agent.Role);
        Assert.Equal(quoted, agent.Llm);
        Assert.Equal(hostile, Assert.Single(set.Tasks).Agent);
        Assert.Equal(new CrewStepDeclaration(quoted, hostile), Assert.Single(Assert.Single(set.Crews).Steps));
        Assert.Equal(new[] { "3" }, Query("SELECT count(*) FROM amsha_definitions"));
        Assert.Equal(new[] { "1" }, Query("SELECT count(*) FROM amsha_schema"));
    }

    [Theory]
    [InlineData("defs; DROP TABLE amsha_definitions")]
    [InlineData("defs\" (x); --")]
    [InlineData("amsha definitions")]
    [InlineData("1defs")]
    [InlineData("")]
    [InlineData("sqlite_master")]
    [InlineData("amsha_schema")]
    [InlineData("défs")]
    public void Table_names_must_be_plain_identifiers(string table)
    {
        var error = Assert.Throws<ArgumentException>(() => Open(table: table));

        Assert.Contains("is not a plain identifier", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_path));
    }

    [Fact]
    public async Task A_configured_table_name_is_used_and_its_schema_recorded()
    {
        var name = "tenant_7_definitions_" + new string('x', 64 - 21);
        using var source = Open(table: name);
        await source.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "r" }, Ct);

        var set = await source.LoadAsync(Ct);

        Assert.Equal(name, Assert.Single(set.Agents).Origin!.Table);
        Assert.Equal(new[] { "1" }, Query($"SELECT count(*) FROM \"{name}\""));
        Assert.Equal(new[] { "1" }, Query("SELECT version FROM amsha_schema WHERE name = '" + name + "'"));
        Assert.Equal($"{_path} (table {name})", source.Name);
    }

    [Fact]
    public async Task A_table_of_a_newer_layout_or_another_purpose_is_refused()
    {
        Execute("CREATE TABLE amsha_schema (name TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL); INSERT INTO amsha_schema VALUES ('future', 2); CREATE TABLE other (id INTEGER PRIMARY KEY, label TEXT)");

        using var future = Open(table: "future");
        var newer = await Assert.ThrowsAsync<DefinitionException>(async () => await future.LoadAsync(Ct));
        Assert.Contains("has layout version 2 (amsha_schema), newer than this Amsha.Sqlite understands (1)", newer.Message, StringComparison.Ordinal);

        using var other = Open(table: "other");
        var foreign = await Assert.ThrowsAsync<DefinitionException>(async () => await other.LoadAsync(Ct));
        Assert.Contains("exists without the column(s) kind, name, version, body, created_at: it is not an Amsha definitions table", foreign.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" Writer")]
    [InlineData("Wri\nter")]
    public async Task Invalid_names_are_refused_on_save(string name)
    {
        using var source = Open();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveAgentAsync(new AgentDeclaration(name), Ct));

        Assert.Equal("agent", error.ParamName);
        Assert.Contains("The agent name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_longer_than_the_limit_and_invalid_names_inside_bodies_are_refused_on_save()
    {
        using var source = Open();

        var tooLong = await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveTaskAsync(new TaskDeclaration(new string('t', SqliteDefinitionSource.MaxNameLength + 1)), Ct));
        Assert.Contains("257 characters, more than 256", tooLong.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveTaskAsync(new TaskDeclaration("T") { Context = new[] { "" } }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveCrewAsync(new CrewDeclaration("C"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveCrewAsync(new CrewDeclaration("C") { Steps = new[] { new CrewStepDeclaration("T") }, Process = (CrewProcess)9 }, Ct));
        Assert.Empty((await source.LoadAsync(Ct)).Tasks);
    }

    [Fact]
    public async Task Bodies_over_the_size_limit_are_refused_on_save_and_on_load()
    {
        using var source = Open(maxBody: 1000);
        await source.LoadAsync(Ct);

        var save = await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveAgentAsync(new AgentDeclaration("Big") { Backstory = new string('b', 2000) }, Ct));
        Assert.Contains("The agent 'Big' is 2016 characters as JSON, more than the limit of 1000 (SqliteDefinitionSourceOptions.MaxBodyCharacters).", save.Message, StringComparison.Ordinal);

        var row = Insert("agent", "Big", 1, "{\"backstory\":\"" + new string('b', 5000) + "\"}");
        var load = await Assert.ThrowsAsync<DefinitionException>(async () => await source.LoadAsync(Ct));
        Assert.Equal(DefinitionOrigin.InTable(Table, row, "body"), load.Origin);
        Assert.Contains("has 5016 characters, more than the limit of 1000", load.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_size_limit_is_256_K_characters()
    {
        using var source = Open();
        var fits = new string('a', SqliteDefinitionSourceOptions.DefaultMaxBodyCharacters - 20);

        await source.SaveAgentAsync(new AgentDeclaration("Fits") { Role = fits }, Ct);
        await Assert.ThrowsAsync<ArgumentException>(async () => await source.SaveAgentAsync(new AgentDeclaration("Over") { Role = fits + new string('a', 20) }, Ct));
        Assert.Equal(fits, Assert.Single((await source.LoadAsync(Ct)).Agents).Role);
    }

    [Fact]
    public async Task A_write_by_another_connection_fires_the_token_after_the_poll_interval()
    {
        var time = new FakeTimeProvider();
        using var reader = Open(time);
        using var writer = Open();
        await reader.LoadAsync(Ct);
        var token = reader.GetReloadToken();
        var fired = Fired(token);

        await writer.SaveAgentAsync(new AgentDeclaration("Writer") { Role = "r" }, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(token.HasChanged);

        time.Advance(TimeSpan.FromSeconds(1));
        await fired.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(token.HasChanged);
        Assert.Equal("r", Assert.Single((await reader.LoadAsync(Ct)).Agents).Role);

        // Nothing new: the next token stays quiet through later polls.
        var next = reader.GetReloadToken();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(next.HasChanged);

        // A delete by a plain connection is a change too.
        Execute("DELETE FROM amsha_definitions");
        var deleted = Fired(next);
        time.Advance(TimeSpan.FromSeconds(2));
        await deleted.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task The_sources_own_save_fires_the_token_at_once()
    {
        var time = new FakeTimeProvider();
        using var source = Open(time);
        await source.LoadAsync(Ct);
        var token = source.GetReloadToken();

        await source.SaveTaskAsync(new TaskDeclaration("Draft") { Description = "d" }, Ct);

        Assert.True(token.HasChanged);
        var next = source.GetReloadToken();
        Assert.False(next.HasChanged);
        time.Advance(TimeSpan.FromSeconds(4)); // the poll sees nothing it has not reported
        Assert.False(next.HasChanged);
    }

    [Fact]
    public async Task Polling_can_be_turned_off_and_stops_on_dispose()
    {
        var time = new FakeTimeProvider();
        using var quiet = new SqliteDefinitionSource(new SqliteDefinitionSourceOptions { DatabasePath = _path, PollInterval = Timeout.InfiniteTimeSpan, TimeProvider = time });
        var source = Open(time);
        await quiet.LoadAsync(Ct);
        await source.LoadAsync(Ct);
        var quietToken = quiet.GetReloadToken();
        var token = source.GetReloadToken();
        source.Dispose();

        Insert("agent", "Writer", 1, "{}");
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(quietToken.HasChanged);
        Assert.False(token.HasChanged);
        Assert.Throws<ObjectDisposedException>(() => source.GetReloadToken());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await source.LoadAsync(Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteDefinitionSource(new SqliteDefinitionSourceOptions { DatabasePath = _path, PollInterval = TimeSpan.Zero }));
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteDefinitionSource(new SqliteDefinitionSourceOptions { DatabasePath = _path, PollInterval = TimeSpan.FromDays(60) }));
        Assert.StartsWith("SqliteDefinitionSourceOptions.PollInterval must be positive and at most 49.7 days (one timer)", tooLong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SqliteDefinitionSource(new SqliteDefinitionSourceOptions()));
        Assert.Throws<ArgumentException>(() => new SqliteDefinitionSource(new SqliteDefinitionSourceOptions { DatabasePath = _path, ConnectionString = "Data Source=" + _path }));
    }

    [Fact]
    public async Task Concurrent_writers_on_one_file_get_distinct_versions_and_lose_nothing()
    {
        using var first = Open();
        using var second = new SqliteDefinitionSource(new SqliteDefinitionSourceOptions { ConnectionString = $"Data Source={_path};Default Timeout=30" });
        const int each = 25;

        var writes = Enumerable.Range(0, each * 2).Select(i => Task.Run(async () =>
        {
            var source = i % 2 == 0 ? first : second;
            var version = await source.SaveAgentAsync(new AgentDeclaration("Shared") { Role = "write " + i }, Ct);
            await source.SaveTaskAsync(new TaskDeclaration("Own" + i) { Description = "d" }, Ct);
            return (Version: version, Role: "write " + i);
        }, Ct)).ToList();
        var results = await Task.WhenAll(writes);

        Assert.Equal(Enumerable.Range(1, each * 2).Select(v => (long)v), results.Select(r => r.Version).Order());
        var set = await second.LoadAsync(Ct);
        Assert.Equal(results.Single(r => r.Version == each * 2).Role, Assert.Single(set.Agents).Role);
        Assert.Equal(each * 2, set.Tasks.Count);
        Assert.Equal(new[] { (each * 4).ToString(System.Globalization.CultureInfo.InvariantCulture) }, Query("SELECT count(*) FROM amsha_definitions"));
    }

    private static Task Fired(IChangeToken token)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.RegisterChangeCallback(static state => ((TaskCompletionSource)state!).TrySetResult(), fired);
        return fired.Task;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=false;Default Timeout=30");
        connection.Open();
        return connection;
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Insert(string kind, string name, long version, string body)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO amsha_definitions (kind, name, version, body, created_at) VALUES ($kind, $name, $version, $body, '2030-01-01T00:00:00Z') RETURNING id";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$body", body);
        return (long)command.ExecuteScalar()!;
    }

    private List<string> Query(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    private string Body(string kind, string name, long version)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM amsha_definitions WHERE kind = $kind AND name = $name AND version = $version";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$version", version);
        return (string)command.ExecuteScalar()!;
    }
}
