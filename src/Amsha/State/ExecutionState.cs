using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Amsha;

/// <summary>
/// An execution's opaque key-value state. Amsha stores, snapshots and persists it with every
/// checkpoint of a background execution but never reads its meaning (law L5). Values are
/// written with the <see cref="JsonCodecs"/> registry (generated serializers).
/// </summary>
/// <remarks>Interim implementation of the durable-executions branch; the serializers branch owns the final type.</remarks>
public sealed class ExecutionState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _values;
    private long _version;
    private DateTimeOffset _timestamp;

    /// <summary>An empty state.</summary>
    public ExecutionState()
        : this(new Dictionary<string, string>(StringComparer.Ordinal), 0, DateTimeOffset.UtcNow)
    {
    }

    private ExecutionState(Dictionary<string, string> values, long version, DateTimeOffset timestamp)
    {
        _values = values;
        _version = version;
        _timestamp = timestamp;
    }

    /// <summary>Increments on every change.</summary>
    public long Version { get { lock (_gate) { return _version; } } }

    /// <summary>When the state last changed.</summary>
    public DateTimeOffset Timestamp { get { lock (_gate) { return _timestamp; } } }

    /// <summary>The keys present.</summary>
    public IReadOnlyCollection<string> Keys { get { lock (_gate) { return new List<string>(_values.Keys); } } }

    /// <summary>The value under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No value is stored under the key.</exception>
    public T Get<T>(string key)
    {
        string json;
        lock (_gate)
        {
            if (!_values.TryGetValue(key, out json!))
            {
                throw new KeyNotFoundException($"The execution state has no value under '{key}'.");
            }
        }

        return JsonCodecs.Deserialize<T>(json);
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void Set<T>(string key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var json = JsonCodecs.Serialize(value);
        lock (_gate)
        {
            _values[key] = json;
            Touch();
        }
    }

    /// <summary>Removes the value under <paramref name="key"/>.</summary>
    /// <returns>Whether a value was removed.</returns>
    public bool Remove(string key)
    {
        lock (_gate)
        {
            if (!_values.Remove(key))
            {
                return false;
            }

            Touch();
            return true;
        }
    }

    /// <summary>An independent copy of the state as it is now.</summary>
    public ExecutionState Snapshot()
    {
        lock (_gate)
        {
            return new ExecutionState(new Dictionary<string, string>(_values, StringComparer.Ordinal), _version, _timestamp);
        }
    }

    /// <summary>The state as JSON text; <see cref="Load"/> reads it back.</summary>
    public string Save()
    {
        lock (_gate)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", _version);
                writer.WriteString("timestamp", _timestamp);
                writer.WriteStartObject("values");
                foreach (var pair in _values)
                {
                    writer.WritePropertyName(pair.Key);
                    writer.WriteRawValue(pair.Value, skipInputValidation: true);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    /// <summary>Reads a state written by <see cref="Save"/>.</summary>
    /// <exception cref="JsonException">The text is not a saved execution state.</exception>
    public static ExecutionState Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("version", out var version)
            || !root.TryGetProperty("timestamp", out var timestamp)
            || !root.TryGetProperty("values", out var values)
            || values.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The text is not a saved execution state: expected an object with 'version', 'timestamp' and 'values'.");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in values.EnumerateObject())
        {
            map[property.Name] = property.Value.GetRawText();
        }

        return new ExecutionState(map, version.GetInt64(), timestamp.GetDateTimeOffset());
    }

    private void Touch()
    {
        _version++;
        _timestamp = DateTimeOffset.UtcNow;
    }
}
