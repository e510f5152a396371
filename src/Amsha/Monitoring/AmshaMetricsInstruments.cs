using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Amsha;

/// <summary>
/// Amsha's own metrics, published on the <see cref="AmshaTelemetryNames.MeterName"/> meter next
/// to the GenAI client metrics. Names and units are public contract (docs/monitoring.md).
/// </summary>
internal static class AmshaMetricsInstruments
{
    public const string ActiveExecutionsName = "amsha.executions.active";
    public const string ExecutionDurationName = "amsha.execution.duration";
    public const string TaskDurationName = "amsha.task.duration";
    public const string LlmRetriesName = "amsha.llm.retries";

    public const string CrewTag = "amsha.crew.name";
    public const string ModeTag = "amsha.execution.mode";
    public const string StatusTag = "amsha.execution.status";
    public const string TaskTag = "amsha.task.name";

    private static Meter Meter => AmshaTelemetry.Meter;

    public static readonly UpDownCounter<long> ActiveExecutions = Meter.CreateUpDownCounter<long>(
        ActiveExecutionsName, unit: "{execution}", description: "Executions running now.");

    public static readonly Histogram<double> ExecutionDuration = Meter.CreateHistogram(
        ExecutionDurationName, unit: "s", description: "Duration of finished executions (one process run of them).", tags: null, advice: AmshaTelemetry.SecondsAdvice);

    public static readonly Histogram<double> TaskDuration = Meter.CreateHistogram(
        TaskDurationName, unit: "s", description: "Duration of finished tasks.", tags: null, advice: AmshaTelemetry.SecondsAdvice);

    public static readonly Counter<long> LlmRetries = Meter.CreateCounter<long>(
        LlmRetriesName, unit: "{retry}", description: "LLM call attempts retried after a transient failure.");

    public static void ExecutionStarted(string crewName, ExecutionMode mode) =>
        ActiveExecutions.Add(1, new KeyValuePair<string, object?>(CrewTag, crewName), new KeyValuePair<string, object?>(ModeTag, ModeName(mode)));

    public static void ExecutionEnded(string crewName, ExecutionMode mode, ExecutionStatus status, double seconds)
    {
        var crew = new KeyValuePair<string, object?>(CrewTag, crewName);
        var modeTag = new KeyValuePair<string, object?>(ModeTag, ModeName(mode));
        ActiveExecutions.Add(-1, crew, modeTag);
        ExecutionDuration.Record(seconds, crew, modeTag, new KeyValuePair<string, object?>(StatusTag, StatusName(status)));
    }

    public static void TaskEnded(string crewName, string taskName, double seconds) =>
        TaskDuration.Record(seconds, new KeyValuePair<string, object?>(CrewTag, crewName), new KeyValuePair<string, object?>(TaskTag, taskName));

    public static void Retried(string? crewName, string taskName)
    {
        if (crewName is null)
        {
            LlmRetries.Add(1, new KeyValuePair<string, object?>(TaskTag, taskName));
        }
        else
        {
            LlmRetries.Add(1, new KeyValuePair<string, object?>(CrewTag, crewName), new KeyValuePair<string, object?>(TaskTag, taskName));
        }
    }

    // Fixed lower-case strings keep tag values stable whatever the enum names become.
    private static string ModeName(ExecutionMode mode) => mode == ExecutionMode.Background ? "background" : "interactive";

    private static string StatusName(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Succeeded => "succeeded",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Canceled => "canceled",
        _ => "running",
    };
}
