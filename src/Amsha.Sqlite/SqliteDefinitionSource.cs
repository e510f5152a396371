using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Amsha.DefinitionRows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Primitives;

namespace Amsha.Sqlite;

/// <summary>
/// Agents, tasks and crews defined in a SQLite table, written at run time by an admin tool
/// (<see cref="SaveAgentAsync"/>, <see cref="SaveTaskAsync"/>, <see cref="SaveCrewAsync"/>) and read by sessions
/// as one consistent set. Every save adds a version and keeps the older ones; the newest version of each
/// name is in force. Several processes may share one database file.
/// </summary>
/// <remarks>
/// <para>The table (its name is <see cref="SqliteDefinitionSourceOptions.TableName"/>; created on first use):</para>
/// <code>
/// CREATE TABLE amsha_definitions (
///     id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the row's identity in origins and versions
///     kind       TEXT NOT NULL CHECK (kind IN ('agent', 'task', 'crew')),
///     name       TEXT NOT NULL,                      -- compared exactly (case-sensitive)
///     version    INTEGER NOT NULL CHECK (version > 0),
///     body       TEXT NOT NULL,                      -- a JSON object, keys as in the YAML files
///     created_at TEXT NOT NULL,                      -- ISO 8601, UTC
///     UNIQUE (kind, name, version));
/// -- rows are immutable (an update trigger aborts): write a new version instead; deleting rows is allowed.
/// CREATE TABLE amsha_schema (name TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL);  -- one row per table: its layout's version (1)
/// </code>
/// <para>Body keys: an agent's <c>role</c>, <c>goal</c>, <c>backstory</c>, <c>llm</c> (text) and <c>tool_sources</c>
/// (array of names); a task's <c>description</c>, <c>expected_output</c>, <c>agent</c>, <c>output</c> (text),
/// <c>context</c> (array of task names, or one name), <c>tool_sources</c> and <c>review</c> (<c>"none"</c>, <c>"approve"</c>,
/// <c>"edit"</c> or <c>"approve, edit"</c>, or an array of these words); a crew's <c>tasks</c> (array of task
/// names) or <c>steps</c> (array of <c>{ "task": …, "agent": … }</c>, <c>agent</c> optional) and <c>process</c>
/// (<c>sequential</c>, the default, or <c>graph</c>). A null value is the same as a missing key. Unknown keys,
/// duplicate keys, values of the wrong type and bodies over <see cref="SqliteDefinitionSourceOptions.MaxBodyCharacters"/>
/// fail <see cref="LoadAsync"/> with a <see cref="DefinitionException"/> naming the table, row and field.</para>
/// <para>SQLite has no change notifications: once <see cref="GetReloadToken"/> was called the source compares the
/// table's highest row id and row count every <see cref="SqliteDefinitionSourceOptions.PollInterval"/> and fires the
/// token when they differ from what it last saw; its own saves fire the token at once. Dispose the source to stop polling.</para>
/// </remarks>
public sealed class SqliteDefinitionSource : IDefinitionSource, IDisposable
{
    /// <summary>The table that records each definitions table's layout version.</summary>
    public const string SchemaTableName = "amsha_schema";

    /// <summary>The layout version this library writes and reads.</summary>
    private const int LayoutVersion = 1;

    /// <summary>The longest name of an agent, task, crew, use case or tool source.</summary>
    public const int MaxNameLength = DefinitionRowCodec.MaxNameLength;

    private const int MaxTableNameLength = 64;
    private static readonly string[] s_columns = { "id", "kind", "name", "version", "body", "created_at" };

    private readonly string _connectionString;
    private readonly string _table;
    private readonly string _quotedTable;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBodyCharacters;
    private readonly SqliteSchema _schema;
    private readonly DefinitionRowCodec _codec;
    private readonly DefinitionChangeWatcher<Fingerprint> _watcher;

    /// <summary>A source over the table <c>amsha_definitions</c> of the database file <paramref name="databasePath"/>, created when missing.</summary>
    public SqliteDefinitionSource(string databasePath)
        : this(new SqliteDefinitionSourceOptions { DatabasePath = databasePath ?? throw new ArgumentNullException(nameof(databasePath)) })
    {
    }

    /// <summary>A source as <paramref name="options"/> describe it.</summary>
    /// <exception cref="ArgumentException">Neither or both of the database path and connection string are given, or the table name is not a plain identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The poll interval or body limit is not positive.</exception>
    public SqliteDefinitionSource(SqliteDefinitionSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options) + "." + nameof(options.TimeProvider));
        if ((options.DatabasePath is null) == (options.ConnectionString is null))
        {
            throw new ArgumentException("Give exactly one of SqliteDefinitionSourceOptions.DatabasePath and ConnectionString.", nameof(options));
        }

        SqliteConnectionStringBuilder connection;
        if (options.ConnectionString is { } connectionString)
        {
            connection = new SqliteConnectionStringBuilder(connectionString);
        }
        else
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options) + "." + nameof(options.DatabasePath));
            connection = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 };
        }

        if (!IsPlainIdentifier(options.TableName))
        {
            throw new ArgumentException(
                $"SqliteDefinitionSourceOptions.TableName '{options.TableName}' is not a plain identifier: use letters, digits and underscores, start with a letter or underscore, " +
                $"at most {MaxTableNameLength} characters, not starting with 'sqlite_' and not '{SchemaTableName}'.",
                nameof(options));
        }

        DefinitionChangeWatcher<Fingerprint>.CheckPollInterval(options.PollInterval, nameof(SqliteDefinitionSourceOptions));

        if (options.MaxBodyCharacters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBodyCharacters, "SqliteDefinitionSourceOptions.MaxBodyCharacters must be positive.");
        }

        _connectionString = connection.ToString();
        _schema = new SqliteSchema(_connectionString, CreateSchemaAsync);
        _table = options.TableName;
        _quotedTable = "\"" + options.TableName + "\"";
        _timeProvider = options.TimeProvider;
        _maxBodyCharacters = options.MaxBodyCharacters;
        _codec = new DefinitionRowCodec(_table, _maxBodyCharacters, "SqliteDefinitionSourceOptions.MaxBodyCharacters");
        _watcher = new DefinitionChangeWatcher<Fingerprint>(options.PollInterval, _timeProvider, ReadFingerprintAsync);
        Name = $"{connection.DataSource} (table {_table})";
    }

    /// <summary>The database and table, e.g. <c>/data/app.db (table amsha_definitions)</c>.</summary>
    public string Name { get; }

    /// <summary>The table the definitions are in.</summary>
    public string TableName => _table;

    /// <summary>
    /// Reads the newest version of every agent, task and crew in one read transaction. The set's
    /// <see cref="DefinitionSet.Version"/> (<c>&lt;highest row id&gt;-&lt;hash of the rows in force&gt;</c>) changes whenever the rows in force do.
    /// </summary>
    /// <exception cref="DefinitionException">A row is invalid; the message names the table, row and field.</exception>
    public async ValueTask<DefinitionSet> LoadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var fingerprint = await ReadFingerprintAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        var rows = new LoadedRows();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                SELECT d.id, d.kind, d.name, typeof(d.body), length(d.body), CASE WHEN length(d.body) > $max THEN NULL ELSE d.body END
                FROM {_quotedTable} AS d
                WHERE d.version = (SELECT max(m.version) FROM {_quotedTable} AS m WHERE m.kind = d.kind AND m.name = d.name)
                ORDER BY d.kind, d.name
                """;
            command.Parameters.AddWithValue("$max", _maxBodyCharacters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                var kind = reader.IsDBNull(1) ? "" : reader.GetString(1);
                var name = reader.IsDBNull(2) ? "" : reader.GetString(2);
                var type = reader.GetString(3);
                if (!string.Equals(type, "text", StringComparison.Ordinal) && DefinitionRowCodec.NameProblem(name) is null)
                {
                    throw new DefinitionException($"The body of {kind} '{name}' is of SQLite type {type}; it must be text holding a JSON object.", DefinitionOrigin.InTable(_table, id, "body"));
                }

                _codec.ReadRow(id, kind, name, reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(4) ? 0 : reader.GetInt64(4), rows);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _watcher.Seen(fingerprint);
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
    /// interval after another connection or process wrote or deleted rows. The first call starts polling.
    /// </summary>
    public IChangeToken GetReloadToken() => _watcher.GetReloadToken(this);

    /// <summary>Stops polling. Loads and saves are refused afterwards.</summary>
    public void Dispose() => _watcher.Dispose();

    /// <inheritdoc/>
    public override string ToString() => Name;

    private async ValueTask<long> InsertAsync(string kind, string name, string body, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        long version;
        Fingerprint fingerprint;
        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            // IMMEDIATE: takes the write lock first, so two writers never compute the same next version.
            await using var transaction = connection.BeginTransaction(deferred: false);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = $"""
                    INSERT INTO {_quotedTable} (kind, name, version, body, created_at)
                    SELECT $kind, $name, coalesce(max(version), 0) + 1, $body, $created FROM {_quotedTable} WHERE kind = $kind AND name = $name
                    RETURNING version
                    """;
                command.Parameters.AddWithValue("$kind", kind);
                command.Parameters.AddWithValue("$name", name);
                command.Parameters.AddWithValue("$body", body);
                command.Parameters.AddWithValue("$created", _timeProvider.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            fingerprint = await ReadFingerprintAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _watcher.Seen(fingerprint);
        _watcher.Fire();
        return version;
    }

    private async Task<Fingerprint> ReadFingerprintAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadFingerprintAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Fingerprint> ReadFingerprintAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT coalesce(max(id), 0), count(*) FROM {_quotedTable}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new Fingerprint(reader.GetInt64(0), reader.GetInt64(1));
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _schema.OpenAsync(cancellationToken);

    private async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = $"""
                CREATE TABLE IF NOT EXISTS {SchemaTableName} (
                    name TEXT NOT NULL PRIMARY KEY,
                    version INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS {_quotedTable} (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('agent', 'task', 'crew')),
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version > 0),
                    body TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    UNIQUE (kind, name, version));
                CREATE TRIGGER IF NOT EXISTS "{_table}_immutable" BEFORE UPDATE ON {_quotedTable}
                BEGIN
                    SELECT RAISE(ABORT, 'Amsha definition rows are immutable: insert a new version instead.');
                END;
                INSERT INTO {SchemaTableName} (name, version) VALUES ($table, {LayoutVersion}) ON CONFLICT (name) DO NOTHING;
                """;
            create.Parameters.AddWithValue("$table", _table);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = $"SELECT version FROM {SchemaTableName} WHERE name = $table";
            check.Parameters.AddWithValue("$table", _table);
            var layout = Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (layout > LayoutVersion)
            {
                throw new DefinitionException(string.Create(CultureInfo.InvariantCulture,
                    $"{Name} has layout version {layout} ({SchemaTableName}), newer than this Amsha.Sqlite understands ({LayoutVersion}). Update the Amsha.Sqlite package."));
            }
        }

        using (var columns = connection.CreateCommand())
        {
            columns.Transaction = transaction;
            columns.CommandText = "SELECT name FROM pragma_table_info($table)";
            columns.Parameters.AddWithValue("$table", _table);
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
                throw new DefinitionException($"{Name} exists without the column(s) {string.Join(", ", missing)}: it is not an Amsha definitions table. Choose another SqliteDefinitionSourceOptions.TableName.");
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfDisposed() => _watcher.ThrowIfDisposed(this);

    private static bool IsPlainIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxTableNameLength || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return !name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, SchemaTableName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The table's highest row id and row count: with ids never reused, any insert or delete changes one of them.</summary>
    private readonly record struct Fingerprint(long MaxId, long Count);
}
