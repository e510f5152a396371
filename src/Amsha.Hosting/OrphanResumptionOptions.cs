using System;
using System.Collections.Generic;

namespace Amsha.Hosting;

/// <summary>
/// The opt-in policy of <c>ResumeOrphans</c>: which stored executions this app resumes on its own, and how often it
/// looks. Nothing is resumed unless an app registers the policy (Amsha resumes nothing by default).
/// </summary>
public sealed class OrphanResumptionOptions
{
    /// <summary>How often the store is searched. Thirty seconds by default; at least a second.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The crews whose executions are resumed; empty (the default): every crew.</summary>
    public ISet<string> CrewNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether executions stored <see cref="ExecutionStatus.Interrupted"/> by a graceful shutdown are resumed too (a
    /// rolling restart of workers, say), up to 1,000 per search, oldest first. Off by default: only orphans —
    /// executions whose owner's lease expired — are.
    /// </summary>
    public bool IncludeInterrupted { get; set; }
}
