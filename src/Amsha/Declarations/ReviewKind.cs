using System;

namespace Amsha;

/// <summary>
/// What a person may do with a task's output before the crew goes on (<see cref="CrewTaskAttribute.Review"/>).
/// Any review lets the reviewer approve or reject; <see cref="Edit"/> also lets them replace the output.
/// </summary>
[Flags]
public enum ReviewKind
{
    /// <summary>No review: the output is used as the model gave it.</summary>
    None = 0,

    /// <summary>The reviewer approves the output, or rejects it with a reason (the task fails).</summary>
    Approve = 1,

    /// <summary>The reviewer may also replace the output; the edit is parsed and validated like the model's answer.</summary>
    Edit = 2,
}
