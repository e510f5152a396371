namespace Amsha;

/// <summary>A background execution's record was written to its store.</summary>
/// <param name="Revision">The record's revision after the write.</param>
/// <param name="CompletedTasks">Tasks whose outputs the record holds.</param>
/// <param name="Status">The status the record holds.</param>
public sealed record CheckpointWrittenEvent(long Revision, int CompletedTasks, ExecutionStatus Status) : ExecutionEvent;
