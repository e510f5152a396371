namespace Amsha;

/// <summary>Names under which Amsha publishes telemetry through <c>System.Diagnostics</c>.</summary>
public static class AmshaTelemetryNames
{
    /// <summary>The <c>ActivitySource</c> of Amsha's spans.</summary>
    public const string SourceName = "Amsha";

    /// <summary>The <c>Meter</c> of Amsha's metrics.</summary>
    public const string MeterName = "Amsha";
}
