using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// Answers computed once per key for the lifetime of a compilation's (or a code block's) analysis,
/// safe for analyzers that run concurrently. A computation that throws (cancellation) stores nothing,
/// so an analysis that is canceled and started again on the same compilation computes afresh instead
/// of rethrowing a stale cancellation. Two threads that race for the same missing key may both compute
/// it; one answer is kept.
/// </summary>
internal sealed class AnalysisCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _values;

    public AnalysisCache(IEqualityComparer<TKey>? comparer = null) => _values = new ConcurrentDictionary<TKey, TValue>(comparer ?? EqualityComparer<TKey>.Default);

    public TValue Get(TKey key, Func<TKey, TValue> compute) =>
        _values.TryGetValue(key, out var value) ? value : _values.GetOrAdd(key, compute(key));

    public bool TryGet(TKey key, out TValue value) => _values.TryGetValue(key, out value!);

    public void Set(TKey key, TValue value) => _values.TryAdd(key, value);
}

/// <summary>
/// One value computed at most once by whichever thread needs it first (others wait for it); unlike
/// <see cref="Lazy{T}"/>, a computation that throws (cancellation) is not remembered, the next caller computes.
/// </summary>
internal sealed class Once<T>
    where T : class
{
    private readonly object _gate = new();
    private readonly Func<CancellationToken, T> _compute;
    private T? _value;

    public Once(Func<CancellationToken, T> compute) => _compute = compute;

    public T Get(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _value) is { } value)
        {
            return value;
        }

        lock (_gate)
        {
            if (_value is null)
            {
                Volatile.Write(ref _value, _compute(cancellationToken));
            }

            return _value!;
        }
    }
}
