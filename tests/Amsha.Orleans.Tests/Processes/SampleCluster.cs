using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Orleans.Tests.Processes;

/// <summary>
/// A cluster of samples/Amsha.Samples.Cluster processes on this machine, configured as a user configures it (environment
/// variables): membership and executions in PostgreSQL (a cluster id and a store schema of its own), silos on free
/// loopback ports, each silo calling <paramref name="model"/> on a path of its own.
/// </summary>
internal sealed partial class SampleCluster(PostgresServer postgres, ReportModel model, TimeSpan lease) : IAsyncDisposable
{
    private readonly List<SampleProcess> _processes = [];
    private readonly int _siloPort = FreePortRun(MaxSilos);
    private int _gatewayPort = -1;

    /// <summary>Silo n listens on the first port of a free run + n.</summary>
    public const int MaxSilos = 8;

    /// <summary>The store schema of this cluster's executions.</summary>
    public string Schema { get; } = PostgresServer.NewSchema();

    /// <summary>The password in the connection string the processes are given (never to be printed).</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The silos started, by number.</summary>
    public List<SampleProcess> Silos { get; } = [];

    /// <summary>Each silo's address: the owner its running executions carry in the store.</summary>
    public Dictionary<int, string> Addresses { get; } = [];

    private Dictionary<string, string> Settings => new()
    {
        // The server trusts loopback and ignores the password; it is there to be looked for in the processes' output.
        ["ConnectionStrings__Cluster"] = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = Password }.ConnectionString,
        ["Cluster__Id"] = "c-" + Schema[2..14],
        ["Cluster__SiloPort"] = _siloPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster__StoreSchema"] = Schema,
        ["Cluster__LeaseDuration"] = lease.ToString("c", CultureInfo.InvariantCulture),
        ["Cluster__OrphanScanInterval"] = "00:00:01",
        // Orleans notices a dead silo after two missed probes of a second (instead of its production defaults).
        ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
        ["Orleans__Membership__NumMissedProbesLimit"] = "2",
    };

    private int GatewayPort => _gatewayPort >= 0 ? _gatewayPort : _gatewayPort = FreePortRun(MaxSilos, avoid: _siloPort);

    /// <summary>Creates the membership tables with the sample's <c>setup</c>, as a user does once.</summary>
    public async Task SetupAsync(CancellationToken cancellationToken)
    {
        await postgres.StartedAsync();
        await using var setup = SampleProcess.Start("setup", ["setup"], Settings);
        var exit = await setup.WaitForExitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"setup failed ({exit}):\n{setup.Tail()}");
        }
    }

    /// <summary>Starts silos 0 to <paramref name="count"/>-1 and waits until each is up.</summary>
    public async Task StartSilosAsync(int count, CancellationToken cancellationToken)
    {
        for (var n = 0; n < count; n++)
        {
            var settings = Settings;
            settings["Amsha__Llm__UseCases__default__Default"] = "loopback";
            settings["Amsha__Llm__UseCases__default__Models__loopback__Provider"] = "OpenAI";
            settings["Amsha__Llm__UseCases__default__Models__loopback__Model"] = "loopback-model";
            settings["Amsha__Llm__UseCases__default__Models__loopback__ApiKey"] = "loopback";
            settings["Amsha__Llm__UseCases__default__Models__loopback__BaseUrl"] = model.BaseUrlFor(n);
            var silo = SampleProcess.Start($"silo {n}", ["silo", n.ToString(CultureInfo.InvariantCulture)], settings);
            _processes.Add(silo);
            Silos.Add(silo);
        }

        for (var n = 0; n < count; n++)
        {
            var up = await Silos[n].WaitForLineAsync(line => line.StartsWith($"Silo {n} is up as ", StringComparison.Ordinal), TimeSpan.FromMinutes(2), cancellationToken);
            Addresses[n] = SiloAddress().Match(up).Groups[1].Value;
        }
    }

    /// <summary>
    /// The local addresses of the listening TCP sockets of silo <paramref name="silo"/> (its silo and gateway ports), as
    /// the kernel lists them (<c>/proc/net/tcp</c> and <c>tcp6</c>): where the cluster's endpoints really are bound.
    /// </summary>
    public List<IPAddress> ListeningAddressesOf(int silo)
    {
        var ports = new HashSet<int> { _siloPort + silo, GatewayPort + silo };
        var found = new List<IPAddress>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in System.IO.File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                const string Listen = "0A";
                if (fields[3] == Listen && ports.Contains(int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
                {
                    found.Add(ParseKernelAddress(local[0]));
                }
            }
        }

        return found;
    }

    // The kernel writes an address as the hex of its 32-bit words in host (little-endian) order.
    private static IPAddress ParseKernelAddress(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            for (var i = 0; i < 4; i++)
            {
                bytes[(word * 4) + i] = byte.Parse(hex.AsSpan((word * 8) + ((3 - i) * 2), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        return new IPAddress(bytes);
    }

    /// <summary>Every line every process of this cluster printed so far (setup excepted).</summary>
    public IEnumerable<string> AllLines => _processes.SelectMany(p => p.Lines);

    /// <summary>Starts the sample's client with <paramref name="arguments"/> (e.g. <c>client 300 --resume-orphans</c>).</summary>
    public SampleProcess StartClient(params string[] arguments)
    {
        var client = SampleProcess.Start("client", arguments, Settings);
        _processes.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    // The first of `count` consecutive free loopback ports.
    private static int FreePortRun(int count, int avoid = -1)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var first = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (first + count > IPEndPoint.MaxPort || (avoid >= 0 && Math.Abs(first - avoid) < count))
            {
                continue;
            }

            var listeners = new List<TcpListener>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, first + i);
                    listener.Start();
                    listeners.Add(listener);
                }

                return first;
            }
            catch (SocketException)
            {
                // One of the run is taken: try another.
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }

        throw new InvalidOperationException($"No run of {count} free loopback ports was found.");
    }

    [GeneratedRegex(@" is up as (\S+) ")]
    private static partial Regex SiloAddress();
}
