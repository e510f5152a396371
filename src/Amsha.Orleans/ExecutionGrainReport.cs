using Orleans;

namespace Amsha.Orleans;

/// <summary>What crosses the wire from an execution's grain to a watcher: its status and progress.</summary>
/// <remarks>Plain values only, so the core types need no Orleans attributes.</remarks>
[GenerateSerializer]
[Immutable]
[Alias("Amsha.Orleans.ExecutionGrainReport")]
internal readonly record struct ExecutionGrainReport(
    [property: Id(0)] int Status,
    [property: Id(1)] int CompletedTasks,
    [property: Id(2)] int TotalTasks,
    [property: Id(3)] string? CurrentTask)
{
    public static ExecutionGrainReport Of(ExecutionStatus status, ExecutionProgress progress) =>
        new((int)status, progress.CompletedTasks, progress.TotalTasks, progress.CurrentTask);

    public ExecutionStatus ExecutionStatus => (ExecutionStatus)Status;

    public bool IsFinal => ExecutionStatus is not (ExecutionStatus.Pending or ExecutionStatus.Running);

    public ExecutionReport ToReport() => new(ExecutionStatus, new ExecutionProgress(CompletedTasks, TotalTasks, CurrentTask));
}
