using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Amsha;
using Amsha.Samples.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

// Amsha on an Orleans cluster, on one machine (see docs/scale-out.md):
//   dotnet run --project samples/Amsha.Samples.Cluster -- silo 0      (the first silo; start it first)
//   dotnet run --project samples/Amsha.Samples.Cluster -- silo 1      (more silos: 1, 2, …)
//   dotnet run --project samples/Amsha.Samples.Cluster -- client 12 2 (12 executions over silos 0 and 1; waits for them)
//   dotnet run --project samples/Amsha.Samples.Cluster -- orphans 2   (resumes the executions of silos that died)
// Every process shares one file store (AMSHA_EXECUTION_STORE, or a folder in the temp directory). The silos find each
// other through the first one (Orleans' development clustering); a production cluster uses a membership table instead.
const int SiloPortBase = 11111, GatewayPortBase = 30000, MaxSilos = 8;
var store = new FileExecutionStore(Environment.GetEnvironmentVariable("AMSHA_EXECUTION_STORE") ?? Path.Combine(Path.GetTempPath(), "amsha-samples-cluster"));
var mode = args.Length > 0 ? args[0] : "help";
var number = Argument(1, 0);

switch (mode)
{
    case "silo" when number is >= 0 and < MaxSilos:
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Amsha", LogLevel.Information);

        // The offline model with some latency, so executions take long enough to spread over the silos.
        builder.Services.AddAmsha().UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromSeconds(1.5) })).UseStore(store).AddAmshaCrews();
        builder.UseOrleans(silo => silo
            .UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, SiloPortBase))
            .ConfigureEndpoints(IPAddress.Loopback, SiloPortBase + number, GatewayPortBase + number)
            .AddAmshaWorker(options => options.LeaseDuration = TimeSpan.FromSeconds(10)));
        using var silo = builder.Build();
        await silo.StartAsync();
        Console.WriteLine($"Silo {number} is up on ports {SiloPortBase + number}/{GatewayPortBase + number}, store {store.Directory}. Ctrl+C stops it (its executions are stored Interrupted).");
        await silo.WaitForShutdownAsync();
        return 0;
    }

    case "client" or "orphans":
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAmsha().UseStore(store).UseOrleans().AddAmshaCrews();
        // The gateways of the silos started (silo 0 to silo n-1).
        var silos = Math.Clamp(Argument(mode == "client" ? 2 : 1, 2), 1, MaxSilos);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(Enumerable.Range(0, silos).Select(i => GatewayPortBase + i).ToArray()));
        using var host = builder.Build();
        await host.StartAsync();
        var session = host.Services.GetRequiredService<ExecutionSession>();
        var crew = host.Services.GetRequiredService<ReportCrew>();

        List<ExecutionHandle<string>> handles = [];
        if (mode == "client")
        {
            for (var i = 0; i < Math.Max(number, 1); i++)
            {
                handles.Add(await crew.StartBackgroundAsync(new ReportRequest($"topic {i + 1}")));
            }

            Console.WriteLine($"Started {handles.Count} executions on the cluster.");
        }
        else
        {
            foreach (var orphan in await session.ListOrphanedExecutionsAsync(ReportCrew.Definition.Name))
            {
                Console.WriteLine($"Orphaned: {orphan.ExecutionId} (owner {orphan.Owner}, {orphan.Progress.CompletedTasks}/{orphan.Progress.TotalTasks} tasks done); resuming.");
                handles.Add(await crew.ResumeAsync(orphan.ExecutionId));
            }
        }

        var succeeded = 0;
        foreach (var handle in handles)
        {
            var result = await handle.ResultAsync();
            succeeded++;
            Console.WriteLine($"  {handle.ExecutionId}: {result.TaskOutputs.Count} tasks, {result.Metrics.Tokens.TotalTokens} tokens");
        }

        Console.WriteLine($"{succeeded} of {handles.Count} executions succeeded.");
        await host.StopAsync();
        return succeeded == handles.Count ? 0 : 1;
    }

    default:
        Console.WriteLine("Usage: silo <n> | client <executions> [silos] | orphans [silos]   (see docs/scale-out.md)");
        return mode == "help" ? 0 : 2;
}

int Argument(int index, int fallback) =>
    args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
