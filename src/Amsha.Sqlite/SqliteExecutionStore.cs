using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Serialization;
using Microsoft.Data.Sqlite;

namespace Amsha.Sqlite;

/// <summary>
/// Keeps execution records in a SQLite database (WAL mode). Several processes may share one
/// database file: writes run in immediate transactions and check the revision (optimistic
/// concurrency), so two writers never silently overwrite each other.
/// </summary>
/// <remarks>
/// One row per execution holds the newest record and the previous one, each with a SHA-256
/// checksum. A record whose checksum does not match is reported with
/// <see cref="ExecutionStoreCorruptedException"/> (the intact previous revision attached);
/// saving on top of that revision repairs the row.
/// </remarks>
public sealed class SqliteExecutionStore : IExecutionStore
{
    private const string Table = "amsha_executions";
    private const string ChecksumFunction = "amsha_record_sha256";
    private readonly string _connectionString;
    private readonly string _location;
    private readonly SqliteSchema _schema;

    /// <summary>A store in the database file <paramref name="databasePath"/>, created when missing.</summary>
    public SqliteExecutionStore(string databasePath)
        : this(new SqliteConnectionStringBuilder { DataSource = databasePath ?? throw new ArgumentNullException(nameof(databasePath)), Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 })
    {
    }

    /// <summary>A store over an explicit connection string.</summary>
    public SqliteExecutionStore(SqliteConnectionStringBuilder connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _connectionString = connectionString.ToString();
        _schema = new SqliteSchema(_connectionString, CreateSchemaAsync);
        _location = connectionString.DataSource;
    }

    /// <inheritdoc/>
    public async ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await ReadRowAsync(connection, null, executionId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Decode(executionId, row.Value);
    }

    /// <inheritdoc/>
    public async ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // IMMEDIATE: takes the write lock first, so the revision read below cannot go stale before the write.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var row = await ReadRowAsync(connection, transaction, record.ExecutionId, cancellationToken).ConfigureAwait(false);

        long currentRevision = 0;
        var keepAsPrevious = (Record: (string?)null, Checksum: (string?)null);
        if (row is { } existing)
        {
            try
            {
                currentRevision = Decode(record.ExecutionId, existing).Revision;
                keepAsPrevious = (existing.Record, existing.Checksum);
            }
            catch (ExecutionStoreCorruptedException corrupted) when (corrupted.LastGoodRecord is { } lastGood)
            {
                // Repair: the intact previous revision counts as current and stays the previous one.
                currentRevision = lastGood.Revision;
                keepAsPrevious = (existing.PreviousRecord, existing.PreviousChecksum);
            }
        }

        if (currentRevision != record.Revision)
        {
            throw new ExecutionConflictException(record.ExecutionId, record.Revision, currentRevision);
        }

        var saved = record with { Revision = currentRevision + 1 };
        var json = ExecutionRecordSerializer.Serialize(saved);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = row is null
            ? $"INSERT INTO {Table} (id, crew, status, revision, created_at, updated_at, record, checksum) VALUES ($id, $crew, $status, $revision, $created, $updated, $record, $checksum)"
            : $"UPDATE {Table} SET crew = $crew, status = $status, revision = $revision, updated_at = $updated, record = $record, checksum = $checksum, previous_record = $previous, previous_checksum = $previousChecksum WHERE id = $id";
        command.Parameters.AddWithValue("$id", saved.ExecutionId);
        command.Parameters.AddWithValue("$crew", saved.CrewName);
        command.Parameters.AddWithValue("$status", saved.Status.ToString());
        command.Parameters.AddWithValue("$revision", saved.Revision);
        command.Parameters.AddWithValue("$created", saved.CreatedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$updated", saved.UpdatedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$record", json);
        command.Parameters.AddWithValue("$checksum", Checksum(json));
        command.Parameters.AddWithValue("$previous", (object?)keepAsPrevious.Record ?? DBNull.Value);
        command.Parameters.AddWithValue("$previousChecksum", (object?)keepAsPrevious.Checksum ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, record, checksum FROM {Table}{(crewName is null ? "" : " WHERE crew = $crew")} ORDER BY created_at, rowid";
        if (crewName is not null)
        {
            command.Parameters.AddWithValue("$crew", crewName);
        }

        var list = new List<ExecutionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (TryDecode(id, reader.GetString(1), reader.GetString(2), out var record, out _))
            {
                list.Add(record!);
            }
        }

        return list;
    }

    /// <summary>
    /// One page of the intact records that match <paramref name="query"/>, answered by the database: the crew and status
    /// filters and the order use the table's indexes, and records whose checksum does not match are left out of the page
    /// and the total.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The query's Skip or Take is out of range.</exception>
    public async ValueTask<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        connection.CreateFunction<string, string>(ChecksumFunction, Checksum, isDeterministic: true);

        // One read transaction: the page and the total come from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var where = new StringBuilder($"upper(checksum) = {ChecksumFunction}(record)");
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        if (query.CrewName is not null)
        {
            where.Append(" AND crew = $crew");
            count.Parameters.AddWithValue("$crew", query.CrewName);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            where.Append(" AND status IN (");
            var index = 0;
            foreach (var status in statuses)
            {
                var name = "$status" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                where.Append(index == 0 ? "" : ", ").Append(name);
                count.Parameters.AddWithValue(name, status.ToString());
                index++;
            }

            where.Append(')');
        }

        count.CommandText = $"SELECT count(*) FROM {Table} WHERE {where}";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

        using var page = connection.CreateCommand();
        page.Transaction = transaction;
        var direction = query.OldestFirst ? "ASC" : "DESC";
        page.CommandText = $"SELECT id, record, checksum FROM {Table} WHERE {where} ORDER BY created_at {direction}, id {direction} LIMIT $take OFFSET $skip";
        foreach (SqliteParameter parameter in count.Parameters)
        {
            page.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
        }

        page.Parameters.AddWithValue("$take", query.Take);
        page.Parameters.AddWithValue("$skip", query.Skip);
        var items = new List<ExecutionRecord>(Math.Min(query.Take, Math.Max(total - query.Skip, 0)));
        await using (var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
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
    }

    private ExecutionRecord Decode(string id, Row row) =>
        ExecutionRecordSerializer.ReadNewest(id, $"{_location} (table {Table}, id '{id}')", row.Record, row.Checksum, row.PreviousRecord, row.PreviousChecksum);

    private static bool TryDecode(string id, string json, string checksum, out ExecutionRecord? record, out string? reason)
    {
        reason = ExecutionRecordSerializer.Verify(id, Encoding.UTF8.GetBytes(json), checksum, out record);
        return reason is null;
    }

    private static async Task<Row?> ReadRowAsync(SqliteConnection connection, SqliteTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT record, checksum, previous_record, previous_checksum FROM {Table} WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new Row(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _schema.OpenAsync(cancellationToken);

    private async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS {Table} (
                id TEXT NOT NULL PRIMARY KEY,
                crew TEXT NOT NULL,
                status TEXT NOT NULL,
                revision INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                record TEXT NOT NULL,
                checksum TEXT NOT NULL,
                previous_record TEXT NULL,
                previous_checksum TEXT NULL);
            CREATE INDEX IF NOT EXISTS {Table}_crew ON {Table} (crew, created_at);
            CREATE INDEX IF NOT EXISTS {Table}_created ON {Table} (created_at, id);
            CREATE INDEX IF NOT EXISTS {Table}_status ON {Table} (status, created_at, id);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Checksum(string json) => ExecutionRecordSerializer.Checksum(Encoding.UTF8.GetBytes(json));

    private readonly record struct Row(string Record, string Checksum, string? PreviousRecord, string? PreviousChecksum);
}
