using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Amsha.Orleans.Tests;

/// <summary>
/// An in-process Orleans cluster as an app deploys Amsha on one: every silo hosts the worker and can start executions
/// itself; the client dispatches; all of them share one store. Models are scripted per test through <see cref="Script"/>.
/// </summary>
public sealed class AmshaCluster : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _dead;

    private AmshaCluster(InProcessTestCluster cluster, InMemoryExecutionStore store, ModelScript script, System.Collections.Concurrent.ConcurrentDictionary<string, bool> dead)
    {
        Cluster = cluster;
        Store = store;
        Script = script;
        _dead = dead;
    }

    public InProcessTestCluster Cluster { get; }

    public InMemoryExecutionStore Store { get; }

    public ModelScript Script { get; }

    /// <summary>The client's session: it dispatches every background execution to the cluster.</summary>
    public ExecutionSession Client => Cluster.Client.ServiceProvider.GetRequiredService<ExecutionSession>();

    /// <summary>The client's dispatcher, to watch an execution as a handle does.</summary>
    public IExecutionDispatcher Dispatcher => Cluster.Client.ServiceProvider.GetRequiredService<IExecutionDispatcher>();

    /// <summary>The app session of a silo (it too dispatches to the cluster).</summary>
    public ExecutionSession SessionOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<ExecutionSession>();

    public static async Task<AmshaCluster> StartAsync(short silos)
    {
        var store = new InMemoryExecutionStore();
        var script = new ModelScript();
        var dead = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var builder = new InProcessTestClusterBuilder(silos);
        if (Environment.GetEnvironmentVariable("AMSHA_ORLEANS_TEST_LOGS") == "1")
        {
            builder.ConfigureHost(host => Microsoft.Extensions.Logging.ConsoleLoggerExtensions.AddSimpleConsole(host.Logging.AddFilter("Amsha", Microsoft.Extensions.Logging.LogLevel.Debug).AddFilter("Orleans", Microsoft.Extensions.Logging.LogLevel.Warning)));
        }

        builder.ConfigureSiloHost((options, host) =>
        {
            var name = options.SiloName;
            host.Services.AddAmsha().UseDefaultChatClient(script.ModelFor(name)).UseStore(new DyingStore(store, () => dead.ContainsKey(name))).UseOrleans(Fast);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAmshaWorker(Fast);

            // A silo that dies is declared dead within about a second, and calls to it time out soon.
            silo.Services.Configure<global::Orleans.Configuration.ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(300);
                o.NumMissedProbesLimit = 1;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromMilliseconds(500);
            });
            silo.Services.Configure<global::Orleans.Configuration.SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(3));
        });
        builder.ConfigureClient(client =>
        {
            client.Services.Configure<global::Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(3));
            client.Services.Configure<global::Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromMilliseconds(500));
        });
        builder.ConfigureClientHost(host =>
            host.Services.AddAmsha().UseDefaultChatClient(script.ModelFor("client")).UseStore(store).UseOrleans(Fast));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new AmshaCluster(cluster, store, script, dead);
    }

    /// <summary>Follows execution <paramref name="executionId"/> as a handle does, until it stops; returns every report.</summary>
    public async Task<IReadOnlyList<ExecutionReport>> WatchToEndAsync(string executionId, CancellationToken cancellationToken)
    {
        var reports = new List<ExecutionReport>();
        await foreach (var report in Dispatcher.WatchAsync(executionId, cancellationToken))
        {
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>
    /// Starts one background execution per topic from the client, then waits until each has called its model: returns
    /// the handles and the silo each runs on, by topic. Two stages of <paramref name="stages"/>.
    /// </summary>
    public async Task<(Dictionary<string, ExecutionHandle<string>> Handles, Dictionary<string, string> Placed)> StartEachAsync(IReadOnlyList<string> topics, Stages stages, CancellationToken cancellationToken)
    {
        var handles = await stages.WithinAsync($"{topics.Count} executions start", Stages.QuickBound, async token =>
        {
            var started = new Dictionary<string, ExecutionHandle<string>>();
            foreach (var topic in topics)
            {
                started[topic] = await Client.StartBackgroundAsync(ClusterCrew.Definition, new ClusterTopic(topic), cancellationToken: token);
            }

            return started;
        }, cancellationToken);

        var placed = await stages.WithinAsync("each calls its model", Stages.QuickBound, async token =>
        {
            var where = new Dictionary<string, string>();
            foreach (var topic in topics)
            {
                where[topic] = (await Script.Entered(topic).WaitAsync(token)).Where;
            }

            return where;
        }, cancellationToken);

        return (handles, placed);
    }

    /// <summary>Kills <paramref name="silo"/> as a crash would: it writes nothing more to the store and leaves the cluster at once.</summary>
    public async Task CrashAsync(InProcessSiloHandle silo)
    {
        _dead[silo.Name] = true;
        await Cluster.KillSiloAsync(silo);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private static void Fast(Amsha.Orleans.AmshaOrleansOptions options)
    {
        options.RetryDelay = TimeSpan.FromMilliseconds(50);
        options.MaxRetryDelay = TimeSpan.FromMilliseconds(500);
        options.StorePollInterval = TimeSpan.FromMilliseconds(100);
        options.LeaseDuration = TimeSpan.FromSeconds(4);
    }
}

/// <summary>One cluster of three silos for the tests that leave it whole.</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public AmshaCluster Amsha { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Amsha = await AmshaCluster.StartAsync(3);

    public ValueTask DisposeAsync() => Amsha.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedCluster>
{
    public const string Name = "shared cluster";
}
