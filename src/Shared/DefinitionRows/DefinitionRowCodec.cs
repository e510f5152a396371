using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Amsha.DefinitionRows;

/// <summary>
/// Reads and writes the rows of a definitions table (SQLite and PostgreSQL sources): the JSON bodies, written with
/// Utf8JsonWriter and read with JsonDocument (no reflection, trim- and AOT-safe), the names' rules, the size limit and
/// the version of a loaded set. Errors name the table, row and field. Database-agnostic: linked into each package.
/// </summary>
internal sealed class DefinitionRowCodec
{
    public const string KindAgent = "agent";
    public const string KindTask = "task";
    public const string KindCrew = "crew";

    /// <summary>The longest name of an agent, task, crew, use case or tool source.</summary>
    public const int MaxNameLength = 256;

    private readonly string _table;
    private readonly int _maxBodyCharacters;
    private readonly string _limitName;

    /// <param name="table">The table, as origins name it.</param>
    /// <param name="maxBodyCharacters">The largest body, in characters.</param>
    /// <param name="limitName">The option that sets the limit, as messages name it (e.g. <c>SqliteDefinitionSourceOptions.MaxBodyCharacters</c>).</param>
    public DefinitionRowCodec(string table, int maxBodyCharacters, string limitName)
    {
        _table = table;
        _maxBodyCharacters = maxBodyCharacters;
        _limitName = limitName;
    }

    /// <summary>
    /// Reads one row in force into <paramref name="rows"/>: checks its name and size, then parses its body by kind.
    /// </summary>
    /// <param name="id">The row id.</param>
    /// <param name="kind">The kind column.</param>
    /// <param name="name">The name column.</param>
    /// <param name="body">The body, or null when the database left it out for being over the limit.</param>
    /// <param name="length">The body's length in characters, as the database counts them.</param>
    /// <param name="rows">The rows read so far.</param>
    public void ReadRow(long id, string kind, string name, string? body, long length, LoadedRows rows)
    {
        rows.Ids.Add(id);
        if (NameProblem(name) is { } nameProblem)
        {
            throw new DefinitionException($"The name is invalid: {nameProblem}.", DefinitionOrigin.InTable(_table, id, "name"));
        }

        if (body is null)
        {
            throw new DefinitionException(
                string.Create(CultureInfo.InvariantCulture, $"The body of {kind} '{name}' has {length} characters, more than the limit of {_maxBodyCharacters} ({_limitName})."),
                DefinitionOrigin.InTable(_table, id, "body"));
        }

        switch (kind)
        {
            case KindAgent:
                rows.Agents.Add(ReadAgent(id, name, body));
                break;
            case KindTask:
                rows.Tasks.Add(ReadTask(id, name, body));
                break;
            case KindCrew:
                rows.Crews.Add(ReadCrew(id, name, body));
                break;
            default:
                throw new DefinitionException($"The kind '{kind}' is not agent, task or crew.", DefinitionOrigin.InTable(_table, id, "kind"));
        }
    }

    /// <summary><paramref name="agent"/>'s body, after checking its names and size.</summary>
    public string EncodeAgent(AgentDeclaration agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ThrowIfInvalidName(agent.Name, nameof(agent), "agent name");
        return CheckSize(KindAgent, agent.Name, WriteAgent(agent), nameof(agent));
    }

    /// <summary><paramref name="task"/>'s body, after checking its names and size.</summary>
    public string EncodeTask(TaskDeclaration task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ThrowIfInvalidName(task.Name, nameof(task), "task name");
        return CheckSize(KindTask, task.Name, WriteTask(task), nameof(task));
    }

    /// <summary><paramref name="crew"/>'s body, after checking its steps, names and size.</summary>
    public string EncodeCrew(CrewDeclaration crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ThrowIfInvalidName(crew.Name, nameof(crew), "crew name");
        return CheckSize(KindCrew, crew.Name, WriteCrew(crew), nameof(crew));
    }

    /// <summary>A set's version: <c>&lt;highest row id&gt;-&lt;hash of the ids of the rows in force&gt;</c>.</summary>
    public static string SetVersion(List<long> ids)
    {
        ids.Sort();
        var bytes = new byte[ids.Count * sizeof(long)];
        for (var i = 0; i < ids.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), ids[i]);
        }

        var hash = Convert.ToHexString(SHA256.HashData(bytes), 0, 6).ToLowerInvariant();
        var highest = ids.Count == 0 ? 0 : ids[^1];
        return string.Create(CultureInfo.InvariantCulture, $"{highest}-{hash}");
    }

    private string CheckSize(string kind, string name, string body, string parameterName)
    {
        if (body.Length > _maxBodyCharacters)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The {kind} '{name}' is {body.Length} characters as JSON, more than the limit of {_maxBodyCharacters} ({_limitName})."),
                parameterName);
        }

        return body;
    }

    private static readonly string[] s_agentKeys = { "role", "goal", "backstory", "llm", "tool_sources" };
    private static readonly string[] s_taskKeys = { "description", "expected_output", "agent", "context", "output", "tool_sources", "review" };
    private static readonly string[] s_crewKeys = { "tasks", "steps", "process" };
    private static readonly string[] s_stepKeys = { "task", "agent" };

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Bodies are read by people in database tools: keep non-ASCII text as it is. They are never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 16 };

    private AgentDeclaration ReadAgent(long id, string name, string body)
    {
        var fields = new Dictionary<string, DefinitionOrigin>(StringComparer.Ordinal);
        var agent = new AgentDeclaration(name) { Origin = DefinitionOrigin.InTable(_table, id) };
        using var document = Parse(id, body);
        foreach (var property in Properties(id, document.RootElement, KindAgent, s_agentKeys))
        {
            agent = property.Name switch
            {
                "role" => agent with { Role = Text(id, property) },
                "goal" => agent with { Goal = Text(id, property) },
                "backstory" => agent with { Backstory = Text(id, property) },
                "llm" => agent with { Llm = NameValue(id, property) },
                _ => agent with { ToolSources = Names(id, property, allowOne: false) },
            };
            AddField(fields, id, property);
        }

        return agent with { FieldOrigins = fields };
    }

    private TaskDeclaration ReadTask(long id, string name, string body)
    {
        var fields = new Dictionary<string, DefinitionOrigin>(StringComparer.Ordinal);
        var task = new TaskDeclaration(name) { Origin = DefinitionOrigin.InTable(_table, id) };
        using var document = Parse(id, body);
        foreach (var property in Properties(id, document.RootElement, KindTask, s_taskKeys))
        {
            task = property.Name switch
            {
                "description" => task with { Description = Text(id, property) },
                "expected_output" => task with { ExpectedOutput = Text(id, property) },
                "agent" => task with { Agent = NameValue(id, property) },
                "context" => task with { Context = Names(id, property, allowOne: true) },
                "output" => task with { Output = Text(id, property) },
                "review" => task with { Review = Review(id, property) },
                _ => task with { ToolSources = Names(id, property, allowOne: false) },
            };
            AddField(fields, id, property);
        }

        return task with { FieldOrigins = fields };
    }

    private CrewDeclaration ReadCrew(long id, string name, string body)
    {
        var fields = new Dictionary<string, DefinitionOrigin>(StringComparer.Ordinal);
        var crew = new CrewDeclaration(name) { Origin = DefinitionOrigin.InTable(_table, id) };
        using var document = Parse(id, body);
        string? stepsKey = null;
        foreach (var property in Properties(id, document.RootElement, KindCrew, s_crewKeys))
        {
            switch (property.Name)
            {
                case "tasks":
                case "steps":
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    if (stepsKey is not null)
                    {
                        throw Invalid(id, property.Name, $"The crew '{name}' has both 'tasks' and 'steps'; give one of them.");
                    }

                    stepsKey = property.Name;
                    crew = crew with { Steps = property.Name == "tasks" ? TaskSteps(id, property) : Steps(id, property) };
                    break;
                default:
                    crew = crew with { Process = Process(id, property) };
                    break;
            }

            AddField(fields, id, property);
        }

        if (crew.Steps.Count == 0)
        {
            throw Invalid(id, stepsKey ?? "tasks", $"The crew '{name}' has no tasks: give 'tasks' (an array of task names) or 'steps' (an array of {{ \"task\": …, \"agent\": … }}).");
        }

        return crew with { FieldOrigins = fields };
    }

    private JsonDocument Parse(long id, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_documentOptions);
        }
        catch (JsonException error)
        {
            throw new DefinitionException($"The body is not valid JSON: {error.Message}", DefinitionOrigin.InTable(_table, id, "body"), error);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = Describe(document.RootElement);
            document.Dispose();
            throw new DefinitionException($"The body is {kind}; it must be a JSON object.", DefinitionOrigin.InTable(_table, id, "body"));
        }

        return document;
    }

    /// <summary>The body's properties, after checking that each is known and appears once.</summary>
    private List<JsonProperty> Properties(long id, JsonElement body, string kind, string[] keys)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var properties = new List<JsonProperty>();
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(keys, property.Name) < 0)
            {
                throw Invalid(id, property.Name, $"'{property.Name}' is not a key of {Article(kind)} {kind}. The keys are {string.Join(", ", keys)}.");
            }

            if (!seen.Add(property.Name))
            {
                throw Invalid(id, property.Name, $"'{property.Name}' appears twice in the body.");
            }

            properties.Add(property);
        }

        return properties;
    }

    private void AddField(Dictionary<string, DefinitionOrigin> fields, long id, JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Null)
        {
            fields[property.Name] = DefinitionOrigin.InTable(_table, id, property.Name);
        }
    }

    private string? Text(long id, JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Invalid(id, property.Name, $"'{property.Name}' must be text, but the body has {Describe(property.Value)}."),
    };

    private string? NameValue(long id, JsonProperty property)
    {
        var value = Text(id, property);
        if (value is not null && NameProblem(value) is { } problem)
        {
            throw Invalid(id, property.Name, $"'{property.Name}' is not a valid name: {problem}.");
        }

        return value;
    }

    private string[]? Names(long id, JsonProperty property, bool allowOne)
    {
        var value = property.Value;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (allowOne && value.ValueKind == JsonValueKind.String)
        {
            return new[] { CheckedName(id, property.Name, value, -1) };
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(id, property.Name, $"'{property.Name}' must be an array of names{(allowOne ? " or one name" : "")}, but the body has {Describe(value)}.");
        }

        var names = new string[value.GetArrayLength()];
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            names[index] = CheckedName(id, property.Name, item, index);
            index++;
        }

        return names;
    }

    private string CheckedName(long id, string field, JsonElement item, int index)
    {
        var where = index < 0 ? $"'{field}'" : string.Create(CultureInfo.InvariantCulture, $"'{field}' item {index}");
        if (item.ValueKind != JsonValueKind.String)
        {
            throw Invalid(id, field, $"{where} must be a name (text), but the body has {Describe(item)}.");
        }

        var name = item.GetString()!;
        if (NameProblem(name) is { } problem)
        {
            throw Invalid(id, field, $"{where} is not a valid name: {problem}.");
        }

        return name;
    }

    private CrewStepDeclaration[] TaskSteps(long id, JsonProperty property)
    {
        var names = Names(id, property, allowOne: false)!;
        return Array.ConvertAll(names, task => new CrewStepDeclaration(task));
    }

    private CrewStepDeclaration[] Steps(long id, JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(id, "steps", $"'steps' must be an array of {{ \"task\": …, \"agent\": … }}, but the body has {Describe(property.Value)}.");
        }

        var steps = new List<CrewStepDeclaration>();
        foreach (var step in property.Value.EnumerateArray())
        {
            var index = steps.Count;
            if (step.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(id, "steps", string.Create(CultureInfo.InvariantCulture, $"'steps' item {index} must be an object {{ \"task\": …, \"agent\": … }}, but the body has {Describe(step)}."));
            }

            string? task = null;
            string? agent = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in step.EnumerateObject())
            {
                var field = string.Create(CultureInfo.InvariantCulture, $"steps[{index}].{key.Name}");
                if (Array.IndexOf(s_stepKeys, key.Name) < 0)
                {
                    throw Invalid(id, field, $"'{key.Name}' is not a key of a crew step. The keys are {string.Join(", ", s_stepKeys)}.");
                }

                if (!seen.Add(key.Name))
                {
                    throw Invalid(id, field, $"'{key.Name}' appears twice in the step.");
                }

                if (key.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                var value = CheckedName(id, field, key.Value, -1);
                if (key.Name == "task")
                {
                    task = value;
                }
                else
                {
                    agent = value;
                }
            }

            if (task is null)
            {
                throw Invalid(id, string.Create(CultureInfo.InvariantCulture, $"steps[{index}].task"), "The step names no task.");
            }

            steps.Add(new CrewStepDeclaration(task, agent));
        }

        return steps.ToArray();
    }

    private CrewProcess Process(long id, JsonProperty property)
    {
        var value = Text(id, property);
        if (value is null || string.Equals(value, "sequential", StringComparison.OrdinalIgnoreCase))
        {
            return CrewProcess.Sequential;
        }

        if (string.Equals(value, "graph", StringComparison.OrdinalIgnoreCase))
        {
            return CrewProcess.Graph;
        }

        throw Invalid(id, "process", $"'process' is '{value}'; it must be 'sequential' or 'graph'.");
    }

    /// <summary><c>review</c>: <c>"none"</c>, <c>"approve"</c>, <c>"edit"</c>, <c>"approve, edit"</c>, or an array of these words (as in definition files).</summary>
    private ReviewKind? Review(long id, JsonProperty property)
    {
        var value = property.Value;
        var words = new List<string>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                words.AddRange(value.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid(id, "review", $"'review' lists what the reviewer may do as text, but the body has {Describe(item)}. {ReviewValues}");
                    }

                    words.Add(item.GetString()!.Trim());
                }

                break;
            default:
                throw Invalid(id, "review", $"'review' must be text or an array, but the body has {Describe(value)}. {ReviewValues}");
        }

        var review = ReviewKind.None;
        var none = false;
        foreach (var word in words)
        {
            switch (word.ToLowerInvariant())
            {
                case "none":
                    none = true;
                    break;
                case "approve":
                    review |= ReviewKind.Approve;
                    break;
                case "edit":
                    review |= ReviewKind.Edit;
                    break;
                default:
                    throw Invalid(id, "review", $"'review' holds '{word}'. {ReviewValues}");
            }
        }

        if (words.Count == 0 || (none && review != ReviewKind.None))
        {
            throw Invalid(id, "review", $"'review' is '{value.GetRawText()}'. {ReviewValues}");
        }

        return review;
    }

    private const string ReviewValues = "Write \"none\", \"approve\" (a person approves or rejects the output), \"edit\" (they may also replace it) or \"approve, edit\".";

    private DefinitionException Invalid(long id, string field, string message) => new(message, DefinitionOrigin.InTable(_table, id, field));

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => "a number (" + value.GetRawText() + ")",
        JsonValueKind.True or JsonValueKind.False => "a boolean (" + value.GetRawText() + ")",
        JsonValueKind.String => "text",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Article(string kind) => kind == KindAgent ? "an" : "a";

    /// <summary>Why <paramref name="name"/> is not a valid name, or null when it is.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it has {name.Length} characters, more than {MaxNameLength}");
        }

        if (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
        {
            return "it starts or ends with white space";
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return "it holds a control character";
            }
        }

        return null;
    }

    private static void ThrowIfInvalidName(string? name, string parameterName, string what)
    {
        if (name is null)
        {
            throw new ArgumentNullException(parameterName, $"The {what} is null.");
        }

        if (NameProblem(name) is { } problem)
        {
            throw new ArgumentException($"The {what} '{name}' is not valid: {problem}.", parameterName);
        }
    }

    private static string WriteAgent(AgentDeclaration agent) => Write(writer =>
    {
        WriteText(writer, "role", agent.Role);
        WriteText(writer, "goal", agent.Goal);
        WriteText(writer, "backstory", agent.Backstory);
        WriteName(writer, "llm", agent.Llm, nameof(agent));
        WriteNames(writer, "tool_sources", agent.ToolSources, nameof(agent));
    });

    private static string WriteTask(TaskDeclaration task) => Write(writer =>
    {
        WriteText(writer, "description", task.Description);
        WriteText(writer, "expected_output", task.ExpectedOutput);
        WriteName(writer, "agent", task.Agent, nameof(task));
        WriteNames(writer, "context", task.Context, nameof(task));
        WriteText(writer, "output", task.Output);
        WriteNames(writer, "tool_sources", task.ToolSources, nameof(task));
        if (task.Review is { } review)
        {
            writer.WriteString("review", review switch
            {
                ReviewKind.None => "none",
                ReviewKind.Approve => "approve",
                ReviewKind.Edit => "edit",
                ReviewKind.Approve | ReviewKind.Edit => "approve, edit",
                _ => throw new ArgumentException($"The task '{task.Name}' has the undefined review {(int)review}.", nameof(task)),
            });
        }
    });

    private static string WriteCrew(CrewDeclaration crew)
    {
        if (crew.Steps is not { Count: > 0 })
        {
            throw new ArgumentException($"The crew '{crew.Name}' has no steps.", nameof(crew));
        }

        if (!Enum.IsDefined(crew.Process))
        {
            throw new ArgumentException($"The crew '{crew.Name}' has the undefined process {(int)crew.Process}.", nameof(crew));
        }

        return Write(writer =>
        {
            var withAgents = false;
            foreach (var step in crew.Steps)
            {
                ArgumentNullException.ThrowIfNull(step, nameof(crew) + ".Steps");
                ThrowIfInvalidName(step.Task, nameof(crew), "task name of a step");
                if (step.Agent is not null)
                {
                    ThrowIfInvalidName(step.Agent, nameof(crew), "agent name of a step");
                    withAgents = true;
                }
            }

            writer.WriteStartArray(withAgents ? "steps" : "tasks");
            foreach (var step in crew.Steps)
            {
                if (!withAgents)
                {
                    writer.WriteStringValue(step.Task);
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("task", step.Task);
                if (step.Agent is not null)
                {
                    writer.WriteString("agent", step.Agent);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("process", crew.Process == CrewProcess.Graph ? "graph" : "sequential");
        });
    }

    private static string Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteText(Utf8JsonWriter writer, string key, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(key, value);
        }
    }

    private static void WriteName(Utf8JsonWriter writer, string key, string? value, string parameterName)
    {
        if (value is not null)
        {
            ThrowIfInvalidName(value, parameterName, $"'{key}' value");
            writer.WriteString(key, value);
        }
    }

    private static void WriteNames(Utf8JsonWriter writer, string key, IReadOnlyList<string>? values, string parameterName)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(key);
        foreach (var value in values)
        {
            ThrowIfInvalidName(value, parameterName, $"name in '{key}'");
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}

/// <summary>The rows in force read by one load, as declarations, and their ids.</summary>
internal sealed class LoadedRows
{
    public List<AgentDeclaration> Agents { get; } = new();

    public List<TaskDeclaration> Tasks { get; } = new();

    public List<CrewDeclaration> Crews { get; } = new();

    public List<long> Ids { get; } = new();

    /// <summary>The set, versioned by the ids of its rows.</summary>
    public DefinitionSet ToSet() => new(DefinitionRowCodec.SetVersion(Ids), Agents, Tasks, Crews);
}
