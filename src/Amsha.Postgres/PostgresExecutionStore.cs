using System;
using System.Collections.Generic;
using System.Data;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Serialization;
using Npgsql;

namespace Amsha.Postgres;

/// <summary>
/// Keeps execution records in a PostgreSQL table. Any number of processes may share the database: a write locks the
/// execution's row (<c>SELECT … FOR UPDATE</c>) and checks the revision (optimistic concurrency), and a new execution is
/// created with <c>INSERT … ON CONFLICT DO NOTHING</c>, so two writers never silently overwrite each other.
/// </summary>
/// <remarks>
/// <para>One row of <c>amsha_executions</c> per execution holds the newest record and the previous one, each with a
/// SHA-256 checksum. A record whose checksum does not match is reported with <see cref="ExecutionStoreCorruptedException"/>
/// (location <c>database/schema.amsha_executions/id</c>, the intact previous revision attached); saving on top of that
/// revision repairs the row. Damaged records are left out of <see cref="ListAsync"/> and <see cref="QueryAsync"/>.</para>
/// <para>The table is created or migrated on first use; its layout version is kept in <c>amsha_schema_version</c>.</para>
/// </remarks>
public sealed class PostgresExecutionStore : IExecutionStore, IDisposable, IAsyncDisposable
{
    /// <summary>The schema used when none is given: <c>public</c>.</summary>
    public const string DefaultSchemaName = "public";

    /// <summary>The table of execution records.</summary>
    public const string TableName = "amsha_executions";

    private static readonly PostgresMigration[] s_migrations =
    {
        new(1, """
            CREATE TABLE {schema}.amsha_executions (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                crew text COLLATE "C" NOT NULL,
                status text COLLATE "C" NOT NULL,
                revision bigint NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                record text NOT NULL,
                checksum text NOT NULL,
                previous_record text NULL,
                previous_checksum text NULL);
            CREATE INDEX amsha_executions_created ON {schema}.amsha_executions (created_at, id);
            CREATE INDEX amsha_executions_crew ON {schema}.amsha_executions (crew, created_at, id);
            CREATE INDEX amsha_executions_status ON {schema}.amsha_executions (status, created_at, id);
            """),
    };

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _table;
    private readonly string _location;
    private readonly PostgresSchema _schema;

    /// <summary>A store over the database of <paramref name="connectionString"/> (an Npgsql connection string), in the schema <c>public</c>; the store owns its connection pool.</summary>
    /// <param name="connectionString">For example <c>Host=db;Database=app;Username=amsha;Password=…</c>.</param>
    public PostgresExecutionStore(string connectionString)
        : this(CreateDataSource(connectionString), DefaultSchemaName, ownsDataSource: true)
    {
    }

    /// <summary>A store over the database of <paramref name="connectionString"/>, in the schema <paramref name="schemaName"/>; the store owns its connection pool.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schemaName">The PostgreSQL schema of the tables, created when missing.</param>
    /// <exception cref="ArgumentException">The schema name is not a plain identifier.</exception>
    public PostgresExecutionStore(string connectionString, string schemaName)
        : this(CreateDataSource(connectionString), schemaName ?? throw new ArgumentNullException(nameof(schemaName)), ownsDataSource: true)
    {
    }

    /// <summary>A store over <paramref name="dataSource"/>, in the schema <c>public</c>; the data source stays the caller's to dispose.</summary>
    /// <param name="dataSource">The database.</param>
    public PostgresExecutionStore(NpgsqlDataSource dataSource)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), DefaultSchemaName, ownsDataSource: false)
    {
    }

    /// <summary>A store over <paramref name="dataSource"/>, in the schema <paramref name="schemaName"/>; the data source stays the caller's to dispose.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="schemaName">The PostgreSQL schema of the tables, created when missing.</param>
    /// <exception cref="ArgumentException">The schema name is not a plain identifier.</exception>
    public PostgresExecutionStore(NpgsqlDataSource dataSource, string schemaName)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), schemaName ?? throw new ArgumentNullException(nameof(schemaName)), ownsDataSource: false)
    {
    }

    private PostgresExecutionStore(NpgsqlDataSource dataSource, string schemaName, bool ownsDataSource)
    {
        if (!PostgresSchema.IsPlainIdentifier(schemaName))
        {
            if (ownsDataSource)
            {
                dataSource.Dispose();
            }

            throw new ArgumentException($"The schema name '{schemaName}' is not a plain identifier: use ASCII letters, digits and underscores, start with a letter or underscore, at most 63 characters, not starting with 'pg_'.", nameof(schemaName));
        }

        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        SchemaName = schemaName;
        _table = PostgresSchema.Quote(schemaName) + "." + TableName;
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;
        _location = $"{(string.IsNullOrEmpty(database) ? "postgres" : database)}/{schemaName}.{TableName}";
        _schema = new PostgresSchema(dataSource, schemaName, TableName, Array.ConvertAll(s_migrations, m => m with { Sql = m.Sql.Replace("{schema}", PostgresSchema.Quote(schemaName), StringComparison.Ordinal) }), NewerLayout);
    }

    /// <summary>The PostgreSQL schema of the store's tables.</summary>
    public string SchemaName { get; }

    /// <inheritdoc/>
    public async ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await ReadRowAsync(connection, null, executionId, forUpdate: false, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Decode(executionId, row.Value);
    }

    /// <inheritdoc/>
    public async ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.ExecutionId, nameof(record) + "." + nameof(record.ExecutionId));
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

        // FOR UPDATE: other writers of this execution wait here until this transaction ends, so the revision read below
        // cannot go stale before the write.
        var row = await ReadRowAsync(connection, transaction, record.ExecutionId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            if (record.Revision != 0)
            {
                throw new ExecutionConflictException(record.ExecutionId, record.Revision, 0);
            }

            var created = record with { Revision = 1 };
            if (await WriteAsync(connection, transaction, created, null, insert: true, cancellationToken).ConfigureAwait(false) == 1)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return created;
            }

            // Another writer created it first (ON CONFLICT DO NOTHING wrote nothing): read what it stored.
            row = await ReadRowAsync(connection, transaction, record.ExecutionId, forUpdate: true, cancellationToken).ConfigureAwait(false)
                ?? throw new ExecutionConflictException(record.ExecutionId, record.Revision, 0);
        }

        long currentRevision;
        (string? Record, string? Checksum) keepAsPrevious;
        try
        {
            currentRevision = Decode(record.ExecutionId, row.Value).Revision;
            keepAsPrevious = (row.Value.Record, row.Value.Checksum);
        }
        catch (ExecutionStoreCorruptedException corrupted) when (corrupted.LastGoodRecord is { } lastGood)
        {
            // Repair: the intact previous revision counts as current and stays the previous one.
            currentRevision = lastGood.Revision;
            keepAsPrevious = (row.Value.PreviousRecord, row.Value.PreviousChecksum);
        }

        if (currentRevision != record.Revision)
        {
            throw new ExecutionConflictException(record.ExecutionId, record.Revision, currentRevision);
        }

        var saved = record with { Revision = currentRevision + 1 };
        await WriteAsync(connection, transaction, saved, keepAsPrevious, insert: false, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT id, record, checksum FROM {_table}{(crewName is null ? "" : " WHERE crew = @crew")} ORDER BY created_at, id", connection);
        if (crewName is not null)
        {
            command.Parameters.AddWithValue("crew", crewName);
        }

        var list = new List<ExecutionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryDecode(reader.GetString(0), reader.GetString(1), reader.GetString(2), out var record, out _))
            {
                list.Add(record!);
            }
        }

        return list;
    }

    /// <summary>
    /// One page of the intact records that match <paramref name="query"/>, answered by the database: the crew and status
    /// filters and the order use the table's indexes; records whose checksum does not match (checked by PostgreSQL's
    /// <c>sha256</c>) are left out of the page and the total. Page and total come from one snapshot.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The query's Skip or Take is out of range.</exception>
    public async ValueTask<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var where = new StringBuilder("lower(checksum) = encode(sha256(convert_to(record, 'UTF8')), 'hex')");
        if (query.CrewName is not null)
        {
            where.Append(" AND crew = @crew");
        }

        string[]? statuses = null;
        if (query.Statuses is { Count: > 0 })
        {
            statuses = new string[query.Statuses.Count];
            var index = 0;
            foreach (var status in query.Statuses)
            {
                statuses[index++] = status.ToString();
            }

            where.Append(" AND status = ANY(@statuses)");
        }

        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        int total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {_table} WHERE {where}", connection, transaction))
        {
            AddFilters(count, query.CrewName, statuses);
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var items = new List<ExecutionRecord>(Math.Min(query.Take, Math.Max(total - query.Skip, 0)));
        var direction = query.OldestFirst ? "ASC" : "DESC";
        await using (var page = new NpgsqlCommand($"SELECT id, record, checksum FROM {_table} WHERE {where} ORDER BY created_at {direction}, id {direction} LIMIT @take OFFSET @skip", connection, transaction))
        {
            AddFilters(page, query.CrewName, statuses);
            page.Parameters.AddWithValue("take", query.Take);
            page.Parameters.AddWithValue("skip", query.Skip);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The checksum matched in the database; a record holding another execution's id is still left out here.
                if (TryDecode(reader.GetString(0), reader.GetString(1), reader.GetString(2), out var record, out _))
                {
                    items.Add(record!);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ExecutionPage(items, total);

        static void AddFilters(NpgsqlCommand command, string? crew, string[]? statuses)
        {
            if (crew is not null)
            {
                command.Parameters.AddWithValue("crew", crew);
            }

            if (statuses is not null)
            {
                command.Parameters.AddWithValue("statuses", statuses);
            }
        }
    }

    /// <summary>Disposes the connection pool when the store created it (the connection-string constructor).</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>Disposes the connection pool when the store created it (the connection-string constructor).</summary>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : default;

    /// <inheritdoc/>
    public override string ToString() => _location;

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return NpgsqlDataSource.Create(connectionString);
    }

    private Exception NewerLayout(int found, int known) => new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
        $"The table {SchemaName}.{TableName} has layout version {found} ({SchemaName}.{PostgresSchema.VersionTable}), newer than this Amsha.Postgres understands ({known}). Update the Amsha.Postgres package."));

    private async Task<int> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ExecutionRecord saved, (string? Record, string? Checksum)? previous, bool insert, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetString(ExecutionRecordSerializer.SerializeToUtf8(saved));
        await using var command = new NpgsqlCommand(
            insert
                ? $"INSERT INTO {_table} (id, crew, status, revision, created_at, updated_at, record, checksum) VALUES (@id, @crew, @status, @revision, @created, @updated, @record, @checksum) ON CONFLICT (id) DO NOTHING"
                : $"UPDATE {_table} SET crew = @crew, status = @status, revision = @revision, updated_at = @updated, record = @record, checksum = @checksum, previous_record = @previous, previous_checksum = @previousChecksum WHERE id = @id",
            connection,
            transaction);
        command.Parameters.AddWithValue("id", saved.ExecutionId);
        command.Parameters.AddWithValue("crew", saved.CrewName);
        command.Parameters.AddWithValue("status", saved.Status.ToString());
        command.Parameters.AddWithValue("revision", saved.Revision);
        command.Parameters.AddWithValue("created", saved.CreatedAt.UtcDateTime);
        command.Parameters.AddWithValue("updated", saved.UpdatedAt.UtcDateTime);
        command.Parameters.AddWithValue("record", json);
        command.Parameters.AddWithValue("checksum", Checksum(json));
        if (!insert)
        {
            command.Parameters.Add(new NpgsqlParameter<string?>("previous", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = previous?.Record });
            command.Parameters.Add(new NpgsqlParameter<string?>("previousChecksum", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = previous?.Checksum });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private ExecutionRecord Decode(string id, Row row) =>
        ExecutionRecordSerializer.ReadNewest(id, $"{_location}/{id}", row.Record, row.Checksum, row.PreviousRecord, row.PreviousChecksum);

    private static bool TryDecode(string id, string json, string checksum, out ExecutionRecord? record, out string? reason)
    {
        reason = ExecutionRecordSerializer.Verify(id, Encoding.UTF8.GetBytes(json), checksum, out record);
        return reason is null;
    }

    private async Task<Row?> ReadRowAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT record, checksum, previous_record, previous_checksum FROM {_table} WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new Row(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private static string Checksum(string json) => ExecutionRecordSerializer.Checksum(Encoding.UTF8.GetBytes(json));

    private readonly record struct Row(string Record, string Checksum, string? PreviousRecord, string? PreviousChecksum);
}
