using System;
using Amsha;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry;

/// <summary>Subscribes OpenTelemetry providers to Amsha's ActivitySource and Meter (both named <c>Amsha</c>).</summary>
public static class AmshaInstrumentationExtensions
{
    /// <summary>
    /// Collects Amsha's spans: <c>invoke_workflow {crew}</c>, <c>invoke_agent {agent}</c>, <c>chat {model}</c> and
    /// <c>execute_tool {tool}</c>, per the OpenTelemetry GenAI semantic conventions (v1.41.0 by default; see docs/monitoring.md
    /// for <c>OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental</c>).
    /// </summary>
    public static TracerProviderBuilder AddAmshaInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(AmshaTelemetryNames.SourceName);
    }

    /// <summary>
    /// Collects Amsha's metrics: the GenAI client metrics (<c>gen_ai.client.token.usage</c>,
    /// <c>gen_ai.client.operation.duration</c>, <c>gen_ai.client.operation.time_to_first_chunk</c>,
    /// <c>gen_ai.client.operation.time_per_output_chunk</c>; the <c>gen_ai.client.inference.*</c> token metrics instead of
    /// <c>gen_ai.client.token.usage</c> in the opt-in layout) and Amsha's own (<c>amsha.*</c>), with the bucket advice of the conventions.
    /// </summary>
    public static MeterProviderBuilder AddAmshaInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(AmshaTelemetryNames.MeterName);
    }
}
