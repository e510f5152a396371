using System;

namespace Amsha;

/// <summary>Who runs an execution and for how long the claim holds without renewal (see <see cref="ExecutionSession.UseOwner"/>).</summary>
internal sealed record ExecutionLease(string OwnerId, TimeSpan Duration)
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    /// <summary>The shortest lease a session takes.</summary>
    public static readonly TimeSpan ShortestDuration = TimeSpan.FromSeconds(1);

    /// <summary>The longest: its renewal period, a third of it, must fit one timer (about 49.7 days).</summary>
    public static readonly TimeSpan LongestDuration = 3 * TimerLimits.LongestWait;

    /// <summary>
    /// The claim a dispatching session without an owner of its own puts on the first record of an execution it hands
    /// over: nobody renews it, and the worker that takes the execution replaces it with its own.
    /// </summary>
    public static ExecutionLease HandOver { get; } = new(
        $"handed over by {Environment.MachineName}/{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}", DefaultDuration);

    /// <summary>How often a running execution renews it: three renewals fit in one lease, so one late write does not orphan it.</summary>
    public TimeSpan RenewalPeriod => Duration / 3;

    /// <summary><paramref name="record"/> as written at <paramref name="now"/>: held while it runs, released once it stops.</summary>
    public ExecutionRecord Apply(ExecutionRecord record, DateTimeOffset now) =>
        record.Status is ExecutionStatus.Running or ExecutionStatus.Pending
            ? record with { Owner = OwnerId, LeaseExpiresAt = now + Duration }
            : record with { Owner = null, LeaseExpiresAt = null };
}
