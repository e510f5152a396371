using System;
using System.Collections.Generic;
using System.Threading;

namespace Amsha;

/// <summary>
/// Per-execution overrides of model and parameters. Apply them with <see cref="Use"/> around the
/// code that starts executions or calls <c>[AmshaLlmCall]</c> methods: executions started in that
/// scope keep them to their end, background ones included.
/// </summary>
public sealed class LlmOverrides
{
    private static readonly AsyncLocal<LlmOverrides?> s_current = new();

    /// <summary>Another model key of the use case (<c>Amsha:Llm:UseCases:&lt;name&gt;:Models:&lt;key&gt;</c>) to use instead of its default.</summary>
    public string? ModelKey { get; init; }

    /// <summary>A model id sent to the provider instead of the configured one.</summary>
    public string? Model { get; init; }

    /// <summary>Parameters that replace the configured ones; only the values set (non-null, non-empty) count.</summary>
    public LlmParameters? Parameters { get; init; }

    /// <summary>Overrides of single use cases, by name (case-insensitive); they take precedence over the members above.</summary>
    public Dictionary<string, LlmOverrides> UseCases { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The overrides in effect for the current async flow, if any.</summary>
    public static LlmOverrides? Current => s_current.Value;

    /// <summary>Makes <paramref name="overrides"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(LlmOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var previous = s_current.Value;
        s_current.Value = overrides;
        return new Restore(previous);
    }

    /// <summary>The overrides for <paramref name="useCase"/>.</summary>
    public LlmOverrides For(string useCase) => UseCases.TryGetValue(useCase, out var specific) ? specific : this;

    private sealed class Restore : IDisposable
    {
        private readonly LlmOverrides? _previous;

        public Restore(LlmOverrides? previous) => _previous = previous;

        public void Dispose() => s_current.Value = _previous;
    }
}
