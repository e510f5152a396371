using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Amsha;

/// <summary>
/// The run-time definitions one crew ran with: the agents and tasks that overlay it, or the whole dynamic crew.
/// Background executions store it, so a resume can rebuild exactly that crew after the source has moved on.
/// </summary>
internal sealed record DefinitionSnapshot(string Version, IReadOnlyList<AgentDeclaration> Agents, IReadOnlyList<TaskDeclaration> Tasks, CrewDeclaration? Crew)
{
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            w.WriteStartArray("agents");
            foreach (var agent in Agents)
            {
                w.WriteStartObject();
                w.WriteString("name", agent.Name);
                Optional(w, "role", agent.Role);
                Optional(w, "goal", agent.Goal);
                Optional(w, "backstory", agent.Backstory);
                Optional(w, "llm", agent.Llm);
                Optional(w, "tool_sources", agent.ToolSources);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("tasks");
            foreach (var task in Tasks)
            {
                w.WriteStartObject();
                w.WriteString("name", task.Name);
                Optional(w, "description", task.Description);
                Optional(w, "expected_output", task.ExpectedOutput);
                Optional(w, "agent", task.Agent);
                Optional(w, "context", task.Context);
                Optional(w, "output", task.Output);
                Optional(w, "tool_sources", task.ToolSources);
                if (task.Review is { } review)
                {
                    w.WriteNumber("review", (int)review);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (Crew is { } crew)
            {
                w.WriteStartObject("crew");
                w.WriteString("name", crew.Name);
                w.WriteString("process", crew.Process == CrewProcess.Graph ? "graph" : "sequential");
                w.WriteStartArray("steps");
                foreach (var step in crew.Steps)
                {
                    w.WriteStartObject();
                    w.WriteString("task", step.Task);
                    Optional(w, "agent", step.Agent);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <exception cref="JsonException">The text is not a snapshot.</exception>
    public static DefinitionSnapshot FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var agents = new List<AgentDeclaration>();
        foreach (var a in Array(root, "agents"))
        {
            agents.Add(new AgentDeclaration(Text(a, "name") ?? throw new JsonException("An agent of the snapshot has no name."))
            {
                Role = Text(a, "role"),
                Goal = Text(a, "goal"),
                Backstory = Text(a, "backstory"),
                Llm = Text(a, "llm"),
                ToolSources = Texts(a, "tool_sources"),
            });
        }

        var tasks = new List<TaskDeclaration>();
        foreach (var t in Array(root, "tasks"))
        {
            tasks.Add(new TaskDeclaration(Text(t, "name") ?? throw new JsonException("A task of the snapshot has no name."))
            {
                Description = Text(t, "description"),
                ExpectedOutput = Text(t, "expected_output"),
                Agent = Text(t, "agent"),
                Context = Texts(t, "context"),
                Output = Text(t, "output"),
                ToolSources = Texts(t, "tool_sources"),
                Review = t.TryGetProperty("review", out var review) && review.ValueKind == JsonValueKind.Number && review.TryGetInt32(out var kind) ? (ReviewKind)kind : null,
            });
        }

        CrewDeclaration? crew = null;
        if (root.TryGetProperty("crew", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            var steps = new List<CrewStepDeclaration>();
            foreach (var s in Array(c, "steps"))
            {
                steps.Add(new CrewStepDeclaration(Text(s, "task") ?? throw new JsonException("A step of the snapshot has no task."), Text(s, "agent")));
            }

            crew = new CrewDeclaration(Text(c, "name") ?? throw new JsonException("The snapshot's crew has no name."))
            {
                Process = Text(c, "process") == "graph" ? CrewProcess.Graph : CrewProcess.Sequential,
                Steps = steps,
            };
        }

        return new DefinitionSnapshot(Text(root, "version") ?? "unknown", agents, tasks, crew);
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Optional(Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : System.Array.Empty<JsonElement>();

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string>? Texts(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new List<string>();
        foreach (var value in array.EnumerateArray())
        {
            values.Add(value.GetString() ?? "");
        }

        return values;
    }
}
