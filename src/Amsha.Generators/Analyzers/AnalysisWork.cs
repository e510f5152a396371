using System;
using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>What the work of an analyzer (or a code fix) is counted in; see <see cref="AnalysisWork"/>.</summary>
internal enum WorkKind
{
    /// <summary>Characters of a template the template parser looked at.</summary>
    TemplateCharacters,

    /// <summary>Characters of a string literal decoded to map template offsets to source positions.</summary>
    LiteralCharacters,

    /// <summary>Placeholders and malformed spots of templates checked.</summary>
    Placeholders,

    /// <summary>Cells of edit-distance tables computed for "did you mean" suggestions.</summary>
    NameComparisons,

    /// <summary>Symbols, members, attributes and attribute entries looked at.</summary>
    Symbols,

    /// <summary>Types visited by walks over element types, type arguments, containing and base types.</summary>
    Types,

    /// <summary>Operations looked at (in actions or in walks over code).</summary>
    Operations,

    /// <summary>Syntax nodes and tokens looked at.</summary>
    Syntax,

    /// <summary>Agents, tasks, crew steps, context names and placeholders of definition files bound.</summary>
    DefinitionEntries,
}

/// <summary>
/// Counts the work the analyzers and code fixes do on one compilation, so tests can show that it grows
/// linearly with the input (counted, not timed), and lets a test act when an amount of work is reached
/// (cancel the analysis, deterministically). Nothing is counted unless a test tracks the compilation's
/// assembly name; then <see cref="For(Compilation)"/> finds the counter. Every loop over something the
/// user wrote goes through <see cref="Work.Step"/>, which also stops it promptly on cancellation.
/// </summary>
internal sealed class AnalysisWork : IDisposable
{
    private static readonly ConcurrentDictionary<string, AnalysisWork> s_tracked = new(StringComparer.Ordinal);
    private static readonly int s_kinds = Enum.GetValues(typeof(WorkKind)).Length;

    private readonly long[] _counts = new long[s_kinds];
    private readonly string _assemblyName;

    private AnalysisWork(string assemblyName) => _assemblyName = assemblyName;

    /// <summary>Called after every counted step (from any analyzer thread), e.g. to cancel the analysis after some work.</summary>
    public Action<AnalysisWork>? Observer { get; set; }

    /// <summary>The work of every kind together.</summary>
    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                total += Interlocked.Read(ref _counts[i]);
            }

            return total;
        }
    }

    public long this[WorkKind kind] => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>Counts the work done on compilations (and workspace projects) named <paramref name="assemblyName"/> until disposed.</summary>
    public static AnalysisWork Track(string assemblyName)
    {
        var work = new AnalysisWork(assemblyName);
        if (!s_tracked.TryAdd(assemblyName, work))
        {
            throw new InvalidOperationException("The work on '" + assemblyName + "' is already being counted.");
        }

        return work;
    }

    /// <summary>The counter of a tracked compilation; null (nothing counted) for every other one.</summary>
    public static AnalysisWork? For(Compilation compilation) => For(compilation.AssemblyName);

    /// <summary>The counter of a tracked assembly name; null for every other one.</summary>
    public static AnalysisWork? For(string? assemblyName) =>
        s_tracked.IsEmpty || assemblyName is null ? null : s_tracked.TryGetValue(assemblyName, out var work) ? work : null;

    public void Add(WorkKind kind, long amount)
    {
        Interlocked.Add(ref _counts[(int)kind], amount);
        Observer?.Invoke(this);
    }

    public void Dispose() => s_tracked.TryRemove(_assemblyName, out _);
}

/// <summary>The one call every loop over user-sized input makes per item.</summary>
internal static class Work
{
    /// <summary>
    /// One step of work over something the user wrote: throws promptly when <paramref name="cancellationToken"/>
    /// is canceled, and counts <paramref name="amount"/> when the compilation is tracked (<paramref name="work"/> not null).
    /// </summary>
    public static void Step(this AnalysisWork? work, WorkKind kind, CancellationToken cancellationToken, long amount = 1)
    {
        cancellationToken.ThrowIfCancellationRequested();
        work?.Add(kind, amount);
    }
}
