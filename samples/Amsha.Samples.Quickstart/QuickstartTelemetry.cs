using System;
using System.Linq;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Amsha.Samples.Quickstart;

/// <summary>
/// <c>--telemetry</c>: exports Amsha's spans and metrics to the console with OpenTelemetry.
/// In an app of your own, build the providers at startup (or use OpenTelemetry.Extensions.Hosting)
/// and swap the console exporter for OTLP to reach any backend.
/// </summary>
internal static class QuickstartTelemetry
{
    /// <summary>Starts console export when <paramref name="args"/> has <c>--telemetry</c>; disposing flushes and stops it.</summary>
    public static IDisposable? StartIfRequested(string[] args)
    {
        if (!args.Contains("--telemetry"))
        {
            return null;
        }

        var tracing = Sdk.CreateTracerProviderBuilder()
            .AddAmshaInstrumentation()
            .AddConsoleExporter()
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .AddAmshaInstrumentation()
            .AddConsoleExporter()
            .Build();
        return new Providers(tracing, metrics);
    }

    private sealed class Providers(TracerProvider tracing, MeterProvider metrics) : IDisposable
    {
        public void Dispose()
        {
            tracing.Dispose();
            metrics.Dispose();
        }
    }
}
