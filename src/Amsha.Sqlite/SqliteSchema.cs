using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Amsha.Sqlite;

/// <summary>Opens connections to one database, creating its tables on the first open only (once per instance, also under concurrent first opens).</summary>
internal sealed class SqliteSchema
{
    private readonly string _connectionString;
    private readonly Func<SqliteConnection, CancellationToken, Task> _create;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    /// <param name="connectionString">The database.</param>
    /// <param name="create">Creates (or checks) the tables; idempotent, as another process may have run it.</param>
    public SqliteSchema(string connectionString, Func<SqliteConnection, CancellationToken, Task> create)
    {
        _connectionString = connectionString;
        _create = create;
    }

    /// <summary>An open connection whose tables exist; a failure disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_ready)
            {
                await CreateOnceAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CreateOnceAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await _create(connection, cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
