using System;
using System.Threading;

namespace Amsha;

/// <summary>
/// Where LLM calls of the current async flow belong: an execution (and task) or an
/// <c>[AmshaLlmCall]</c> call. It receives the calls' events and sums their usage. Ambient, so
/// every call of a task — output repairs included — is counted without passing it around.
/// </summary>
internal sealed class LlmCallScope : IDisposable
{
    private static readonly AsyncLocal<LlmCallScope?> s_current = new();
    private readonly LlmCallScope? _previous;
    private readonly object _gate = new();
    private TokenUsage _usage = TokenUsage.Zero;

    private LlmCallScope(string executionId, ExecutionMode mode, string? taskName, Action<ExecutionEvent>? emit, LlmCallScope? previous)
    {
        ExecutionId = executionId;
        Mode = mode;
        TaskName = taskName;
        Emit = emit;
        _previous = previous;
    }

    public static LlmCallScope? Current => s_current.Value;

    public string ExecutionId { get; }

    public ExecutionMode Mode { get; }

    public string? TaskName { get; }

    /// <summary>Records an event; null when nobody listens.</summary>
    public Action<ExecutionEvent>? Emit { get; }

    public TokenUsage Usage
    {
        get { lock (_gate) { return _usage; } }
    }

    /// <summary>Scope of a whole execution; its events go to the execution's log.</summary>
    public static LlmCallScope EnterExecution(string executionId, ExecutionMode mode, ExecutionEventLog events) =>
        Enter(new LlmCallScope(executionId, mode, null, e => events.Append(e), s_current.Value));

    /// <summary>Scope of one task inside the current execution scope.</summary>
    public static LlmCallScope EnterTask(string taskName, ExecutionEventLog events)
    {
        var parent = s_current.Value;
        return Enter(new LlmCallScope(parent?.ExecutionId ?? "", parent?.Mode ?? ExecutionMode.Interactive, taskName, e => events.Append(e), parent));
    }

    /// <summary>Scope of one call outside any execution; <paramref name="emit"/> receives its events.</summary>
    public static LlmCallScope EnterStandalone(string callId, Action<ExecutionEvent>? emit) =>
        Enter(new LlmCallScope(callId, ExecutionMode.Interactive, null, emit, s_current.Value));

    /// <summary>Adds <paramref name="usage"/> here and in every enclosing scope.</summary>
    public void AddUsage(TokenUsage usage)
    {
        for (var scope = this; scope is not null; scope = scope._previous)
        {
            lock (scope._gate)
            {
                scope._usage += usage;
            }
        }
    }

    public void Dispose()
    {
        if (ReferenceEquals(s_current.Value, this))
        {
            s_current.Value = _previous;
        }
    }

    private static LlmCallScope Enter(LlmCallScope scope)
    {
        s_current.Value = scope;
        return scope;
    }
}
