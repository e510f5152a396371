using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace Amsha.Postgres;

/// <summary>One step of a table's layout: applied once, in order, and recorded in <c>amsha_schema_version</c>.</summary>
/// <param name="Version">The layout version the step leads to (1, 2, …).</param>
/// <param name="Sql">The statements.</param>
internal sealed record PostgresMigration(int Version, string Sql);

/// <summary>
/// Opens connections of one data source, creating or migrating a table's layout on the first open only (once per
/// instance, also under concurrent first opens). The migration runs in one transaction that first takes a
/// transaction-level advisory lock for the schema, so processes starting together migrate once, one after the other;
/// a layout newer than the code knows is refused.
/// </summary>
internal sealed class PostgresSchema
{
    /// <summary>The table that records each Amsha table's layout version.</summary>
    public const string VersionTable = "amsha_schema_version";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _name;
    private readonly IReadOnlyList<PostgresMigration> _migrations;
    private readonly Func<int, int, Exception> _newer;
    private readonly Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? _verify;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    /// <param name="dataSource">The database.</param>
    /// <param name="schema">The PostgreSQL schema (a plain identifier).</param>
    /// <param name="name">The table whose layout this is, as recorded in <see cref="VersionTable"/>.</param>
    /// <param name="migrations">The layout's steps, in version order starting at 1.</param>
    /// <param name="newer">The error for a database whose layout (first argument) is newer than the code's (second).</param>
    /// <param name="verify">Checks the tables after migrating, in the same transaction; throws when they are not Amsha's.</param>
    public PostgresSchema(NpgsqlDataSource dataSource, string schema, string name, IReadOnlyList<PostgresMigration> migrations, Func<int, int, Exception> newer, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? verify = null)
    {
        _verify = verify;
        _dataSource = dataSource;
        _schema = schema;
        _name = name;
        _migrations = migrations;
        _newer = newer;
    }

    /// <summary>The layout version the code writes and reads.</summary>
    public int LatestVersion => _migrations[^1].Version;

    /// <summary>An open connection whose tables exist in the latest layout; a failure disposes it.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await MigrateOnceAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Quotes a plain identifier.</summary>
    public static string Quote(string identifier) => "\"" + identifier + "\"";

    /// <summary>Whether <paramref name="name"/> is a plain identifier: ASCII letters, digits and underscores, not starting with a digit or <c>pg_</c>, at most 63 characters.</summary>
    public static bool IsPlainIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
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

        return !name.StartsWith("pg_", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A stable advisory-lock key for <paramref name="purpose"/> (the first 8 bytes of its SHA-256).</summary>
    public static long LockKey(string purpose) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(purpose)), 0);

    private async Task MigrateOnceAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var schema = Quote(_schema);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            // Held until the transaction ends: every Amsha process migrating this schema waits here for the one before.
            locking.Parameters.AddWithValue("key", LockKey("amsha-schema/" + _schema));
            await locking.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = @schema", connection, transaction))
        {
            exists.Parameters.AddWithValue("schema", _schema);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
            {
                await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {schema}", cancellationToken).ConfigureAwait(false);
            }
        }

        // Created only when missing: a role with row privileges alone (no CREATE on the schema) uses a schema an
        // administrator prepared, and CREATE ... IF NOT EXISTS would still ask for the privilege.
        await using (var versioned = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection, transaction))
        {
            versioned.Parameters.AddWithValue("table", schema + "." + VersionTable);
            if (await versioned.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                await CreateVersionTableAsync(connection, transaction, schema, cancellationToken).ConfigureAwait(false);
            }
        }

        int current;
        await using (var read = new NpgsqlCommand($"SELECT version FROM {schema}.{VersionTable} WHERE name = @name", connection, transaction))
        {
            read.Parameters.AddWithValue("name", _name);
            current = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } version ? Convert.ToInt32(version, CultureInfo.InvariantCulture) : 0;
        }

        if (current > LatestVersion)
        {
            throw _newer(current, LatestVersion);
        }

        foreach (var migration in _migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand($"""
                INSERT INTO {schema}.{VersionTable} (name, version) VALUES (@name, @version)
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, migrated_at = now()
                """, connection, transaction);
            record.Parameters.AddWithValue("name", _name);
            record.Parameters.AddWithValue("version", migration.Version);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_verify is not null)
        {
            await _verify(connection, transaction, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task CreateVersionTableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"""
            CREATE TABLE IF NOT EXISTS {schema}.{VersionTable} (
                name text COLLATE "C" NOT NULL PRIMARY KEY,
                version integer NOT NULL,
                migrated_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
