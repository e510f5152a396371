namespace Amsha;

/// <summary>How far an execution has come.</summary>
/// <param name="CompletedTasks">Tasks finished so far.</param>
/// <param name="TotalTasks">Tasks in the crew's plan.</param>
/// <param name="CurrentTask">The task running now, if any.</param>
public readonly record struct ExecutionProgress(int CompletedTasks, int TotalTasks, string? CurrentTask)
{
    /// <summary>The finished share of the plan, between 0 and 1.</summary>
    public double Fraction => TotalTasks == 0 ? 1d : (double)CompletedTasks / TotalTasks;
}
