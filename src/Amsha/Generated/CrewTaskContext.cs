using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text;

namespace Amsha.Generated;

/// <summary>The outputs of finished tasks, as a task's prompt builder sees them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CrewTaskContext
{
    private readonly IReadOnlyList<TaskOutput?> _outputs;

    internal CrewTaskContext(IReadOnlyList<TaskOutput?> outputs) => _outputs = outputs;

    /// <summary>The output of the task at <paramref name="taskIndex"/>.</summary>
    /// <exception cref="InvalidOperationException">That task has not finished.</exception>
    public TaskOutput GetOutput(int taskIndex) =>
        taskIndex >= 0 && taskIndex < _outputs.Count && _outputs[taskIndex] is { } output
            ? output
            : throw new InvalidOperationException($"The output of task #{taskIndex} is not available yet.");

    /// <summary>Appends a context section holding the output of the task at <paramref name="taskIndex"/>.</summary>
    public void AppendContext(StringBuilder builder, int taskIndex)
    {
        var output = GetOutput(taskIndex);
        builder.Append("\n\nContext from ").Append(output.TaskName).Append(":\n").Append(output.Text);
    }

    /// <summary><paramref name="prompt"/> followed by a context section holding the output of the task at <paramref name="taskIndex"/>.</summary>
    public string AppendContext(string prompt, int taskIndex)
    {
        var output = GetOutput(taskIndex);
        return prompt + "\n\nContext from " + output.TaskName + ":\n" + output.Text;
    }
}
