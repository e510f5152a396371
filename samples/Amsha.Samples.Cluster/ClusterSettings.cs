using System;
using System.IO;
using System.Net;
using Amsha;
using Amsha.Postgres;
using Microsoft.Extensions.Configuration;

namespace Amsha.Samples.Cluster;

/// <summary>
/// The sample's settings, from the "Cluster" section and the connection string "Cluster" of the app configuration.
/// The connection string is read here and handed to Npgsql and Orleans; it is never printed or logged.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The PostgreSQL database of membership and executions; none: development clustering and a file store.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Orleans' cluster and service id (<c>Cluster:Id</c>).</summary>
    public string ClusterId { get; init; } = "amsha-sample";

    /// <summary>The address the silos listen on and advertise (<c>Cluster:Address</c>); loopback by default.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Silo n listens for silos on this port + n (<c>Cluster:SiloPort</c>).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Silo n listens for clients on this port + n (<c>Cluster:GatewayPort</c>).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>How long a silo's claim on its running executions holds without renewal (<c>Cluster:LeaseDuration</c>).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often <c>client --resume-orphans</c> looks for orphans (<c>Cluster:OrphanScanInterval</c>).</summary>
    public TimeSpan OrphanScanInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many executions <c>client</c> starts at a time (<c>Cluster:StartConcurrency</c>).</summary>
    public int StartConcurrency { get; init; } = 16;

    /// <summary>The offline model's latency per call, when no model is configured (<c>Cluster:ModelLatency</c>).</summary>
    public TimeSpan ModelLatency { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The PostgreSQL schema of the execution store (<c>Cluster:StoreSchema</c>).</summary>
    public string StoreSchema { get; init; } = "amsha";

    /// <summary>The directory of the file store, without a database (<c>AMSHA_EXECUTION_STORE</c> or <c>Cluster:StoreDirectory</c>).</summary>
    public string StoreDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "amsha-samples-cluster");

    /// <summary>What the store is, for the console (never the connection string).</summary>
    public string StoreDescription => ConnectionString is null ? $"files in {StoreDirectory}" : $"PostgreSQL schema {StoreSchema}";

    /// <summary>Reads the settings; a malformed value fails with the key that holds it.</summary>
    public static ClusterSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cluster");
        var defaults = new ClusterSettings();
        return new ClusterSettings
        {
            ConnectionString = configuration.GetConnectionString("Cluster") is { Length: > 0 } connectionString ? connectionString : null,
            ClusterId = section["Id"] ?? defaults.ClusterId,
            Address = Parse(section, "Address", (string text, out IPAddress value) => IPAddress.TryParse(text, out value!), defaults.Address),
            SiloPort = Parse(section, "SiloPort", int.TryParse, defaults.SiloPort),
            GatewayPort = Parse(section, "GatewayPort", int.TryParse, defaults.GatewayPort),
            LeaseDuration = Parse(section, "LeaseDuration", TimeSpan.TryParse, defaults.LeaseDuration),
            OrphanScanInterval = Parse(section, "OrphanScanInterval", TimeSpan.TryParse, defaults.OrphanScanInterval),
            StartConcurrency = Parse(section, "StartConcurrency", int.TryParse, defaults.StartConcurrency),
            ModelLatency = Parse(section, "ModelLatency", TimeSpan.TryParse, defaults.ModelLatency),
            StoreSchema = section["StoreSchema"] ?? defaults.StoreSchema,
            StoreDirectory = Environment.GetEnvironmentVariable("AMSHA_EXECUTION_STORE") ?? section["StoreDirectory"] ?? defaults.StoreDirectory,
        };
    }

    /// <summary>The execution store every silo and client shares.</summary>
    public IExecutionStore CreateStore() => ConnectionString is null
        ? new FileExecutionStore(StoreDirectory)
        : new PostgresExecutionStore(ConnectionString, StoreSchema);

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(IConfigurationSection section, string key, TryParse<T> parse, T fallback) =>
        section[key] is not { } text ? fallback
        : parse(text, out var value) ? value
        : throw new InvalidOperationException($"The setting '{section.Path}:{key}' is '{text}', which is not a valid {typeof(T).Name}.");
}
