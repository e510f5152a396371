using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Amsha;

/// <summary>Writes and reads <see cref="ExecutionRecord"/>s as JSON, without reflection; for store implementations.</summary>
public static class ExecutionRecordSerializer
{
    private const int FormatVersion = 1;

    /// <summary>The record as UTF-8 JSON.</summary>
    public static byte[] SerializeToUtf8(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("format", FormatVersion);
            w.WriteString("executionId", record.ExecutionId);
            w.WriteString("crew", record.CrewName);
            w.WriteString("mode", record.Mode.ToString());
            w.WriteString("status", record.Status.ToString());
            w.WriteNumber("revision", record.Revision);
            w.WriteString("createdAt", record.CreatedAt);
            w.WriteString("updatedAt", record.UpdatedAt);
            w.WriteString("runTime", record.RunTime.ToString("c", CultureInfo.InvariantCulture));
            w.WriteNumber("totalTasks", record.TotalTasks);
            w.WriteString("input", record.InputJson);
            if (record.StateJson is not null)
            {
                w.WriteString("state", record.StateJson);
            }

            if (record.Error is { } error)
            {
                w.WriteStartObject("error");
                w.WriteString("type", error.Type);
                w.WriteString("message", error.Message);
                w.WriteBoolean("recoverable", error.Recoverable);
                w.WriteEndObject();
            }

            if (record.Metrics is { } metrics)
            {
                w.WritePropertyName("metrics");
                metrics.WriteTo(w);
            }

            w.WriteStartArray("history");
            foreach (var change in record.StatusHistory)
            {
                w.WriteStartObject();
                w.WriteString("status", change.Status.ToString());
                w.WriteString("at", change.At);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("tasks");
            foreach (var task in record.TaskOutputs)
            {
                w.WriteStartObject();
                w.WriteNumber("index", task.TaskIndex);
                w.WriteString("name", task.TaskName);
                w.WriteString("agent", task.AgentName);
                w.WriteString("duration", task.Duration.ToString("c", CultureInfo.InvariantCulture));
                w.WriteString("text", task.Text);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The record as JSON text.</summary>
    public static string Serialize(ExecutionRecord record) => Encoding.UTF8.GetString(SerializeToUtf8(record));

    /// <summary>Reads a record written by <see cref="SerializeToUtf8"/>.</summary>
    /// <exception cref="JsonException">The content is not an execution record.</exception>
    public static ExecutionRecord Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            return Read(document.RootElement);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            throw new JsonException($"The content is not a valid execution record: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a record written by <see cref="Serialize"/>.</summary>
    /// <exception cref="JsonException">The content is not an execution record.</exception>
    public static ExecutionRecord Deserialize(string json) => Deserialize(Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))));

    private static ExecutionRecord Read(JsonElement root)
    {
        var format = root.GetProperty("format").GetInt32();
        if (format != FormatVersion)
        {
            throw new JsonException($"Execution record format {format} is not supported (this version reads format {FormatVersion}).");
        }

        var history = new List<ExecutionStatusChange>();
        foreach (var change in root.GetProperty("history").EnumerateArray())
        {
            history.Add(new ExecutionStatusChange(ParseEnum<ExecutionStatus>(change.GetProperty("status")), change.GetProperty("at").GetDateTimeOffset()));
        }

        var tasks = new List<StoredTaskOutput>();
        foreach (var task in root.GetProperty("tasks").EnumerateArray())
        {
            tasks.Add(new StoredTaskOutput(
                task.GetProperty("index").GetInt32(),
                task.GetProperty("name").GetString()!,
                task.GetProperty("agent").GetString()!,
                task.GetProperty("text").GetString()!,
                TimeSpan.ParseExact(task.GetProperty("duration").GetString()!, "c", CultureInfo.InvariantCulture)));
        }

        ExecutionError? error = null;
        if (root.TryGetProperty("error", out var e))
        {
            error = new ExecutionError(e.GetProperty("type").GetString()!, e.GetProperty("message").GetString()!, e.GetProperty("recoverable").GetBoolean());
        }

        return new ExecutionRecord
        {
            ExecutionId = root.GetProperty("executionId").GetString()!,
            CrewName = root.GetProperty("crew").GetString()!,
            Mode = ParseEnum<ExecutionMode>(root.GetProperty("mode")),
            Status = ParseEnum<ExecutionStatus>(root.GetProperty("status")),
            Revision = root.GetProperty("revision").GetInt64(),
            CreatedAt = root.GetProperty("createdAt").GetDateTimeOffset(),
            UpdatedAt = root.GetProperty("updatedAt").GetDateTimeOffset(),
            RunTime = TimeSpan.ParseExact(root.GetProperty("runTime").GetString()!, "c", CultureInfo.InvariantCulture),
            TotalTasks = root.GetProperty("totalTasks").GetInt32(),
            InputJson = root.GetProperty("input").GetString()!,
            StateJson = root.TryGetProperty("state", out var state) ? state.GetString() : null,
            Error = error,
            // Optional: records written before metrics were stored have none.
            Metrics = root.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Object ? AmshaMetrics.FromJson(metrics.GetRawText()) : null,
            StatusHistory = history,
            TaskOutputs = tasks,
        };
    }

    private static T ParseEnum<T>(JsonElement element)
        where T : struct, Enum =>
        Enum.TryParse<T>(element.GetString(), ignoreCase: false, out var value)
            ? value
            : throw new JsonException($"'{element.GetString()}' is not a {typeof(T).Name}.");
}
