using System;
using System.Collections.Generic;
using System.Data;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Amsha.DefinitionRows;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace Amsha.Postgres;

/// <summary>
/// Agents, tasks and crews defined in a PostgreSQL table, written at run time by an admin tool
/// (<see cref="SaveAgentAsync"/>, <see cref="SaveTaskAsync"/>, <see cref="SaveCrewAsync"/>) and read by sessions as one
/// consistent set: the PostgreSQL twin of the SQLite definition source, with the same table shape, bodies and errors.
/// Every save adds a version and keeps the older ones; the newest version of each name is in force. Any number of
/// processes may share the database.
/// </summary>
/// <remarks>
/// <para>The table (its name is <see cref="PostgresDefinitionSourceOptions.TableName"/>; created on first use, its layout
/// version recorded in <c>amsha_schema_version</c>):</para>
/// <code>
/// CREATE TABLE amsha_definitions (
///     id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,      -- never reused: the row's identity in origins and versions
///     kind       text NOT NULL CHECK (kind IN ('agent', 'task', 'crew')),
///     name       text COLLATE "C" NOT NULL,                           -- compared exactly (case-sensitive)
///     version    bigint NOT NULL CHECK (version > 0),
///     body       text NOT NULL,                                       -- a JSON object, keys as in the YAML files
///     created_at timestamptz NOT NULL,
///     UNIQUE (kind, name, version));
/// -- rows are immutable (an update trigger raises an error): write a new version instead; deleting rows is allowed.
/// -- a statement trigger counts inserts, deletes and truncates in amsha_definition_changes (name, change_count).
/// </code>
/// <para>The bodies' keys and checks are those of the SQLite source; an invalid row fails <see cref="LoadAsync"/> with a
/// <see cref="DefinitionException"/> naming the table, row and field.</para>
/// <para>Once <see cref="GetReloadToken"/> was called the source reads the table's change count every
/// <see cref="PostgresDefinitionSourceOptions.PollInterval"/> and fires the token when it differs from what it last saw;
/// its own saves fire the token at once. Dispose the source to stop polling.</para>
/// </remarks>
public sealed class PostgresDefinitionSource : IDefinitionSource, IDisposable
{
    /// <summary>The longest name of an agent, task, crew, use case or tool source.</summary>
    public const int MaxNameLength = DefinitionRowCodec.MaxNameLength;

    private const string ChangesTable = "amsha_definition_changes";
    private static readonly string[] s_columns = { "id", "kind", "name", "version", "body", "created_at" };
    private static readonly string[] s_reserved = { PostgresSchema.VersionTable, ChangesTable, PostgresExecutionStore.TableName };

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _table;
    private readonly string _quotedTable;
    private readonly string _quotedChanges;
    private readonly string _schemaName;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBodyCharacters;
    private readonly PostgresSchema _schema;
    private readonly DefinitionRowCodec _codec;
    private readonly DefinitionChangeWatcher<ChangeCount> _watcher;

    /// <summary>A source over the table <c>amsha_definitions</c> in the schema <c>public</c> of the database of <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=amsha;Password=…</c>.</param>
    public PostgresDefinitionSource(string connectionString)
        : this(new PostgresDefinitionSourceOptions { ConnectionString = connectionString ?? throw new ArgumentNullException(nameof(connectionString)) })
    {
    }

    /// <summary>A source as <paramref name="options"/> describe it.</summary>
    /// <exception cref="ArgumentException">Neither or both of the connection string and data source are given, or the schema or table name is not a plain identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The poll interval or body limit is not positive.</exception>
    public PostgresDefinitionSource(PostgresDefinitionSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options) + "." + nameof(options.TimeProvider));
        if ((options.ConnectionString is null) == (options.DataSource is null))
        {
            throw new ArgumentException("Give exactly one of PostgresDefinitionSourceOptions.ConnectionString and DataSource.", nameof(options));
        }

        if (!PostgresSchema.IsPlainIdentifier(options.SchemaName))
        {
            throw new ArgumentException(
                $"PostgresDefinitionSourceOptions.SchemaName '{options.SchemaName}' is not a plain identifier: use ASCII letters, digits and underscores, start with a letter or underscore, at most 63 characters, not starting with 'pg_'.",
                nameof(options));
        }

        if (!PostgresSchema.IsPlainIdentifier(options.TableName) || Array.Exists(s_reserved, reserved => string.Equals(reserved, options.TableName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"PostgresDefinitionSourceOptions.TableName '{options.TableName}' is not a plain identifier: use ASCII letters, digits and underscores, start with a letter or underscore, " +
                $"at most 63 characters, not starting with 'pg_' and not one of {string.Join(", ", s_reserved)}.",
                nameof(options));
        }

        DefinitionChangeWatcher<ChangeCount>.CheckPollInterval(options.PollInterval, nameof(PostgresDefinitionSourceOptions));

        if (options.MaxBodyCharacters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBodyCharacters, "PostgresDefinitionSourceOptions.MaxBodyCharacters must be positive.");
        }

        if (options.ConnectionString is { } connectionString)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString, nameof(options) + "." + nameof(options.ConnectionString));
            _dataSource = NpgsqlDataSource.Create(connectionString);
            _ownsDataSource = true;
        }
        else
        {
            _dataSource = options.DataSource!;
        }

        _schemaName = options.SchemaName;
        _table = options.TableName;
        var schema = PostgresSchema.Quote(_schemaName);
        _quotedTable = schema + "." + PostgresSchema.Quote(_table);
        _quotedChanges = schema + "." + ChangesTable;
        _timeProvider = options.TimeProvider;
        _maxBodyCharacters = options.MaxBodyCharacters;
        _codec = new DefinitionRowCodec(_table, _maxBodyCharacters, "PostgresDefinitionSourceOptions.MaxBodyCharacters");
        _watcher = new DefinitionChangeWatcher<ChangeCount>(options.PollInterval, _timeProvider, ReadChangesAsync);
        var database = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString).Database;
        Name = $"{(string.IsNullOrEmpty(database) ? "postgres" : database)} (table {_schemaName}.{_table})";
        _schema = new PostgresSchema(_dataSource, _schemaName, _table, new[] { new PostgresMigration(1, LayoutV1(schema)) }, NewerLayout, VerifyColumnsAsync);
    }

    /// <summary>The database, schema and table, e.g. <c>app (table public.amsha_definitions)</c>.</summary>
    public string Name { get; }

    /// <summary>The table the definitions are in.</summary>
    public string TableName => _table;

    /// <summary>The PostgreSQL schema of the table.</summary>
    public string SchemaName => _schemaName;

    /// <summary>
    /// Reads the newest version of every agent, task and crew in one snapshot (a repeatable-read transaction). The set's
    /// <see cref="DefinitionSet.Version"/> (<c>&lt;highest row id&gt;-&lt;hash of the rows in force&gt;</c>) changes whenever the rows in force do.
    /// </summary>
    /// <exception cref="DefinitionException">A row is invalid; the message names the table, row and field.</exception>
    public async ValueTask<DefinitionSet> LoadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var changes = await ReadChangesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        var rows = new LoadedRows();
        await using (var command = new NpgsqlCommand($"""
            SELECT d.id, d.kind, d.name, length(d.body), CASE WHEN length(d.body) > @max THEN NULL ELSE d.body END
            FROM {_quotedTable} AS d
            WHERE d.version = (SELECT max(m.version) FROM {_quotedTable} AS m WHERE m.kind = d.kind AND m.name = d.name)
            ORDER BY d.kind, d.name
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("max", _maxBodyCharacters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _codec.ReadRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(3), rows);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _watcher.Seen(changes);
        return rows.ToSet();
    }

    /// <summary>
    /// Saves <paramref name="agent"/> as the newest version of its name; older versions stay in the table.
    /// <see cref="AgentDeclaration.Origin"/> and <see cref="AgentDeclaration.FieldOrigins"/> are not stored.
    /// </summary>
    /// <returns>The version written: one more than the highest version of the name so far, starting at 1.</returns>
    /// <exception cref="ArgumentException">A name is empty, too long or holds control characters, or the body is over the size limit.</exception>
    public ValueTask<long> SaveAgentAsync(AgentDeclaration agent, CancellationToken cancellationToken = default)
    {
        var body = _codec.EncodeAgent(agent);
        return InsertAsync(DefinitionRowCodec.KindAgent, agent.Name, body, cancellationToken);
    }

    /// <summary>Saves <paramref name="task"/> as the newest version of its name; older versions stay in the table.</summary>
    /// <returns>The version written.</returns>
    /// <exception cref="ArgumentException">A name is invalid or the body is over the size limit.</exception>
    public ValueTask<long> SaveTaskAsync(TaskDeclaration task, CancellationToken cancellationToken = default)
    {
        var body = _codec.EncodeTask(task);
        return InsertAsync(DefinitionRowCodec.KindTask, task.Name, body, cancellationToken);
    }

    /// <summary>Saves <paramref name="crew"/> as the newest version of its name; older versions stay in the table.</summary>
    /// <returns>The version written.</returns>
    /// <exception cref="ArgumentException">The crew has no steps, a name is invalid, the process is undefined or the body is over the size limit.</exception>
    public ValueTask<long> SaveCrewAsync(CrewDeclaration crew, CancellationToken cancellationToken = default)
    {
        var body = _codec.EncodeCrew(crew);
        return InsertAsync(DefinitionRowCodec.KindCrew, crew.Name, body, cancellationToken);
    }

    /// <summary>
    /// A token that fires when the table may have changed: at once after this source's saves, and within one poll
    /// interval after another connection or process inserted, deleted or truncated rows. The first call starts polling.
    /// </summary>
    public IChangeToken GetReloadToken() => _watcher.GetReloadToken(this);

    /// <summary>Stops polling and disposes the connection pool when the source created it. Loads and saves are refused afterwards.</summary>
    public void Dispose()
    {
        _watcher.Dispose();
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private async ValueTask<long> InsertAsync(string kind, string name, string body, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        long version;
        ChangeCount changes;
        await using (var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
            {
                // Writers of this table take turns, so two never compute the same next version.
                locking.Parameters.AddWithValue("key", PostgresSchema.LockKey("amsha-definitions/" + _schemaName + "." + _table));
                await locking.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand($"""
                INSERT INTO {_quotedTable} (kind, name, version, body, created_at)
                SELECT @kind, @name, coalesce(max(version), 0) + 1, @body, @created FROM {_quotedTable} WHERE kind = @kind AND name = @name
                RETURNING version
                """, connection, transaction))
            {
                command.Parameters.AddWithValue("kind", kind);
                command.Parameters.AddWithValue("name", name);
                command.Parameters.AddWithValue("body", body);
                command.Parameters.AddWithValue("created", _timeProvider.GetUtcNow().UtcDateTime);
                version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            changes = await ReadChangesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _watcher.Seen(changes);
        _watcher.Fire();
        return version;
    }

    private async Task<ChangeCount> ReadChangesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadChangesAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChangeCount> ReadChangesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT change_count FROM {_quotedChanges} WHERE name = @table", connection, transaction);
        command.Parameters.AddWithValue("table", _table);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return new ChangeCount(value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    private string LayoutV1(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {_quotedChanges} (
            name text COLLATE "C" NOT NULL PRIMARY KEY,
            change_count bigint NOT NULL);
        CREATE OR REPLACE FUNCTION {schema}.amsha_definitions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'Amsha definition rows are immutable: insert a new version instead.';
        END $$;
        CREATE OR REPLACE FUNCTION {schema}.amsha_definitions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {_quotedChanges} AS c (name, change_count) VALUES (TG_TABLE_NAME, 1)
            ON CONFLICT (name) DO UPDATE SET change_count = c.change_count + 1;
            RETURN NULL;
        END $$;
        CREATE TABLE IF NOT EXISTS {_quotedTable} (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('agent', 'task', 'crew')),
            name text COLLATE "C" NOT NULL,
            version bigint NOT NULL CHECK (version > 0),
            body text NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (kind, name, version));
        DROP TRIGGER IF EXISTS amsha_immutable ON {_quotedTable};
        CREATE TRIGGER amsha_immutable BEFORE UPDATE ON {_quotedTable} FOR EACH ROW EXECUTE FUNCTION {schema}.amsha_definitions_immutable();
        DROP TRIGGER IF EXISTS amsha_changed ON {_quotedTable};
        CREATE TRIGGER amsha_changed AFTER INSERT OR DELETE OR TRUNCATE ON {_quotedTable} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.amsha_definitions_changed();
        INSERT INTO {_quotedChanges} (name, change_count) VALUES ('{_table}', 0) ON CONFLICT (name) DO NOTHING;
        """;

    private Exception NewerLayout(int found, int known) => new DefinitionException(string.Create(CultureInfo.InvariantCulture,
        $"{Name} has layout version {found} ({_schemaName}.{PostgresSchema.VersionTable}), newer than this Amsha.Postgres understands ({known}). Update the Amsha.Postgres package."));

    private async Task VerifyColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var columns = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table", connection, transaction);
        columns.Parameters.AddWithValue("schema", _schemaName);
        columns.Parameters.AddWithValue("table", _table);
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await columns.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                present.Add(reader.GetString(0));
            }
        }

        var missing = Array.FindAll(s_columns, column => !present.Contains(column));
        if (missing.Length > 0)
        {
            throw new DefinitionException($"{Name} exists without the column(s) {string.Join(", ", missing)}: it is not an Amsha definitions table. Choose another PostgresDefinitionSourceOptions.TableName.");
        }
    }

    private void ThrowIfDisposed() => _watcher.ThrowIfDisposed(this);

    /// <summary>How many statements inserted, deleted or truncated rows of the table, as its trigger counted them.</summary>
    private readonly record struct ChangeCount(long Value);
}
