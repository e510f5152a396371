using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

[assembly: AssemblyFixture(typeof(Amsha.Tests.Support.PostgresServer))]

namespace Amsha.Tests.Support;

/// <summary>
/// A PostgreSQL server for the tests of this assembly, started from the Debian binaries on this machine on the first
/// test that asks for it, and stopped with its data directory removed when the run ends. It listens on 127.0.0.1 on a
/// free port with trust authentication, runs as the <c>postgres</c> user when the tests run as root, and keeps its data
/// in a temporary directory. Tests isolate themselves with a schema each (<see cref="NewSchema"/>) in one database.
/// Missing binaries fail the tests that need the server, naming scripts/install-test-prerequisites.sh; they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The database the tests share (each test in a schema of its own).</summary>
    public const string Database = "amsha_tests";

    private const string DirectoryPrefix = "amsha-pg-";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly Lazy<Task> _started;
    private string? _root;
    private string? _binaries;
    private bool _asPostgresUser;
    private NpgsqlDataSource? _dataSource;

    public PostgresServer()
    {
        _started = new Lazy<Task>(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The server's port on 127.0.0.1, once started.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string to <see cref="Database"/> (Npgsql pooling on).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = Database,
        Username = "postgres",
        Timeout = 30,
        CommandTimeout = 60,
        MaxPoolSize = 40,
    }.ConnectionString;

    /// <summary>The server, started on the first call.</summary>
    public async Task<PostgresServer> StartedAsync()
    {
        await _started.Value.ConfigureAwait(false);
        return this;
    }

    /// <summary>A data source over <see cref="Database"/> shared by the tests (one connection pool).</summary>
    public async Task<NpgsqlDataSource> DataSourceAsync()
    {
        await StartedAsync().ConfigureAwait(false);
        return _dataSource!;
    }

    /// <summary>A fresh schema name, unique to the caller; stores and sources create it on first use.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    /// <summary>Runs <paramref name="sql"/> on a connection of its own; returns the first column of each row as text.</summary>
    public async Task<List<string?>> QueryAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var dataSource = await DataSourceAsync().ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<string?>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                rows.Add(reader.FieldCount == 0 || reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture));
            }
        }
        while (await reader.NextResultAsync().ConfigureAwait(false));

        return rows;
    }

    /// <summary>Runs <paramref name="sql"/>; returns the rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var dataSource = await DataSourceAsync().ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    ValueTask IAsyncLifetime.InitializeAsync() => ValueTask.CompletedTask; // started on first use: tests that need no server pay nothing

    public async ValueTask DisposeAsync()
    {
        if (!_started.IsValueCreated)
        {
            return;
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        NpgsqlConnection.ClearAllPools();
        if (_root is not null)
        {
            await StopAndRemoveAsync(_root).ConfigureAwait(false);
        }
    }

    private async Task StartAsync()
    {
        _binaries = FindBinaries();
        _asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        await RemoveAbandonedServersAsync().ConfigureAwait(false);

        _root = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var data = Path.Combine(_root, "data");
        var sockets = Path.Combine(_root, "sockets");
        Directory.CreateDirectory(sockets);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _root], asPostgres: false).ConfigureAwait(false);
        }

        await RunAsync(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], _asPostgresUser).ConfigureAwait(false);

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort();
            try
            {
                // Only 127.0.0.1 and a private socket directory; fsync off: the test data need not survive a power cut.
                var options = string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {Port} -k {sockets} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
                await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", data, "-l", Path.Combine(_root, "server.log"), "-o", options, "-w", "-t", "60", "start"], _asPostgresUser).ConfigureAwait(false);
                last = null;
                break;
            }
            catch (InvalidOperationException error)
            {
                last = error; // the port was taken in between: try another
            }
        }

        if (last is not null)
        {
            throw new InvalidOperationException($"PostgreSQL did not start. Server log:\n{ReadLog()}", last);
        }

        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("AMSHA_PG_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "pg_ctl"))
                ? configured
                : throw new InvalidOperationException($"AMSHA_PG_BIN is '{configured}', which holds no initdb and pg_ctl. Point it at PostgreSQL's bin directory, or unset it and run scripts/install-test-prerequisites.sh.");
        }

        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl under /usr/lib/postgresql/<version>/bin), and none were found. " +
            "Run scripts/install-test-prerequisites.sh (it installs the Debian package postgresql), or set AMSHA_PG_BIN to a directory holding initdb and pg_ctl.");
    }

    /// <summary>Stops and removes servers left by test runs that died before their cleanup.</summary>
    private async Task RemoveAbandonedServersAsync()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var owner = Path.Combine(directory, "owner.pid");
            if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsRunning(pid))
            {
                continue;
            }

            await StopAndRemoveAsync(directory).ConfigureAwait(false);
        }

        static bool IsRunning(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }

    private async Task StopAndRemoveAsync(string root)
    {
        var data = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], _asPostgresUser).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Not running (any more): nothing to stop.
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("postgres");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', start.ArgumentList.Prepend(start.FileName))} exited with {process.ExitCode}:\n{await output.ConfigureAwait(false)}\n{await error.ConfigureAwait(false)}");
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_root!, "server.log"));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
