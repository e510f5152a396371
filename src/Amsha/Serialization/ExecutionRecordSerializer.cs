using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Amsha.Serialization;

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

            if (record.DefinitionFingerprint is not null)
            {
                w.WriteStartObject("definitions");
                w.WriteString("version", record.DefinitionVersion);
                w.WriteString("fingerprint", record.DefinitionFingerprint);
                if (record.DefinitionSnapshot is not null)
                {
                    w.WriteString("snapshot", record.DefinitionSnapshot);
                }

                w.WriteEndObject();
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
            if (record.ToolCalls.Count > 0)
            {
                w.WriteStartArray("toolCalls");
                foreach (var call in record.ToolCalls)
                {
                    w.WriteStartObject();
                    w.WriteString("task", call.TaskName);
                    w.WriteString("tool", call.ToolName);
                    w.WriteString("callId", call.CallId);
                    w.WriteString("arguments", call.Arguments);
                    w.WriteString("result", call.Result);
                    w.WriteString("completedAt", call.CompletedAt);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (record.Owner is not null)
            {
                w.WriteStartObject("owner");
                w.WriteString("id", record.Owner);
                if (record.LeaseExpiresAt is { } expires)
                {
                    w.WriteString("leaseExpiresAt", expires);
                }

                w.WriteEndObject();
            }

            if (record.PendingInput.Count > 0)
            {
                w.WriteStartArray("pendingInput");
                foreach (var request in record.PendingInput)
                {
                    WriteRequest(w, request);
                }

                w.WriteEndArray();
            }

            if (record.InputHistory.Count > 0)
            {
                w.WriteStartArray("inputHistory");
                foreach (var answered in record.InputHistory)
                {
                    w.WriteStartObject();
                    w.WritePropertyName("request");
                    WriteRequest(w, answered.Request);
                    w.WriteString("decision", answered.Response.Decision.ToString());
                    WriteOptional(w, "reason", answered.Response.Reason);
                    WriteOptional(w, "editedOutput", answered.Response.EditedOutput);
                    WriteOptional(w, "answeredBy", answered.Response.AnsweredBy);
                    w.WriteString("answeredAt", answered.AnsweredAt);
                    w.WriteBoolean("applied", answered.Applied);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

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

    /// <summary>The SHA-256 of a serialized record as hex: what a store keeps beside the record to detect damage.</summary>
    public static string Checksum(ReadOnlySpan<byte> utf8Json) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(utf8Json));

    /// <summary>
    /// Reads a store's row that keeps the newest record and the one before it, each with its checksum: the newest when
    /// it is intact; otherwise an <see cref="ExecutionStoreCorruptedException"/> naming <paramref name="location"/> and
    /// why, with the previous record attached when that one is intact (saving on top of it repairs the row).
    /// </summary>
    /// <param name="executionId">The execution the records must belong to.</param>
    /// <param name="location">Where the row is, for the error (a file, or database, table and id).</param>
    /// <param name="json">The newest record.</param>
    /// <param name="checksum">Its checksum.</param>
    /// <param name="previousJson">The record before it, if kept.</param>
    /// <param name="previousChecksum">Its checksum.</param>
    /// <exception cref="ExecutionStoreCorruptedException">The newest record is damaged.</exception>
    public static ExecutionRecord ReadNewest(string executionId, string location, string json, string checksum, string? previousJson, string? previousChecksum)
    {
        var reason = Verify(executionId, System.Text.Encoding.UTF8.GetBytes(json), checksum, out var record);
        if (reason is null)
        {
            return record!;
        }

        ExecutionRecord? previous = null;
        if (previousJson is not null && previousChecksum is not null)
        {
            Verify(executionId, System.Text.Encoding.UTF8.GetBytes(previousJson), previousChecksum, out previous);
        }

        throw new ExecutionStoreCorruptedException(executionId, location, reason, previous);
    }

    /// <summary>
    /// Checks a stored record against its checksum and reads it. Every store verifies the same way, so damage
    /// is reported with the same reasons whatever the store.
    /// </summary>
    /// <param name="executionId">The execution the record must belong to.</param>
    /// <param name="utf8Json">The stored record.</param>
    /// <param name="checksum">The checksum stored with it (<see cref="Checksum"/>).</param>
    /// <param name="record">The record when it is intact.</param>
    /// <returns>Null when intact; otherwise why the record cannot be used.</returns>
    public static string? Verify(string executionId, ReadOnlySpan<byte> utf8Json, string checksum, out ExecutionRecord? record)
    {
        record = null;
        var actual = Checksum(utf8Json);
        if (!string.Equals(checksum, actual, StringComparison.OrdinalIgnoreCase))
        {
            return $"the checksum does not match (recorded sha256 {checksum}, computed {actual})";
        }

        try
        {
            record = Deserialize(utf8Json);
        }
        catch (JsonException ex)
        {
            return "the content is not a readable execution record: " + ex.Message;
        }

        if (!string.Equals(record.ExecutionId, executionId, StringComparison.Ordinal))
        {
            var found = record.ExecutionId;
            record = null;
            return $"the record holds execution '{found}', not '{executionId}'";
        }

        return null;
    }

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

        // Optional: only records of tasks interrupted after a tool call have a journal.
        var toolCalls = new List<JournaledToolCall>();
        if (root.TryGetProperty("toolCalls", out var journal))
        {
            foreach (var call in journal.EnumerateArray())
            {
                toolCalls.Add(new JournaledToolCall(
                    call.GetProperty("task").GetString()!,
                    call.GetProperty("tool").GetString()!,
                    call.GetProperty("callId").GetString()!,
                    call.GetProperty("arguments").GetString()!,
                    call.GetProperty("result").GetString()!,
                    call.GetProperty("completedAt").GetDateTimeOffset()));
            }
        }

        // Optional: only executions that asked a person have input requests.
        var pending = new List<InputRequest>();
        if (root.TryGetProperty("pendingInput", out var pendingInput))
        {
            foreach (var request in pendingInput.EnumerateArray())
            {
                pending.Add(ReadRequest(request));
            }
        }

        var inputHistory = new List<AnsweredInput>();
        if (root.TryGetProperty("inputHistory", out var answers))
        {
            foreach (var answer in answers.EnumerateArray())
            {
                var request = ReadRequest(answer.GetProperty("request"));
                var response = new InputResponse(request.RequestId, ParseEnum<InputDecision>(answer.GetProperty("decision")), Optional(answer, "reason"), Optional(answer, "editedOutput"))
                {
                    AnsweredBy = Optional(answer, "answeredBy"),
                };
                inputHistory.Add(new AnsweredInput(request, response, answer.GetProperty("answeredAt").GetDateTimeOffset()) { Applied = answer.GetProperty("applied").GetBoolean() });
            }
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
            // Optional: records written before executions recorded their definitions have none.
            DefinitionVersion = root.TryGetProperty("definitions", out var definitions) ? Optional(definitions, "version") : null,
            DefinitionFingerprint = definitions.ValueKind == JsonValueKind.Object ? Optional(definitions, "fingerprint") : null,
            DefinitionSnapshot = definitions.ValueKind == JsonValueKind.Object ? Optional(definitions, "snapshot") : null,
            Error = error,
            // Optional: only records of an owning session's running executions have an owner.
            Owner = root.TryGetProperty("owner", out var owner) && owner.ValueKind == JsonValueKind.Object ? Optional(owner, "id") : null,
            LeaseExpiresAt = owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty("leaseExpiresAt", out var lease) ? lease.GetDateTimeOffset() : null,
            // Optional: records written before metrics were stored have none.
            Metrics = root.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Object ? AmshaMetrics.FromJson(metrics.GetRawText()) : null,
            StatusHistory = history,
            TaskOutputs = tasks,
            ToolCalls = toolCalls,
            PendingInput = pending,
            InputHistory = inputHistory,
        };
    }

    private static void WriteRequest(Utf8JsonWriter w, InputRequest request)
    {
        w.WriteStartObject();
        w.WriteString("id", request.RequestId);
        w.WriteString("kind", request.Kind.ToString());
        w.WriteString("task", request.TaskName);
        w.WriteString("agent", request.AgentName);
        w.WriteString("question", request.Question);
        w.WriteNumber("allowed", (int)request.Allowed);
        WriteOptional(w, "proposedOutput", request.ProposedOutput);
        WriteOptional(w, "tool", request.ToolName);
        WriteOptional(w, "toolCallId", request.ToolCallId);
        WriteOptional(w, "toolArguments", request.ToolArguments);
        w.WriteString("requestedAt", request.RequestedAt);
        if (request.Deadline is { } deadline)
        {
            w.WriteString("deadline", deadline);
        }

        w.WriteEndObject();
    }

    private static InputRequest ReadRequest(JsonElement e) => new()
    {
        RequestId = e.GetProperty("id").GetString()!,
        Kind = ParseEnum<InputRequestKind>(e.GetProperty("kind")),
        TaskName = e.GetProperty("task").GetString()!,
        AgentName = e.GetProperty("agent").GetString()!,
        Question = e.GetProperty("question").GetString()!,
        Allowed = (ReviewKind)e.GetProperty("allowed").GetInt32(),
        ProposedOutput = Optional(e, "proposedOutput"),
        ToolName = Optional(e, "tool"),
        ToolCallId = Optional(e, "toolCallId"),
        ToolArguments = Optional(e, "toolArguments"),
        RequestedAt = e.GetProperty("requestedAt").GetDateTimeOffset(),
        Deadline = e.TryGetProperty("deadline", out var deadline) ? deadline.GetDateTimeOffset() : null,
    };

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static T ParseEnum<T>(JsonElement element)
        where T : struct, Enum =>
        Enum.TryParse<T>(element.GetString(), ignoreCase: false, out var value)
            ? value
            : throw new JsonException($"'{element.GetString()}' is not a {typeof(T).Name}.");
}
