using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>
/// Which stored executions to list, and which page of them: <see cref="IExecutionStore.QueryAsync"/> and
/// <see cref="ExecutionSession.QueryExecutionsAsync"/>. Records are ordered by <see cref="ExecutionRecord.CreatedAt"/>
/// (then id), newest first unless <see cref="OldestFirst"/>.
/// </summary>
public sealed record ExecutionQuery
{
    /// <summary>The most records one page may hold.</summary>
    public const int MaxTake = 1000;

    /// <summary>Only executions of this crew; all crews when null.</summary>
    public string? CrewName { get; init; }

    /// <summary>Only executions in one of these statuses; every status when null or empty.</summary>
    public IReadOnlyCollection<ExecutionStatus>? Statuses { get; init; }

    /// <summary>Records to skip before the page starts. Default 0.</summary>
    public int Skip { get; init; }

    /// <summary>Records in the page, 1 to <see cref="MaxTake"/>. Default 100.</summary>
    public int Take { get; init; } = 100;

    /// <summary>Oldest first instead of newest first.</summary>
    public bool OldestFirst { get; init; }

    /// <summary>Throws when <see cref="Skip"/> or <see cref="Take"/> is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Skip is negative or Take is not in 1..<see cref="MaxTake"/>.</exception>
    public void Validate()
    {
        if (Skip < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Skip), Skip, "Skip must be 0 or more.");
        }

        if (Take is < 1 or > MaxTake)
        {
            throw new ArgumentOutOfRangeException(nameof(Take), Take, $"Take must be between 1 and {MaxTake}.");
        }
    }

    /// <summary>Whether <paramref name="record"/> passes the query's filters (crew and status).</summary>
    public bool Matches(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (CrewName is not null && !string.Equals(record.CrewName, CrewName, StringComparison.Ordinal))
        {
            return false;
        }

        if (Statuses is { Count: > 0 } statuses)
        {
            foreach (var status in statuses)
            {
                if (status == record.Status)
                {
                    return true;
                }
            }

            return false;
        }

        return true;
    }
}

/// <summary>One page of stored executions.</summary>
/// <param name="Items">The records of the page, in the query's order.</param>
/// <param name="Total">How many records match the query's filters, over all pages.</param>
public sealed record ExecutionPage(IReadOnlyList<ExecutionRecord> Items, int Total);
