using System;
using System.Linq;
using System.Runtime.CompilerServices;
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
    private static TracerProvider? s_tracing;
    private static MeterProvider? s_metrics;

#pragma warning disable CA2255 // Application code: the exporters must exist before the top-level program starts the crew.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void StartIfRequested()
    {
        if (!Environment.GetCommandLineArgs().Contains("--telemetry"))
        {
            return;
        }

        s_tracing = Sdk.CreateTracerProviderBuilder()
            .AddAmshaInstrumentation()
            .AddConsoleExporter()
            .Build();
        s_metrics = Sdk.CreateMeterProviderBuilder()
            .AddAmshaInstrumentation()
            .AddConsoleExporter()
            .Build();

        // Disposing the providers flushes what is still buffered when the program ends.
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            s_tracing?.Dispose();
            s_metrics?.Dispose();
        };
    }
}
