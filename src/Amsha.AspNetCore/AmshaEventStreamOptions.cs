namespace Amsha.AspNetCore;

/// <summary>
/// How much of the session's events the execution endpoints keep in memory for Server-Sent Event readers
/// (<c>GET {prefix}/executions/{id}/events</c>): bound from the configuration section <c>Amsha:EventStreams</c> when
/// there is one (unknown keys there are errors), then set in code with <c>services.AddAmshaEndpoints(options => ...)</c>.
/// </summary>
/// <remarks>
/// Events beyond <see cref="MaxEventsPerExecution"/> drop the execution's oldest ones (a reader who asks for them is
/// told how many are gone); executions beyond <see cref="MaxExecutions"/> drop the least recently active one that has
/// ended. Dropped events are not lost to the app: the execution's record in the store is unchanged.
/// </remarks>
public sealed class AmshaEventStreamOptions
{
    /// <summary>The configuration section the options are bound from: <c>Amsha:EventStreams</c>.</summary>
    public const string ConfigurationSectionName = "Amsha:EventStreams";

    /// <summary>The default for <see cref="MaxEventsPerExecution"/>: 10,000.</summary>
    public const int DefaultMaxEventsPerExecution = 10_000;

    /// <summary>The default for <see cref="MaxExecutions"/>: 1,000.</summary>
    public const int DefaultMaxExecutions = 1_000;

    /// <summary>The events kept per execution, the latest ones. Must be at least 1.</summary>
    public int MaxEventsPerExecution { get; set; } = DefaultMaxEventsPerExecution;

    /// <summary>The executions whose events are kept. Must be at least 1.</summary>
    public int MaxExecutions { get; set; } = DefaultMaxExecutions;
}
