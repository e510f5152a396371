using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Orleans.Tests.Processes;
using Amsha.Postgres;
using Amsha.Tests.Support;

// Executions per second and start-to-finish latency of the cluster sample on this machine, with 1 and 3 silo processes:
// PostgreSQL membership and store, the report crew (three calls in sequence) against a loopback OpenAI-compatible model
// with a fixed latency. Each configuration gets a fresh cluster, a warm-up run, then the measured run.
//   dotnet run -c Release --project benchmarks/Amsha.Benchmarks.Cluster -- [executions] [latency-ms] [silo counts...]
var executions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 600;
var latency = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
int[] siloCounts = args.Length > 2 ? args.Skip(2).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 3];
const int WarmUp = 60;

var postgres = new PostgresServer();
await postgres.StartedAsync();
var rows = new List<string>();
try
{
    foreach (var silos in siloCounts)
    {
        await using var model = new ReportModel(latency);
        await using var cluster = new SampleCluster(postgres, model, TimeSpan.FromSeconds(30));
        await cluster.SetupAsync(CancellationToken.None);
        await cluster.StartSilosAsync(silos, CancellationToken.None);
        await RunClientAsync(cluster, WarmUp);

        var cpuBefore = cluster.Silos.Select(s => s.CpuTime).ToArray();
        var machineBefore = MachineBusy();
        var callsBefore = model.Calls.Count;
        var summary = await RunClientAsync(cluster, executions);
        var cpu = cluster.Silos.Select((s, i) => s.CpuTime - cpuBefore[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var calls = model.Calls.Skip(callsBefore).ToList();
        var machine = MachineBusy() - machineBefore;

        await using var store = new PostgresExecutionStore(postgres.ConnectionString, cluster.Schema);
        var records = new List<ExecutionRecord>();
        for (var skip = 0; ; skip += ExecutionQuery.MaxTake)
        {
            var page = await store.QueryAsync(new ExecutionQuery { Skip = skip, Take = ExecutionQuery.MaxTake, OldestFirst = true });
            records.AddRange(page.Items);
            if (records.Count >= page.Total)
            {
                break;
            }
        }

        var measured = records.Skip(WarmUp).ToList();
        var perSilo = Enumerable.Range(0, silos).Select(n => calls.Count(c => c.Silo == n && c.Task == 0)).ToArray();
        rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {silos} | {executions} | {summary.Seconds:F1} | **{summary.PerSecond:F1}** | {summary.P50:F2} | **{summary.P95:F2}** | {measured.Average(r => (double)r.Revision):F1} | {cpu.TotalMilliseconds / executions:F1} | {machine.TotalMilliseconds / executions:F1} | {string.Join(" / ", perSilo)} |"));
        Console.WriteLine(rows[^1]);
    }
}
finally
{
    await postgres.DisposeAsync();
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model latency {latency.TotalMilliseconds:F0} ms per call (3 calls per execution, so {3 * latency.TotalSeconds:F1} s at least); {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}."));
Console.WriteLine("| silos | executions | wall s | executions/s | p50 s | p95 s | store writes per execution | silo CPU ms per execution | machine CPU ms per execution | executions per silo |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
rows.ForEach(Console.WriteLine);
return 0;

// CPU time the whole machine spent busy (every process: silos, client, PostgreSQL, the model server), from /proc/stat.
static TimeSpan MachineBusy()
{
    var fields = System.IO.File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
    var busy = fields.Sum() - fields[3] - fields[4]; // all but idle and iowait
    return TimeSpan.FromSeconds(busy / 100.0); // USER_HZ
}

static async Task<(double Seconds, double PerSecond, double P50, double P95)> RunClientAsync(SampleCluster cluster, int executions)
{
    await using var client = cluster.StartClient("client", executions.ToString(CultureInfo.InvariantCulture));
    var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(20), CancellationToken.None);
    var line = client.Lines.LastOrDefault(l => l.Contains("executions succeeded", StringComparison.Ordinal));
    var match = line is null ? Match.Empty : Regex.Match(line, @"in ([\d.]+) s: ([\d.]+) executions/s, start to finish p50 ([\d.]+) s, p95 ([\d.]+) s");
    if (exit != 0 || !match.Success)
    {
        throw new InvalidOperationException($"The client failed ({exit}):\n{client.Tail()}");
    }

    double At(int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    return (At(1), At(2), At(3), At(4));
}
