// Usage: Amsha.StoreWriter <file|sqlite|postgres> <directory|database file|connection string> <schema or -> <execution id> <writer> <count>
// Opens the store, prints "ready", waits for a line on standard input (so all writers start together), races to
// write (see StoreWriterLoop), then prints "won <revision>" per successful save, "conflicts <n>" and "done".
using System;
using System.Globalization;
using System.Threading;
using Amsha;
using Amsha.Postgres;
using Amsha.Sqlite;
using Amsha.StoreWriter;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: Amsha.StoreWriter <file|sqlite|postgres> <location> <schema|-> <execution id> <writer> <count>");
    return 2;
}

var (kind, location, schema, executionId) = (args[0], args[1], args[2], args[3]);
var writer = int.Parse(args[4], CultureInfo.InvariantCulture);
var count = int.Parse(args[5], CultureInfo.InvariantCulture);
IExecutionStore store = kind switch
{
    "file" => new FileExecutionStore(location),
    "sqlite" => new SqliteExecutionStore(location),
    "postgres" => new PostgresExecutionStore(location, schema),
    _ => throw new ArgumentException($"Unknown store kind '{kind}'.", nameof(args)),
};

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

// Open connections and read once before the start signal, so the race measures writes, not start-up.
await store.GetAsync(executionId, timeout.Token);
Console.WriteLine("ready");
Console.Out.Flush();
Console.In.ReadLine();

var (won, conflicts) = await StoreWriterLoop.RunAsync(store, executionId, writer, count, timeout.Token);
foreach (var revision in won)
{
    Console.WriteLine("won " + revision.ToString(CultureInfo.InvariantCulture));
}

Console.WriteLine("conflicts " + conflicts.ToString(CultureInfo.InvariantCulture));
Console.WriteLine("done");
(store as IDisposable)?.Dispose();
return 0;
