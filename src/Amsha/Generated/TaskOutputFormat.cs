using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace Amsha.Generated;

/// <summary>How a task's answer is requested from the model and turned into its output value.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class TaskOutputFormat
{
    /// <summary>Plain text: the answer is the output.</summary>
    public static TaskOutputFormat Text { get; } = new TextOutputFormat();

    /// <summary>The response format to request, or null for free text.</summary>
    public virtual ChatResponseFormat? ResponseFormat => null;

    /// <summary>
    /// Whether <see cref="ResponseFormat"/> is a JSON schema in the strict structured-output subset, so the call path may
    /// ask the provider to enforce it (<c>strict</c>, where the use case's <c>StrictOutputs</c> is on).
    /// </summary>
    internal virtual bool StrictSchema => false;

    /// <summary>How often an answer that fails <see cref="Parse"/> is asked for again, with the parse error.</summary>
    public virtual int OutputRepairs => 0;

    /// <summary>Turns the model's answer into the output value.</summary>
    /// <param name="taskName">The task, for error messages.</param>
    /// <param name="text">The model's full answer.</param>
    public abstract object? Parse(string taskName, string text);

    /// <summary>The text stored and passed to dependent tasks for a parsed value.</summary>
    public abstract string Format(object? value);

    private sealed class TextOutputFormat : TaskOutputFormat
    {
        public override object? Parse(string taskName, string text) => text;

        public override string Format(object? value) => value as string ?? "";
    }
}
