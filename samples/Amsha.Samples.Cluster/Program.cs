using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.OpenAI;
using Amsha.Postgres;
using Amsha.Samples.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

// Amsha on an Orleans cluster (see docs/scale-out.md).
//
// On one machine, with no database (Orleans development clustering and a file store):
//   dotnet run --project samples/Amsha.Samples.Cluster -- silo 0        (the first silo; start it first)
//   dotnet run --project samples/Amsha.Samples.Cluster -- silo 1        (more silos: 1, 2, …)
//   dotnet run --project samples/Amsha.Samples.Cluster -- client 12 2   (12 executions over silos 0 and 1; waits for them)
//   dotnet run --project samples/Amsha.Samples.Cluster -- orphans 2     (resumes the executions of silos that died)
//
// On PostgreSQL (membership through Microsoft.Orleans.Clustering.AdoNet and a PostgresExecutionStore), set the
// connection string in configuration, e.g. ConnectionStrings__Cluster="Host=…;Database=…;Username=…" in the environment:
//   dotnet run --project samples/Amsha.Samples.Cluster -- setup         (creates the membership tables, once)
//   dotnet run --project samples/Amsha.Samples.Cluster -- silo 0 | silo 1 | …   (any order; silos find each other in the table)
//   dotnet run --project samples/Amsha.Samples.Cluster -- client 300 --resume-orphans
//
// Settings (appsettings.json, environment variables or --Key=Value after the arguments): the "Cluster" section (ports,
// lease, model latency), "Orleans:Membership" (Orleans' ClusterMembershipOptions) and "Amsha" (the model: without a
// configured one the silos use the offline model).
var mode = args.Length > 0 ? args[0] : "help";
var number = Argument(1, -1);
var flags = args.Where(arg => arg.StartsWith("--", StringComparison.Ordinal) && !arg.Contains('=', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
var settingsArgs = args.Where(arg => arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal)).ToArray();

switch (mode)
{
    case "setup":
    {
        // The configuration the silos and clients read (appsettings.json, the environment, --Key=Value).
        if (ClusterSettings.Read(Host.CreateApplicationBuilder(settingsArgs).Configuration).ConnectionString is not { } connectionString)
        {
            Console.Error.WriteLine("setup needs the PostgreSQL connection string ConnectionStrings:Cluster (e.g. the environment variable ConnectionStrings__Cluster).");
            return 2;
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "orleans-clustering.postgres.sql")));
        await command.ExecuteNonQueryAsync();
        Console.WriteLine("The Orleans membership tables are ready.");
        return 0;
    }

    case "silo" when number >= 0:
    {
        var builder = Host.CreateApplicationBuilder(settingsArgs);
        var cluster = ClusterSettings.Read(builder.Configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Amsha", LogLevel.Information);

        // The model configured under "Amsha" (e.g. an OpenAI-compatible server), else the offline model with some
        // latency, so executions take long enough to spread over the silos.
        builder.Services.AddAmsha()
            .AddOpenAIProvider()
            .UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions { Latency = cluster.ModelLatency }))
            .UseStore(cluster.CreateStore())
            .AddAmshaCrews();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.ClusterId, cluster.ClusterId))
                .ConfigureEndpoints(cluster.Address, cluster.SiloPort + number, cluster.GatewayPort + number)
                .AddAmshaWorker(options => options.LeaseDuration = cluster.LeaseDuration);
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
            if (cluster.ConnectionString is { } connectionString)
            {
                silo.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = ("Npgsql", connectionString));
            }
            else
            {
                silo.UseDevelopmentClustering(new IPEndPoint(cluster.Address, cluster.SiloPort));
            }
        });
        using var silo = builder.Build();
        await silo.StartAsync();
        // The silo's address is also the owner its running executions carry in the store.
        var address = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Console.WriteLine($"Silo {number} is up as {address} (gateway port {cluster.GatewayPort + number}), store: {cluster.StoreDescription}. Ctrl+C stops it (its executions are stored Interrupted).");
        await silo.WaitForShutdownAsync();
        return 0;
    }

    case "client" or "orphans":
    {
        var builder = Host.CreateApplicationBuilder(settingsArgs);
        var cluster = ClusterSettings.Read(builder.Configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var amsha = builder.Services.AddAmsha().UseStore(cluster.CreateStore()).UseOrleans().AddAmshaCrews();
        if (flags.Contains("--resume-orphans"))
        {
            // The opt-in policy of this client: it resumes orphaned executions itself, on the silos that live (nothing
            // in Amsha resumes an execution unless an app asks). Without the flag, run "orphans" when a silo has died.
            amsha.ResumeOrphans(options => options.Interval = cluster.OrphanScanInterval);
            builder.Logging.AddFilter("Amsha.Hosting", LogLevel.Information).AddSimpleConsole(options => options.SingleLine = true);
        }

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.ClusterId, cluster.ClusterId));
            if (cluster.ConnectionString is { } connectionString)
            {
                client.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = ("Npgsql", connectionString));
            }
            else
            {
                // The gateways of the silos started (silo 0 to silo n-1).
                var silos = Math.Clamp(Argument(mode == "client" ? 2 : 1, 2), 1, 64);
                client.UseStaticClustering(Enumerable.Range(0, silos).Select(i => new IPEndPoint(cluster.Address, cluster.GatewayPort + i)).ToArray());
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        var session = host.Services.GetRequiredService<ExecutionSession>();
        var crew = host.Services.GetRequiredService<ReportCrew>();
        var clock = Stopwatch.StartNew();

        List<ExecutionHandle<string>> handles = [];
        if (mode == "client")
        {
            // Started as a busy API starts them: several at a time.
            var started = new ExecutionHandle<string>[Math.Max(number, 1)];
            await Parallel.ForEachAsync(Enumerable.Range(0, started.Length), new ParallelOptions { MaxDegreeOfParallelism = cluster.StartConcurrency },
                async (i, _) => started[i] = await crew.StartBackgroundAsync(new ReportRequest($"topic {i + 1}")));
            handles.AddRange(started);

            Console.WriteLine($"Started {handles.Count} executions on the cluster in {clock.ElapsedMilliseconds} ms.");
        }
        else
        {
            handles.AddRange(await ResumeOrphansAsync(session, crew));
        }

        var succeeded = 0;
        var seconds = new List<double>();
        foreach (var handle in handles)
        {
            var result = await handle.ResultAsync();
            succeeded++;
            seconds.Add(((result.Metrics.EndedAt ?? DateTimeOffset.UtcNow) - result.Metrics.StartedAt).TotalSeconds);
        }

        seconds.Sort();
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{succeeded} of {handles.Count} executions succeeded in {elapsed:F1} s: {handles.Count / elapsed:F1} executions/s, start to finish p50 {Percentile(seconds, 0.50):F2} s, p95 {Percentile(seconds, 0.95):F2} s."));
        await host.StopAsync();
        return succeeded == handles.Count ? 0 : 1;
    }

    default:
        Console.WriteLine("Usage: setup | silo <n> | client <executions> [silos] [--resume-orphans] | orphans [silos]   (see docs/scale-out.md)");
        return mode == "help" ? 0 : 2;
}

static async Task<List<ExecutionHandle<string>>> ResumeOrphansAsync(ExecutionSession session, ReportCrew crew)
{
    List<ExecutionHandle<string>> resumed = [];
    foreach (var orphan in await session.ListOrphanedExecutionsAsync(ReportCrew.Definition.Name))
    {
        resumed.Add(await crew.ResumeAsync(orphan.ExecutionId));
        Console.WriteLine($"Resumed orphan {orphan.ExecutionId} (owner {orphan.Owner}, {orphan.Progress.CompletedTasks}/{orphan.Progress.TotalTasks} tasks done).");
    }

    return resumed;
}

static double Percentile(List<double> sorted, double fraction) =>
    sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

int Argument(int index, int fallback) =>
    args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
