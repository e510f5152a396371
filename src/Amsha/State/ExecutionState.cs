using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha;

/// <summary>
/// An opaque key-value container for the state of an execution. Values are stored as JSON
/// written by the generated serializers (mark their types <c>[ExecutionState]</c>); Amsha never
/// interprets them. Every change increments <see cref="Version"/>. Thread-safe.
/// </summary>
public sealed class ExecutionState
{
    /// <summary>The version of the saved format this library writes; newer ones are refused on load.</summary>
    public const int FormatVersion = 1;

    private const string FormatName = "amsha.execution-state";
    private const string ChecksumPrefix = "sha256:";

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly SortedDictionary<string, string> _values;
    private long _version;
    private DateTimeOffset _timestamp;

    /// <summary>Creates an empty state.</summary>
    /// <param name="timeProvider">The clock of <see cref="Timestamp"/>; the system clock when null.</param>
    public ExecutionState(TimeProvider? timeProvider = null)
        : this(new SortedDictionary<string, string>(StringComparer.Ordinal), 0, (timeProvider ?? TimeProvider.System).GetUtcNow(), timeProvider ?? TimeProvider.System)
    {
    }

    private ExecutionState(SortedDictionary<string, string> values, long version, DateTimeOffset timestamp, TimeProvider time)
    {
        _time = time;
        _values = values;
        _version = version;
        _timestamp = timestamp;
    }

    /// <summary>Increments on every change (<see cref="Set{T}"/>, a successful <see cref="Remove"/>).</summary>
    public long Version
    {
        get { lock (_gate) { return _version; } }
    }

    /// <summary>When the state last changed (UTC).</summary>
    public DateTimeOffset Timestamp
    {
        get { lock (_gate) { return _timestamp; } }
    }

    /// <summary>The keys, in ordinal order.</summary>
    public IReadOnlyList<string> Keys
    {
        get { lock (_gate) { return _values.Keys.ToArray(); } }
    }

    /// <summary>The number of values.</summary>
    public int Count
    {
        get { lock (_gate) { return _values.Count; } }
    }

    /// <summary>Whether a value is stored under <paramref name="key"/>.</summary>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _values.ContainsKey(key);
        }
    }

    /// <summary>The value stored under <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no generated serializer (mark it <c>[ExecutionState]</c>), or the stored value is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="KeyNotFoundException">Nothing is stored under <paramref name="key"/>.</exception>
    public T Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var codec = JsonCodecs.Get<T>();
        if (!TryGetJson(key, out var json))
        {
            throw new KeyNotFoundException($"The execution state has no value '{key}'. Stored keys: {string.Join(", ", Keys)}.");
        }

        return Read(codec, key, json);
    }

    /// <summary>The value stored under <paramref name="key"/>, if there is one.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no generated serializer, or the stored value is not a <typeparamref name="T"/>.</exception>
    public bool TryGet<T>(string key, out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var codec = JsonCodecs.Get<T>();
        if (!TryGetJson(key, out var json))
        {
            value = default!;
            return false;
        }

        value = Read(codec, key, json);
        return true;
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing any earlier value.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no generated serializer: mark it <c>[ExecutionState]</c>.</exception>
    public void Set<T>(string key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var json = JsonCodecs.Serialize(JsonCodecs.Get<T>(), value);
        lock (_gate)
        {
            _values[key] = json;
            Touch();
        }
    }

    /// <summary>Removes the value under <paramref name="key"/>; returns false when there was none.</summary>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
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

    /// <summary>An independent copy: later changes to either state do not affect the other.</summary>
    public ExecutionState Snapshot()
    {
        lock (_gate)
        {
            return new ExecutionState(new SortedDictionary<string, string>(_values, StringComparer.Ordinal), _version, _timestamp, _time);
        }
    }

    /// <summary>
    /// The state as JSON: a format marker and version, a SHA-256 checksum of the content, and the
    /// content (version, timestamp, values). <see cref="Load"/> reads it back.
    /// </summary>
    public string Save()
    {
        string content;
        lock (_gate)
        {
            content = WriteContent();
        }

        var buffer = new ArrayBufferWriter<byte>(content.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteString("checksum", Checksum(content));
            writer.WritePropertyName("content");
            writer.WriteRawValue(content, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a state written by <see cref="Save"/>.</summary>
    /// <param name="json">The saved state.</param>
    /// <param name="timeProvider">The clock of later changes' <see cref="Timestamp"/>; the system clock when null.</param>
    /// <exception cref="ExecutionStateException">The text is not JSON, is truncated, was altered, has a newer format version or is not a saved state; <see cref="ExecutionStateException.Reason"/> says which.</exception>
    public static ExecutionState Load(string json, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = JsonCodecs.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw IsTruncated(json)
                ? new ExecutionStateException(ExecutionStateFailure.Truncated, $"The saved execution state is truncated: the JSON ends before it is complete ({json.Length} characters read). Restore it from a complete copy.", ex)
                : new ExecutionStateException(ExecutionStateFailure.NotJson, $"The saved execution state is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
            {
                throw Invalid("it has no \"format\": \"" + FormatName + "\" marker, so it is not a saved execution state");
            }

            if (!root.TryGetProperty("formatVersion", out var formatVersion) || !formatVersion.TryGetInt32(out var version) || version < 1)
            {
                throw Invalid("\"formatVersion\" is missing or not a positive integer");
            }

            if (version > FormatVersion)
            {
                throw new ExecutionStateException(ExecutionStateFailure.UnsupportedVersion, $"The saved execution state has format version {version}, newer than version {FormatVersion} that this Amsha version reads. Update Amsha to load it.");
            }

            if (!root.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("\"content\" is missing or not an object");
            }

            if (!root.TryGetProperty("checksum", out var checksum) || checksum.ValueKind != JsonValueKind.String)
            {
                throw Invalid("\"checksum\" is missing");
            }

            var expected = checksum.GetString();
            var actual = Checksum(content.GetRawText());
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new ExecutionStateException(ExecutionStateFailure.ChecksumMismatch, $"The saved execution state was altered: its content checksum is {actual}, but the file records {expected}. Restore it from a good copy.");
            }

            return ReadContent(content, timeProvider ?? TimeProvider.System);
        }
    }

    private void Touch()
    {
        _version++;
        var now = _time.GetUtcNow();
        _timestamp = now > _timestamp ? now : _timestamp.AddTicks(1);
    }

    private bool TryGetJson(string key, out string json)
    {
        lock (_gate)
        {
            return _values.TryGetValue(key, out json!);
        }
    }

    private static T Read<T>(JsonCodec<T> codec, string key, string json)
    {
        try
        {
            return JsonCodecs.Deserialize(codec, json);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The value '{key}' of the execution state is not a {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    private string WriteContent()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
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

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ExecutionState ReadContent(JsonElement content, TimeProvider time)
    {
        if (!content.TryGetProperty("version", out var versionElement) || !versionElement.TryGetInt64(out var version) || version < 0)
        {
            throw Invalid("\"content.version\" is missing or not a non-negative integer");
        }

        if (!content.TryGetProperty("timestamp", out var timestampElement) || timestampElement.ValueKind != JsonValueKind.String || !timestampElement.TryGetDateTimeOffset(out var timestamp))
        {
            throw Invalid("\"content.timestamp\" is missing or not a date");
        }

        if (!content.TryGetProperty("values", out var valuesElement) || valuesElement.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("\"content.values\" is missing or not an object");
        }

        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in valuesElement.EnumerateObject())
        {
            if (!values.TryAdd(property.Name, property.Value.GetRawText()))
            {
                throw Invalid($"the key '{property.Name}' appears more than once");
            }
        }

        return new ExecutionState(values, version, timestamp, time);
    }

    private static ExecutionStateException Invalid(string reason) =>
        new(ExecutionStateFailure.InvalidStructure, $"The saved execution state is not usable: {reason}.");

    private static string Checksum(string content) =>
        ChecksumPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();

    // Called after a complete parse failed: truncated JSON still reads without error as a partial block.
    private static bool IsTruncated(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (bytes.Length == 0)
        {
            return true;
        }

        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: new JsonReaderState(new JsonReaderOptions { MaxDepth = JsonCodecs.MaxDepth }));
        try
        {
            while (reader.Read())
            {
            }

            // The whole text is a valid prefix, yet parsing it as complete JSON failed: it lacks its end.
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>Why a saved <see cref="ExecutionState"/> could not be loaded.</summary>
public enum ExecutionStateFailure
{
    /// <summary>The text is not JSON.</summary>
    NotJson,

    /// <summary>The JSON ends before it is complete.</summary>
    Truncated,

    /// <summary>The content does not match its recorded checksum: it was altered.</summary>
    ChecksumMismatch,

    /// <summary>The state was saved in a newer format version than this library reads.</summary>
    UnsupportedVersion,

    /// <summary>The JSON is not a saved execution state (markers or members missing or malformed).</summary>
    InvalidStructure,
}

/// <summary>A saved <see cref="ExecutionState"/> could not be loaded; <see cref="Reason"/> says why.</summary>
public sealed class ExecutionStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExecutionStateException(ExecutionStateFailure reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why loading failed.</summary>
    public ExecutionStateFailure Reason { get; }
}
