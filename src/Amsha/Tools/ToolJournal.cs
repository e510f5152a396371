using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// The journal of one task's tool calls in a background execution. Each completed call is written to the execution
/// record before its result reaches the model; when a resumed task calls a tool again with the same canonical
/// arguments, the journaled result is returned instead of running the tool again, so its side effect happens once.
/// </summary>
/// <remarks>
/// Calls are matched by tool name and canonical arguments (properties sorted, no whitespace), each journal entry
/// used once and in order, so a task that legitimately makes the same call twice replays both. What can still
/// repeat: a tool that was running when the process died (it never completed, so it is not journaled), and calls
/// of tools declared idempotent, which are not journaled at all.
/// </remarks>
internal sealed class ToolJournal
{
    private readonly string _taskName;
    private readonly List<JournaledToolCall> _replayable;
    private readonly Func<JournaledToolCall, Task> _write;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    public ToolJournal(string taskName, List<JournaledToolCall> journaled, Func<JournaledToolCall, Task> write, TimeProvider time)
    {
        _taskName = taskName;
        _replayable = journaled;
        _write = write;
        _time = time;
    }

    /// <summary>The journaled result of the first unused identical call, if there is one; that entry is used up.</summary>
    public bool TryReplay(string toolName, string canonicalArguments, out string result)
    {
        lock (_gate)
        {
            for (var i = 0; i < _replayable.Count; i++)
            {
                var entry = _replayable[i];
                if (string.Equals(entry.ToolName, toolName, StringComparison.Ordinal) && string.Equals(entry.Arguments, canonicalArguments, StringComparison.Ordinal))
                {
                    _replayable.RemoveAt(i);
                    result = entry.Result;
                    return true;
                }
            }
        }

        result = "";
        return false;
    }

    /// <summary>Whether an identical call is journaled and unused (it would be replayed, not run).</summary>
    public bool CanReplay(string toolName, string canonicalArguments)
    {
        lock (_gate)
        {
            return _replayable.Exists(e => string.Equals(e.ToolName, toolName, StringComparison.Ordinal) && string.Equals(e.Arguments, canonicalArguments, StringComparison.Ordinal));
        }
    }

    /// <summary>Writes a completed call to the execution record; returns once it is stored.</summary>
    public Task RecordAsync(string toolName, string callId, string canonicalArguments, string result) =>
        _write(new JournaledToolCall(_taskName, toolName, callId, canonicalArguments, result, _time.GetUtcNow()));

    /// <summary>
    /// The canonical form of a JSON value: object properties sorted by name (ordinal), no whitespace, strings and
    /// numbers as written. Two argument objects that differ only in property order or spacing are the same call.
    /// </summary>
    public static string Canonical(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Serialization.JsonCodecs.MaxDepth });
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, document.RootElement);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Depth is bounded by the parser's MaxDepth.
    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject())
                {
                    properties.Add(property);
                }

                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
