using System;

namespace Amsha;

/// <summary>
/// Declares a tool: a method of a <see cref="ToolboxAttribute"/> class that a model may call. Its parameters
/// are the tool's arguments (described by <c>[Description]</c> or the XML doc <c>&lt;param&gt;</c> text; optional
/// parameters are optional arguments; a <see cref="System.Threading.CancellationToken"/> parameter receives the
/// execution's cancellation). It may return a value, <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or
/// <c>ValueTask&lt;T&gt;</c>; the result goes back to the model as JSON (text as it is).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ToolAttribute : Attribute
{
    /// <summary>The name the model calls it by; by default the method name without an <c>Async</c> suffix.</summary>
    public string? Name { get; set; }

    /// <summary>What the tool does, for the model. Required.</summary>
    public string Description { get; set; } = "";

    /// <summary>
    /// Whether calling it twice with the same arguments has the effect of calling it once (a lookup, a read). Such
    /// tools are not journaled: a resumed task calls them again instead of replaying their stored result.
    /// </summary>
    public bool Idempotent { get; set; }

    /// <summary>
    /// Whether a person approves each call before it runs (a tool that spends money or changes the world). The
    /// execution waits for the answer; a refused call never runs and the model is told it was refused.
    /// </summary>
    public bool RequiresApproval { get; set; }
}
