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

    private ExecutionRecord Decode(string id, Row row)
    {
        if (TryDecode(id, row.Record, row.Checksum, out var record, out var reason))
        {
            return record!;
        }

        ExecutionRecord? previous = null;
        if (row.PreviousRecord is not null && row.PreviousChecksum is not null)
        {
            TryDecode(id, row.PreviousRecord, row.PreviousChecksum, out previous, out _);
        }

        throw new ExecutionStoreCorruptedException(id, $"{_location} (table {Table}, id '{id}')", reason!, previous);
    }

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
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Checksum(string json) => ExecutionRecordSerializer.Checksum(Encoding.UTF8.GetBytes(json));

    private readonly record struct Row(string Record, string Checksum, string? PreviousRecord, string? PreviousChecksum);
}
