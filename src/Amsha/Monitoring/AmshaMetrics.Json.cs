using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Amsha;

/// <summary>Hand-written, reflection-free JSON form of <see cref="AmshaMetrics"/> (stores persist it).</summary>
public sealed partial class AmshaMetrics
{
    /// <summary>The metrics as a JSON object.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the metrics as a JSON object, e.g. as a property value of a store record.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("executionId", ExecutionId);
        writer.WriteString("crewName", CrewName);
        writer.WriteString("mode", Mode.ToString());
        writer.WriteString("status", Status.ToString());
        writer.WriteString("startedAt", StartedAt);
        if (EndedAt is { } ended)
        {
            writer.WriteString("endedAt", ended);
        }

        writer.WriteString("duration", FormatTime(Duration));
        writer.WriteNumber("runs", Runs);
        WriteTokens(writer, "tokens", Tokens);
        writer.WriteNumber("llmCallCount", LlmCallCount);
        writer.WriteNumber("retryCount", RetryCount);
        writer.WriteNumber("failedCallCount", FailedCallCount);
        writer.WriteNumber("toolCallCount", ToolCallCount);
        writer.WriteNumber("failedToolCallCount", FailedToolCallCount);
        writer.WriteString("toolTime", FormatTime(ToolTime));
        writer.WriteNumber("inputRequestCount", InputRequestCount);
        writer.WriteString("inputWaitTime", FormatTime(InputWaitTime));

        writer.WriteStartArray("tasks");
        foreach (var task in Tasks)
        {
            writer.WriteStartObject();
            writer.WriteString("taskName", task.TaskName);
            writer.WriteString("agentName", task.AgentName);
            writer.WriteString("duration", FormatTime(task.Duration));
            WriteTokens(writer, "tokens", task.Tokens);
            writer.WriteNumber("llmCalls", task.LlmCalls);
            writer.WriteNumber("retries", task.Retries);
            writer.WriteNumber("toolCalls", task.ToolCalls);
            writer.WriteString("toolTime", FormatTime(task.ToolTime));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("llmCalls");
        foreach (var call in LlmCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("taskName", call.TaskName);
            writer.WriteNumber("attempt", call.Attempt);
            WriteTokens(writer, "tokens", call.Tokens);
            writer.WriteBoolean("failed", call.Failed);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartObject("resources");
        writer.WriteString("cpuTime", FormatTime(Resources.CpuTime));
        writer.WriteNumber("allocatedBytes", Resources.AllocatedBytes);
        writer.WriteNumber("workingSetStart", Resources.WorkingSetStart);
        writer.WriteNumber("workingSetEnd", Resources.WorkingSetEnd);
        writer.WriteNumber("workingSetPeak", Resources.WorkingSetPeak);
        writer.WriteEndObject();

        writer.WriteEndObject();
    }

    /// <summary>Reads metrics written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not metrics JSON.</exception>
    public static AmshaMetrics FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        try
        {
            return ReadFrom(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException($"The text is not valid AmshaMetrics JSON: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads metrics from the JSON object at (or right after) the reader's position, leaving the
    /// reader on its end. Unknown properties are skipped, so newer writers stay readable.
    /// </summary>
    /// <exception cref="FormatException">The value is not metrics JSON.</exception>
    public static AmshaMetrics ReadFrom(ref Utf8JsonReader reader)
    {
        StartObject(ref reader, "AmshaMetrics");
        string executionId = "", crewName = "";
        ExecutionMode mode = default;
        ExecutionStatus status = default;
        DateTimeOffset startedAt = default;
        DateTimeOffset? endedAt = null;
        TimeSpan duration = default;
        int runs = 1, llmCallCount = 0, retryCount = 0, failedCallCount = 0, toolCallCount = 0, failedToolCallCount = 0;
        TimeSpan toolTime = default, inputWaitTime = default;
        var inputRequestCount = 0;
        TokenUsage tokens = default;
        var tasks = new List<TaskMetrics>();
        var calls = new List<LlmCallMetrics>();
        var resources = ResourceUsage.None;

        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "executionId": executionId = String(ref reader, name); break;
                case "crewName": crewName = String(ref reader, name); break;
                case "mode": mode = Enum<ExecutionMode>(ref reader, name); break;
                case "status": status = Enum<ExecutionStatus>(ref reader, name); break;
                case "startedAt": startedAt = Time(ref reader, name); break;
                case "endedAt": endedAt = reader.TokenType == JsonTokenType.Null ? null : Time(ref reader, name); break;
                case "duration": duration = Span(ref reader, name); break;
                case "runs": runs = reader.GetInt32(); break;
                case "tokens": tokens = ReadTokens(ref reader); break;
                case "llmCallCount": llmCallCount = reader.GetInt32(); break;
                case "retryCount": retryCount = reader.GetInt32(); break;
                case "failedCallCount": failedCallCount = reader.GetInt32(); break;
                case "toolCallCount": toolCallCount = reader.GetInt32(); break;
                case "failedToolCallCount": failedToolCallCount = reader.GetInt32(); break;
                case "toolTime": toolTime = Span(ref reader, name); break;
                case "inputRequestCount": inputRequestCount = reader.GetInt32(); break;
                case "inputWaitTime": inputWaitTime = Span(ref reader, name); break;
                case "tasks":
                    Expect(ref reader, JsonTokenType.StartArray, name);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        tasks.Add(ReadTask(ref reader));
                    }

                    break;
                case "llmCalls":
                    Expect(ref reader, JsonTokenType.StartArray, name);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        calls.Add(ReadCall(ref reader));
                    }

                    break;
                case "resources": resources = ReadResources(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new AmshaMetrics
        {
            ExecutionId = executionId,
            CrewName = crewName,
            Mode = mode,
            Status = status,
            StartedAt = startedAt,
            EndedAt = endedAt,
            Duration = duration,
            Runs = runs,
            Tokens = tokens,
            LlmCallCount = llmCallCount,
            RetryCount = retryCount,
            FailedCallCount = failedCallCount,
            ToolCallCount = toolCallCount,
            FailedToolCallCount = failedToolCallCount,
            ToolTime = toolTime,
            InputRequestCount = inputRequestCount,
            InputWaitTime = inputWaitTime,
            Tasks = tasks,
            LlmCalls = calls,
            Resources = resources,
        };
    }

    private static TaskMetrics ReadTask(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "tasks[]");
        string taskName = "", agentName = "";
        TimeSpan duration = default;
        TokenUsage tokens = default;
        int llmCalls = 0, retries = 0, toolCalls = 0;
        TimeSpan toolTime = default;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "taskName": taskName = String(ref reader, name); break;
                case "agentName": agentName = String(ref reader, name); break;
                case "duration": duration = Span(ref reader, name); break;
                case "tokens": tokens = ReadTokens(ref reader); break;
                case "llmCalls": llmCalls = reader.GetInt32(); break;
                case "retries": retries = reader.GetInt32(); break;
                case "toolCalls": toolCalls = reader.GetInt32(); break;
                case "toolTime": toolTime = Span(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new TaskMetrics(taskName, agentName, duration, tokens, llmCalls, retries) { ToolCalls = toolCalls, ToolTime = toolTime };
    }

    private static LlmCallMetrics ReadCall(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "llmCalls[]");
        var taskName = "";
        var attempt = 1;
        TokenUsage tokens = default;
        var failed = false;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "taskName": taskName = String(ref reader, name); break;
                case "attempt": attempt = reader.GetInt32(); break;
                case "tokens": tokens = ReadTokens(ref reader); break;
                case "failed": failed = reader.GetBoolean(); break;
                default: reader.Skip(); break;
            }
        }

        return new LlmCallMetrics(taskName, attempt, tokens, failed);
    }

    private static ResourceUsage ReadResources(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "resources");
        TimeSpan cpu = default;
        long allocated = 0, start = 0, end = 0, peak = 0;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "cpuTime": cpu = Span(ref reader, name); break;
                case "allocatedBytes": allocated = reader.GetInt64(); break;
                case "workingSetStart": start = reader.GetInt64(); break;
                case "workingSetEnd": end = reader.GetInt64(); break;
                case "workingSetPeak": peak = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return new ResourceUsage(cpu, allocated, start, end, peak);
    }

    private static void WriteTokens(Utf8JsonWriter writer, string name, TokenUsage tokens)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("input", tokens.InputTokens);
        writer.WriteNumber("output", tokens.OutputTokens);
        writer.WriteNumber("total", tokens.TotalTokens);
        writer.WriteEndObject();
    }

    private static TokenUsage ReadTokens(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "tokens");
        long input = 0, output = 0, total = 0;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "input": input = reader.GetInt64(); break;
                case "output": output = reader.GetInt64(); break;
                case "total": total = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return new TokenUsage(input, output, total);
    }

    private static void StartObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType == JsonTokenType.None || reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.Read())
            {
                throw new FormatException($"Expected a JSON object for {what}, found the end of the input.");
            }
        }

        Expect(ref reader, JsonTokenType.StartObject, what);
    }

    /// <summary>Moves to the next property's value; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        if (!reader.Read())
        {
            throw new FormatException("The metrics JSON ends in the middle of an object.");
        }

        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }

        name = reader.GetString() ?? "";
        if (!reader.Read())
        {
            throw new FormatException($"The metrics JSON ends after property '{name}'.");
        }

        return true;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new FormatException($"Expected {type} for '{what}' in metrics JSON, found {reader.TokenType}.");
        }
    }

    private static string String(ref Utf8JsonReader reader, string name)
    {
        Expect(ref reader, JsonTokenType.String, name);
        return reader.GetString() ?? "";
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader, string name)
    {
        Expect(ref reader, JsonTokenType.String, name);
        return reader.GetDateTimeOffset();
    }

    private static TimeSpan Span(ref Utf8JsonReader reader, string name) =>
        TimeSpan.TryParseExact(String(ref reader, name), "c", CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"Property '{name}' of metrics JSON is not a time span like 00:00:01.5000000.");

    private static T Enum<T>(ref Utf8JsonReader reader, string name)
        where T : struct, Enum =>
        System.Enum.TryParse<T>(String(ref reader, name), ignoreCase: true, out var value)
            ? value
            : throw new FormatException($"Property '{name}' of metrics JSON has an unknown value.");

    private static string FormatTime(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
