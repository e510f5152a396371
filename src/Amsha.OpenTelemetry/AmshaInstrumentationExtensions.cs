using System;
using Amsha;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry;

/// <summary>Subscribes OpenTelemetry providers to Amsha's ActivitySource and Meter (both named <c>Amsha</c>).</summary>
public static class AmshaInstrumentationExtensions
{
    /// <summary>Collects Amsha's spans: <c>invoke_workflow {crew}</c>, <c>invoke_agent {agent}</c>, <c>chat {model}</c>.</summary>
    public static TracerProviderBuilder AddAmshaInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(AmshaTelemetryNames.SourceName);
    }

    /// <summary>
    /// Collects Amsha's metrics: the GenAI client metrics (<c>gen_ai.client.token.usage</c>,
    /// <c>gen_ai.client.operation.duration</c>) and Amsha's own (<c>amsha.*</c>).
    /// </summary>
    public static MeterProviderBuilder AddAmshaInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(AmshaTelemetryNames.MeterName);
    }
}
