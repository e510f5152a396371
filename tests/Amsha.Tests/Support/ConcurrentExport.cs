using System.Collections;
using System.Collections.Generic;

namespace Amsha.Tests.Support;

/// <summary>
/// What an OpenTelemetry in-memory exporter writes to, safe to add to from several threads. A test's tracer provider
/// listens to the whole <c>Amsha</c> source, so spans of executions that other tests run at the same time are exported
/// into it on their own threads (a plain <see cref="List{T}"/> then throws "Collection was modified" under a reader,
/// or loses items). Tests filter for their own spans and read them through <see cref="Snapshot"/>.
/// </summary>
internal sealed class ConcurrentExport<T> : ICollection<T>, IReadOnlyCollection<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = new();

    public int Count
    {
        get { lock (_gate) { return _items.Count; } }
    }

    bool ICollection<T>.IsReadOnly => false;

    public void Add(T item)
    {
        lock (_gate)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item)
    {
        lock (_gate)
        {
            return _items.Contains(item);
        }
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_gate)
        {
            _items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(T item)
    {
        lock (_gate)
        {
            return _items.Remove(item);
        }
    }

    /// <summary>The items exported so far, copied under the lock.</summary>
    public List<T> Snapshot()
    {
        lock (_gate)
        {
            return new List<T>(_items);
        }
    }

    /// <summary>Enumerates a snapshot: exports that arrive meanwhile are not seen, and do not break the enumeration.</summary>
    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
