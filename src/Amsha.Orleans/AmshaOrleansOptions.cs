using System;

namespace Amsha.Orleans;

/// <summary>Timings of Amsha on an Orleans cluster (see <c>UseOrleans</c> and <c>AddAmshaWorker</c>).</summary>
public sealed class AmshaOrleansOptions
{
    /// <summary>
    /// How often an execution's grain reads the store while the execution does not run on its silo (its silo was lost
    /// and nobody has resumed it yet), to report changes made elsewhere. Two seconds by default.
    /// </summary>
    public TimeSpan StorePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The first wait before a grain call that failed for the cluster's sake (a silo lost, a timeout) is tried again; it doubles up to <see cref="MaxRetryDelay"/>. 200 ms by default.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two tries of a grain call. Five seconds by default.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a silo's claim on an execution it runs holds without renewal (see <see cref="ExecutionSession.UseOwner"/>):
    /// the silo renews it every third of this while the execution runs; once a dead silo's lease has expired, its
    /// executions are listed by <see cref="ExecutionSession.ListOrphanedExecutionsAsync"/>. Thirty seconds by default.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a dispatch is tried before the execution's handle fails (following an execution is tried without end). Ten by default.</summary>
    public int DispatchAttempts { get; set; } = 10;

    internal TimeSpan DelayBefore(int attempt)
    {
        var delay = RetryDelay <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : RetryDelay;
        for (var i = 1; i < attempt && delay < MaxRetryDelay; i++)
        {
            delay += delay;
        }

        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
