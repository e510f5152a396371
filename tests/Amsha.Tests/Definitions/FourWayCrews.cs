using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Amsha;
using CsCheck;

namespace Amsha.Tests.Definitions;

/// <summary>How a text is written in a YAML file; each style yields exactly <see cref="FourWayText.Value"/>.</summary>
internal enum YamlStyle
{
    Plain,
    SingleQuoted,
    DoubleQuoted,

    /// <summary><c>|</c>: lines kept, one trailing newline.</summary>
    Literal,

    /// <summary><c>|-</c>: lines kept, no trailing newline.</summary>
    LiteralStrip,

    /// <summary><c>&gt;</c>: one line folded from several, one trailing newline.</summary>
    Folded,

    /// <summary><c>&gt;-</c>: one line folded from several, no trailing newline.</summary>
    FoldedStrip,
}

/// <summary>
/// A generated text: lines of tokens (words and <c>{Placeholder}</c>s), the YAML style it is written in and how a
/// folded style wraps it. No braces but placeholders, so attribute escaping and YAML literal text agree.
/// </summary>
/// <param name="Padding">Spaces around the text (quoted styles only): 0 none, 1 before, 2 after, 3 both.</param>
internal sealed record FourWayText(string[][] Lines, YamlStyle Style, int WrapEvery, bool Verbatim, int Padding)
{
    public string Value
    {
        get
        {
            var text = string.Join("\n", Lines.Select(l => string.Join(" ", l)));
            text = (Padding & 1) != 0 ? " " + text : text;
            text = (Padding & 2) != 0 ? text + " " : text;
            return Style is YamlStyle.Literal or YamlStyle.Folded ? text + "\n" : text;
        }
    }

    /// <summary>The text with <paramref name="marker"/> as its first word.</summary>
    public FourWayText WithMarker(string marker) =>
        this with { Lines = Lines.Select((l, i) => i == 0 ? new[] { marker }.Concat(l).ToArray() : l).ToArray() };
}

internal sealed record FourWayAgent(int Number, FourWayText Role, FourWayText Goal, FourWayText Backstory);

/// <param name="Number">1-based; tasks are numbered in an order where every context task comes first.</param>
/// <param name="Agent">Index into the crew's agents.</param>
/// <param name="Context">Numbers of the tasks whose outputs it receives, in the order it lists them.</param>
/// <param name="FlowLists">Whether the YAML lists its context as <c>[a, b]</c> rather than a block list.</param>
internal sealed record FourWayTask(int Number, int Agent, FourWayText Description, FourWayText ExpectedOutput, int[] Context, bool FlowLists);

/// <param name="Order">Task numbers in declaration order (any order for Graph crews).</param>
/// <param name="ProcessStyle">0: process omitted (sequential only), 1: lower case, 2: capitalized.</param>
internal sealed record FourWayCrew(int Number, bool Graph, FourWayAgent[] Agents, FourWayTask[] Tasks, int[] Order, int ProcessStyle, bool FlowLists, FourWayInputValues Input)
{
    public string Name => $"FwCrew{Number}";

    public string AgentName(int agentIndex) => $"FwAgent{Number}_{Agents[agentIndex].Number}";

    public string TaskName(int taskNumber) => $"FwTask{Number}_{taskNumber}";

    /// <summary>The agents some task uses (only those are declared: unused definitions are an error at run time).</summary>
    public IEnumerable<int> UsedAgents => Tasks.Select(t => t.Agent).Distinct().Order();

    /// <summary>The marker that starts the description of task <paramref name="taskNumber"/>: it attributes prompts to tasks.</summary>
    public static string Marker(int taskNumber) => $"Step {taskNumber}.";

    public string Summary =>
        $"{Name}: {(Graph ? "Graph" : "Sequential")}, declared [{string.Join(", ", Order.Select(TaskName))}], " +
        string.Join("; ", Tasks.Select(t => $"{TaskName(t.Number)} by {AgentName(t.Agent)} context [{string.Join(", ", t.Context.Select(TaskName))}]"));
}

/// <summary>The input values, as plain strings (the generated input record is constructed from them by reflection).</summary>
internal sealed record FourWayInputValues(string Topic, string Audience, string Tone)
{
    public string Json()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Topic", Topic);
            writer.WriteString("Audience", Audience);
            writer.WriteString("Tone", Tone);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>CsCheck generators of crews, and the four ways to declare one.</summary>
internal static class FourWayCrews
{
    public const string InputType = "FourWayInput";
    public const string AttributeNamespace = "FwAttr";
    public const string YamlNamespace = "FwYaml";

    private static readonly string[] Words =
    {
        "Write", "a", "clear", "note", "about", "for", "the", "review", "summary", "plan", "with", "facts", "and",
        "crew's", "it's", "naïve", "café", "(briefly)", "quickly", "3", "lines", "in", "tone", "Keep", "short", "draft",
        "ideas", "—", "list", "key", "points", "50%", "e.g.", "x+y", "done!", "why?", "A-B", "under_score",
    };

    private static readonly string[] Placeholders = { "{Topic}", "{Audience}", "{Tone}" };

    private static readonly string[] Suffixes = { "", "", "", ".", ",", "'s", "!" };

    // Inputs whose values would break naive rendering: braces that look like placeholders, quotes, newlines, non-ASCII.
    private static readonly string[] Values =
    {
        "Rust", "cloud costs", "C# {Tone} & more", "line one\nline two", "quote \"x\" and \\ slash", "émigré 🚀", "", "  spaced  ",
        "managers", "engineers", "{Audience}", "friendly", "formal", "a: b # c",
    };

    private static readonly Gen<string> Token =
        Gen.Frequency(
            (3, Gen.Int[0, Words.Length - 1].Select(i => Words[i])),
            (1, Gen.Select(Gen.Int[0, Placeholders.Length - 1], Gen.Int[0, Suffixes.Length - 1], Gen.Bool, (p, s, paren) => paren ? "(" + Placeholders[p] + ")" : Placeholders[p] + Suffixes[s])));

    private static readonly Gen<string[]> Line = Token.Array[2, 6];

    /// <summary>A text in some YAML style; a plain scalar never starts with a placeholder (it would read as a mapping).</summary>
    /// <remarks>
    /// Multi-line styles may hold empty lines (never the last: a block scalar's trailing empty lines are chomped);
    /// quoted styles may start or end with a space, which only quotes keep.
    /// </remarks>
    public static readonly Gen<FourWayText> Text =
        from style in Gen.Enum<YamlStyle>()
        from lineCount in style is YamlStyle.DoubleQuoted or YamlStyle.Literal or YamlStyle.LiteralStrip ? Gen.Int[1, 4] : Gen.Const(1)
        from lines in Line.Array[lineCount]
        from empty in Gen.Int[0, 3].Array[lineCount]
        from wrap in Gen.Int[1, 4]
        from verbatim in Gen.Bool
        from padding in style is YamlStyle.SingleQuoted or YamlStyle.DoubleQuoted ? Gen.Int[0, 3] : Gen.Const(0)
        select new FourWayText(
            PlainSafe(style, lines.Select((l, i) => empty[i] == 0 && i < lines.Length - 1 ? Array.Empty<string>() : l).ToArray()),
            style,
            wrap,
            verbatim,
            padding);

    // A plain scalar cannot start with '{' (it would open a flow mapping) nor be empty.
    private static string[][] PlainSafe(YamlStyle style, string[][] lines) =>
        style == YamlStyle.Plain && lines[0][0].StartsWith('{') ? lines.Select((l, i) => i == 0 ? new[] { "Then" }.Concat(l).ToArray() : l).ToArray() : lines;

    public static readonly Gen<FourWayInputValues> Input =
        Gen.Select(Gen.Int[0, Values.Length - 1], Gen.Int[0, Values.Length - 1], Gen.Int[0, Values.Length - 1], (a, b, c) => new FourWayInputValues(Values[a], Values[b], Values[c]));

    private static readonly Gen<FourWayAgent> Agent = Gen.Select(Text, Text, Text, (role, goal, backstory) => new FourWayAgent(0, role, goal, backstory));

    /// <summary>A crew of 2–6 tasks and 1–3 agents; contexts keep it acyclic (and point backwards for Sequential crews).</summary>
    public static readonly Gen<FourWayCrew> Crew =
        from graph in Gen.Bool
        from taskCount in Gen.Int[2, 6]
        from agents in Agent.Array[1, 3]
        from agentOf in Gen.Int[0, agents.Length - 1].Array[taskCount]
        from descriptions in Text.Array[taskCount]
        from expected in Text.Array[taskCount]

        // For task t (numbered in dependency order) each earlier task is context with probability 1/3.
        from picks in Gen.Int[0, 2].Array[taskCount * taskCount]
        from reversed in Gen.Bool.Array[taskCount]
        from flow in Gen.Bool.Array[taskCount + 1]
        from keys in Gen.Int[0, 1000].Array[taskCount]
        from processStyle in Gen.Int[0, 2]
        from input in Input
        select Build(graph, agents, agentOf, descriptions, expected, picks, reversed, flow, keys, processStyle, input);

    private static FourWayCrew Build(bool graph, FourWayAgent[] agents, int[] agentOf, FourWayText[] descriptions, FourWayText[] expected, int[] picks, bool[] reversed, bool[] flow, int[] keys, int processStyle, FourWayInputValues input)
    {
        var count = agentOf.Length;
        var tasks = new FourWayTask[count];
        for (var t = 0; t < count; t++)
        {
            var context = Enumerable.Range(1, t).Where(c => picks[t * count + c - 1] == 0).ToArray();
            if (reversed[t])
            {
                Array.Reverse(context);
            }

            tasks[t] = new FourWayTask(t + 1, agentOf[t], descriptions[t].WithMarker(FourWayCrew.Marker(t + 1)), expected[t], context, flow[t]);
        }

        // Graph crews declare their tasks in any order; the planner finds the dependency order.
        var order = Enumerable.Range(1, count).ToArray();
        if (graph)
        {
            order = order.OrderBy(n => keys[n - 1]).ThenBy(n => n).ToArray();
        }

        return new FourWayCrew(0, graph, agents.Select((a, i) => a with { Number = i + 1 }).ToArray(), tasks, order, graph ? Math.Max(processStyle, 1) : processStyle, flow[count], input);
    }

    // ---- Way 1: attributes.

    public static string AttributeSource(IEnumerable<FourWayCrew> crews)
    {
        var source = new StringBuilder();
        source.Append("using Amsha;\n\nnamespace ").Append(AttributeNamespace).Append(";\n\n");
        source.Append("public sealed record ").Append(InputType).Append("(string Topic, string Audience, string Tone);\n\n");
        foreach (var crew in crews)
        {
            source.Append(AttributeSource(crew));
        }

        return source.ToString();
    }

    public static string AttributeSource(FourWayCrew crew)
    {
        var source = new StringBuilder();
        foreach (var a in crew.UsedAgents)
        {
            var agent = crew.Agents[a];
            source.Append($"[Agent(Role = {CSharp(agent.Role)}, Goal = {CSharp(agent.Goal)}, Backstory = {CSharp(agent.Backstory)})]\n");
            source.Append($"public partial class {crew.AgentName(a)};\n\n");
        }

        foreach (var task in crew.Tasks)
        {
            var context = task.Context.Length == 0 ? "" : $", Context = [{string.Join(", ", task.Context.Select(c => $"typeof({crew.TaskName(c)})"))}]";
            source.Append($"[CrewTask(Agent = typeof({crew.AgentName(task.Agent)}), Description = {CSharp(task.Description)}, ExpectedOutput = {CSharp(task.ExpectedOutput)}{context})]\n");
            source.Append($"public partial class {crew.TaskName(task.Number)};\n\n");
        }

        var process = crew.Graph ? ", Process = CrewProcess.Graph" : crew.ProcessStyle > 0 ? ", Process = CrewProcess.Sequential" : "";
        source.Append($"[Crew<{InputType}>(Tasks = [{string.Join(", ", crew.Order.Select(n => $"typeof({crew.TaskName(n)})"))}]{process})]\n");
        source.Append($"public partial class {crew.Name};\n\n");
        return source.ToString();
    }

    // Regular literals escape newlines; verbatim ones hold them as they are.
    private static string CSharp(FourWayText text)
    {
        var value = text.Value;
        if (text.Verbatim)
        {
            return "@\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }

        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
    }

    // ---- Ways 2 and 3: one YAML file per crew in the sectioned layout.

    public static string YamlPath(FourWayCrew crew) => $"crews/{crew.Name}.yaml";

    public static string Yaml(FourWayCrew crew)
    {
        var yaml = new StringBuilder();
        yaml.Append("# ").Append(crew.Summary).Append('\n');
        yaml.Append("agents:\n");
        foreach (var a in crew.UsedAgents)
        {
            var agent = crew.Agents[a];
            yaml.Append("  ").Append(crew.AgentName(a)).Append(":\n");
            Scalar(yaml, "role", agent.Role);
            Scalar(yaml, "goal", agent.Goal);
            Scalar(yaml, "backstory", agent.Backstory);
        }

        yaml.Append("tasks:\n");
        foreach (var task in crew.Tasks)
        {
            yaml.Append("  ").Append(crew.TaskName(task.Number)).Append(":\n");
            Scalar(yaml, "description", task.Description);
            Scalar(yaml, "expected_output", task.ExpectedOutput);
            yaml.Append("    agent: ").Append(crew.AgentName(task.Agent)).Append('\n');
            if (task.Context.Length > 0)
            {
                List(yaml, "    ", "context", task.Context.Select(crew.TaskName), task.FlowLists);
            }
        }

        yaml.Append("crews:\n  ").Append(crew.Name).Append(":\n");
        List(yaml, "    ", "tasks", crew.Order.Select(crew.TaskName), crew.FlowLists);
        if (crew.ProcessStyle > 0)
        {
            var process = crew.Graph ? "graph" : "sequential";
            yaml.Append("    process: ").Append(crew.ProcessStyle == 2 ? char.ToUpperInvariant(process[0]) + process[1..] : process).Append('\n');
        }

        yaml.Append("    input: ").Append(InputType).Append('\n');
        return yaml.ToString();
    }

    private static void List(StringBuilder yaml, string indent, string key, IEnumerable<string> items, bool flow)
    {
        if (flow)
        {
            yaml.Append(indent).Append(key).Append(": [").Append(string.Join(", ", items)).Append("]\n");
            return;
        }

        yaml.Append(indent).Append(key).Append(":\n");
        foreach (var item in items)
        {
            yaml.Append(indent).Append("  - ").Append(item).Append('\n');
        }
    }

    private static void Scalar(StringBuilder yaml, string key, FourWayText text)
    {
        const string Indent = "    ";
        const string Content = "      ";
        yaml.Append(Indent).Append(key).Append(':');
        switch (text.Style)
        {
            case YamlStyle.Plain:
                yaml.Append(' ').Append(text.Value).Append('\n');
                break;
            case YamlStyle.SingleQuoted:
                yaml.Append(" '").Append(text.Value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
                break;
            case YamlStyle.DoubleQuoted:
                yaml.Append(" \"").Append(text.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append("\"\n");
                break;
            case YamlStyle.Literal or YamlStyle.LiteralStrip:
                yaml.Append(text.Style == YamlStyle.Literal ? " |\n" : " |-\n");
                foreach (var line in text.Lines)
                {
                    yaml.Append(line.Length == 0 ? "" : Content).Append(string.Join(" ", line)).Append('\n');
                }

                break;
            case YamlStyle.Folded or YamlStyle.FoldedStrip:
                // One line of text written over several: folding joins them with single spaces.
                yaml.Append(text.Style == YamlStyle.Folded ? " >\n" : " >-\n");
                foreach (var chunk in text.Lines[0].Chunk(text.WrapEvery))
                {
                    yaml.Append(Content).Append(string.Join(" ", chunk)).Append('\n');
                }

                break;
        }
    }

    // ---- Way 4: declarations, as a database holds them.

    public static IEnumerable<AgentDeclaration> AgentDeclarations(FourWayCrew crew) =>
        crew.UsedAgents.Select(a => new AgentDeclaration(crew.AgentName(a)) { Role = crew.Agents[a].Role.Value, Goal = crew.Agents[a].Goal.Value, Backstory = crew.Agents[a].Backstory.Value });

    public static IEnumerable<TaskDeclaration> TaskDeclarations(FourWayCrew crew) =>
        crew.Tasks.Select(t => new TaskDeclaration(crew.TaskName(t.Number))
        {
            Description = t.Description.Value,
            ExpectedOutput = t.ExpectedOutput.Value,
            Agent = crew.AgentName(t.Agent),
            Context = t.Context.Length == 0 ? null : t.Context.Select(crew.TaskName).ToArray(),
        });

    public static CrewDeclaration CrewDeclaration(FourWayCrew crew) => new(crew.Name)
    {
        Steps = crew.Order.Select(n => new CrewStepDeclaration(crew.TaskName(n))).ToArray(),
        Process = crew.Graph ? CrewProcess.Graph : CrewProcess.Sequential,
    };

    /// <summary>Everything one crew is, in every form: what a failure message shows.</summary>
    public static string Describe(FourWayCrew crew) =>
        $"{crew.Summary}\ninput: {crew.Input.Json()}\n--- attributes ---\n{AttributeSource(crew)}--- {YamlPath(crew)} ---\n{Yaml(crew)}";
}
