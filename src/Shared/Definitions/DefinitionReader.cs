// Shared source: compiled into the generator (netstandard2.0) and the runtime (net8.0), so compile-time YAML and
// run-time definition files are read by exactly the same code.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Amsha.Definitions;

/// <summary>
/// Reads one definition file (YAML, or JSON, which YAML parses) into a <see cref="DefinitionDocument"/>. Three
/// layouts are recognized: sectioned (<c>agents:</c>/<c>tasks:</c>/<c>crews:</c> maps), CrewAI's
/// (<c>agents.yaml</c>/<c>tasks.yaml</c> keyed by id) and Python Amsha's (one <c>agent:</c> or <c>task:</c> per
/// file, and job configurations with <c>crew:</c>/<c>crews:</c>).
/// </summary>
/// <remarks>
/// Definition text is data: values are only ever read as text through YamlDotNet's parser events, so tags such as
/// <c>!!python/object</c> are ignored and nothing in a file can create objects or load types. The reader gets the
/// text, never opens files (analyzers may not do file IO), and reports everything wrong as
/// <see cref="DefinitionProblem"/>s: it throws nothing but <see cref="OperationCanceledException"/>.
/// </remarks>
internal static class DefinitionReader
{
    /// <summary>The largest file read, in characters; a larger one is a <see cref="DefinitionProblemKind.Syntax"/> problem.</summary>
    public const int MaxFileCharacters = 1_000_000;

    /// <summary>The most nodes visited while reading one file (aliases repeat nodes: this stops "alias bombs").</summary>
    public const int MaxNodes = 100_000;

    /// <summary>The deepest nesting of lists and maps; definitions need a handful of levels.</summary>
    /// <remarks>Also a guard for the parser, whose cost grows with the square of the nesting depth.</remarks>
    public const int MaxDepth = 64;

    /// <summary>The most problems reported for one file.</summary>
    public const int MaxProblems = 1_000;

    /// <summary>How many <c>&lt;&lt;</c> merges may nest inside one another.</summary>
    private const int MaxMergeDepth = 16;

    /// <summary>Reads one definition file.</summary>
    /// <param name="path">The file's path; used in problems, and its name classifies CrewAI files and names one-entry files.</param>
    /// <param name="text">The file's text.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <returns>What the file declares and every problem found; never null.</returns>
    public static DefinitionDocument Read(string path, string text, CancellationToken cancellationToken = default) =>
        new Reading(path ?? string.Empty, text ?? string.Empty, cancellationToken).Run();

    /// <summary>What a file's name says its entries are: CrewAI's <c>agents.yaml</c>, <c>tasks.yaml</c>, <c>crews.yaml</c>.</summary>
    private enum EntryKind
    {
        None,
        Agent,
        Task,
        Crew,
    }

    /// <summary>One reading: the state shared by the parsing and interpreting steps of one file.</summary>
    private sealed class Reading
    {
        private static readonly string[] AgentKeys = { "role", "goal", "backstory", "llm", "tool_sources" };
        private static readonly string[] TaskKeys = { "description", "expected_output", "agent", "context", "output", "tool_sources", "review", "human_input" };
        private static readonly string[] CrewKeys = { "tasks", "steps", "process", "input" };
        private static readonly string[] StepKeys = { "task", "agent", "task_file", "agent_file" };
        private static readonly string[] RootKeys = { "agents", "tasks", "crews", "agent", "task", "crew" };

        /// <summary>What <c>review</c> accepts, for its messages.</summary>
        private const string ReviewValues = "write none, approve (a person approves or rejects the output), edit (they may also replace it) or approve, edit";

        /// <summary>Keys of CrewAI and Python Amsha that a C# crew cannot honour, and why.</summary>
        private static readonly Dictionary<string, string> IgnoredKeyReasons = CreateIgnoredKeyReasons();

        private readonly string path;
        private readonly string text;
        private readonly CancellationToken cancellationToken;
        private readonly List<DefinitionProblem> problems = new();
        private readonly HashSet<DefinitionProblem> reported = new();
        private readonly List<AgentEntry> agents = new();
        private readonly List<TaskEntry> tasks = new();
        private readonly List<CrewEntry> crews = new();

        // The text without a leading byte-order mark; offsets reported to callers add it back.
        private string source = string.Empty;
        private int offsetShift;
        private int[]? lineStarts;
        private int visits;

        public Reading(string path, string text, CancellationToken cancellationToken)
        {
            this.path = path;
            this.text = text;
            this.cancellationToken = cancellationToken;
        }

        public DefinitionDocument Run()
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (text.Length > MaxFileCharacters)
            {
                source = string.Empty;
                Report(
                    DefinitionProblemKind.Syntax,
                    Range(0, 0),
                    string.Format(CultureInfo.InvariantCulture, "The file has {0:N0} characters; a definition file may have at most {1:N0}, so it is not read.", text.Length, MaxFileCharacters));
                return Document();
            }

            var hasBom = text.Length > 0 && text[0] == '\uFEFF';
            source = hasBom ? text.Substring(1) : text;
            offsetShift = hasBom ? 1 : 0;
            try
            {
                var root = Parse();
                if (root is not null)
                {
                    ReadRoot(root);
                }
            }
            catch (TooManyNodesException)
            {
                // Partial entries and their problems would be misleading: the file is not read at all.
                agents.Clear();
                tasks.Clear();
                crews.Clear();
                problems.Clear();
                reported.Clear();
                Report(
                    DefinitionProblemKind.Syntax,
                    Range(0, 0),
                    string.Format(CultureInfo.InvariantCulture, "The file has more than {0:N0} values, counting each value an alias repeats, so it is not read. Split it into smaller files, or write values out instead of repeating large anchors.", MaxNodes));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A parser bug must not take down a build or a host: it is reported like any malformed file.
                agents.Clear();
                tasks.Clear();
                crews.Clear();
                Report(DefinitionProblemKind.Syntax, Range(0, 0), "The file could not be read as YAML: " + exception.Message);
            }

            return Document();
        }

        /// <summary>A parser mark's offset (a long there; files are far smaller).</summary>
        private static int Offset(Mark mark) => (int)Math.Min(Math.Max(mark.Index, 0L), int.MaxValue);

        private DefinitionDocument Document() => new(path, agents.ToArray(), tasks.ToArray(), crews.ToArray(), problems.ToArray());

        // ---------------------------------------------------------------------------------------------------------
        // Parsing: parser events → a small tree of scalars, lists and maps (aliases resolved to shared nodes).
        // ---------------------------------------------------------------------------------------------------------

        private Node? Parse()
        {
            var parser = new Parser(new StringReader(source));
            var stack = new List<CollectionNode>();
            var anchors = new Dictionary<string, Node>(StringComparer.Ordinal);
            Node? root = null;
            var documents = 0;
            var events = 0;
            try
            {
                while (parser.MoveNext())
                {
                    if ((++events & 0xFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    switch (parser.Current)
                    {
                        case DocumentStart start when ++documents > 1:
                            Report(
                                DefinitionProblemKind.InvalidValue,
                                Range(Offset(start.Start), Offset(start.End)),
                                "A definition file holds one YAML document; this second document and those after it are not read. Put them in files of their own.");
                            return root;
                        case Scalar scalar:
                            var node = new ScalarNode(Offset(scalar.Start), Offset(scalar.End), scalar.Value, scalar.Style);
                            if (!scalar.Anchor.IsEmpty)
                            {
                                anchors[scalar.Anchor.Value] = node;
                            }

                            Add(node);
                            break;
                        case NodeEvent start and (SequenceStart or MappingStart):
                            if (stack.Count >= MaxDepth)
                            {
                                Report(
                                    DefinitionProblemKind.Syntax,
                                    Range(Offset(start.Start), Offset(start.End)),
                                    string.Format(CultureInfo.InvariantCulture, "Lists and maps are nested more than {0} levels deep here, so the file is not read.", MaxDepth));
                                return null;
                            }

                            CollectionNode collection = start is SequenceStart
                                ? new SequenceNode(Offset(start.Start))
                                : new MappingNode(Offset(start.Start));
                            collection.Anchor = start.Anchor.IsEmpty ? null : start.Anchor.Value;
                            stack.Add(collection);
                            break;
                        case SequenceEnd or MappingEnd:
                            var done = stack[stack.Count - 1];
                            stack.RemoveAt(stack.Count - 1);
                            done.End = Math.Max(done.Start, Offset(parser.Current.End));
                            if (done.Anchor is not null)
                            {
                                // Registered once complete, so an alias can never make a node contain itself.
                                anchors[done.Anchor] = done;
                            }

                            Add(done);
                            break;
                        case AnchorAlias alias:
                            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                            {
                                Report(
                                    DefinitionProblemKind.Syntax,
                                    Range(Offset(alias.Start), Offset(alias.End)),
                                    $"The alias '*{alias.Value.Value}' refers to no anchor '&{alias.Value.Value}' written before it.");
                                return null;
                            }

                            Add(target);
                            break;
                    }
                }
            }
            catch (YamlException exception)
            {
                var start = Offset(exception.Start);
                var end = Math.Max(start, Offset(exception.End));
                Report(DefinitionProblemKind.Syntax, Range(start, end), "The file is not valid YAML: " + exception.Message);
                return null;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The parser fails on some malformed input without a position (an unclosed '[' before a new key):
                // the problem is after the last thing it read.
                var after = parser.Current is { } last ? Offset(last.End) : 0;
                Report(
                    DefinitionProblemKind.Syntax,
                    Range(after, after),
                    "The file is not valid YAML after this point: check the brackets, quotes and indentation that follow.");
                return null;
            }

            return root;

            void Add(Node node)
            {
                if (stack.Count == 0)
                {
                    root ??= node;
                }
                else
                {
                    stack[stack.Count - 1].Add(node);
                }
            }
        }

        // ---------------------------------------------------------------------------------------------------------
        // Layouts: which of the three layouts a file is written in.
        // ---------------------------------------------------------------------------------------------------------

        private void ReadRoot(Node root)
        {
            Visit();
            if (root is ScalarNode { IsNull: true })
            {
                // An empty file (or one with only comments) declares nothing, and that is not a problem.
                return;
            }

            if (root is not MappingNode map)
            {
                Report(
                    DefinitionProblemKind.InvalidValue,
                    ValueRange(root),
                    $"A definition file must be a map (agents:, tasks:, crews:, agent:, task:, crew:, or entries keyed by name), not {Describe(root)}.");
                return;
            }

            var entries = Entries(map, "the file");
            var fileKind = KindFromFileName();
            var hasSections = false;
            var hasSingles = false;
            foreach (var entry in entries)
            {
                var emptyOrMap = entry.Value is MappingNode or ScalarNode { IsNull: true };
                hasSections |= entry.Key is "agents" or "tasks" or "crews" && (emptyOrMap || fileKind == EntryKind.None);
                hasSingles |= entry.Key is "agent" or "task" or "crew" && entry.Value is MappingNode;
            }

            // In CrewAI's agents.yaml an agent may be called "agent"; only sections make such a file sectioned.
            if (hasSections || (hasSingles && fileKind == EntryKind.None))
            {
                ReadSections(entries);
            }
            else
            {
                ReadKeyedEntries(entries, fileKind);
            }
        }

        /// <summary>The sectioned layout and Python Amsha's one-entry files and job configurations.</summary>
        private void ReadSections(List<Entry> entries)
        {
            DefinedText? crewName = null;
            foreach (var entry in entries)
            {
                if (entry.Key == "crew_name" && entry.Value is ScalarNode { IsNull: false })
                {
                    crewName = Text(entry, "the file");
                }
            }

            foreach (var entry in entries)
            {
                switch (entry.Key)
                {
                    case "agents":
                        ReadSection(entry, EntryKind.Agent);
                        break;
                    case "tasks":
                        ReadSection(entry, EntryKind.Task);
                        break;
                    case "crews":
                        ReadSection(entry, EntryKind.Crew);
                        break;
                    case "agent":
                        ReadEntry(EntryKind.Agent, entry, single: true, fallbackName: null);
                        break;
                    case "task":
                        ReadEntry(EntryKind.Task, entry, single: true, fallbackName: null);
                        break;
                    case "crew":
                        ReadEntry(EntryKind.Crew, entry, single: true, fallbackName: crewName);
                        break;
                    case "crew_name" when HasKey(entries, "crew"):
                        // Names the crew of crew: (read above).
                        break;
                    case "crew_name":
                        IgnoreKey(entry, "the file", "crews are named by their keys under crews:");
                        break;
                    case "llm" or "usecase":
                        IgnoreKey(entry, "the file", "LLMs are chosen per agent by use case, with llm: on the agent, and configured in code");
                        break;
                    default:
                        IgnoreKey(entry, "the file", RootKeys);
                        break;
                }
            }
        }

        private void ReadSection(Entry section, EntryKind kind)
        {
            if (section.Value is ScalarNode { IsNull: true })
            {
                return;
            }

            if (section.Value is not MappingNode map)
            {
                Report(
                    DefinitionProblemKind.InvalidValue,
                    ValueRange(section.Value),
                    $"'{section.Key}' must be a map keyed by {KindName(kind)} name, not {Describe(section.Value)}.");
                return;
            }

            foreach (var entry in Entries(map, $"'{section.Key}'"))
            {
                ReadEntry(kind, entry, single: false, fallbackName: null);
            }
        }

        /// <summary>CrewAI's layout: the root's keys are ids, each entry classified by the file's name or its keys.</summary>
        private void ReadKeyedEntries(List<Entry> entries, EntryKind fileKind)
        {
            foreach (var entry in entries)
            {
                var kind = fileKind != EntryKind.None ? fileKind : Classify(entry.Value);
                if (kind != EntryKind.None)
                {
                    ReadEntry(kind, entry, single: false, fallbackName: null);
                }
                else if (entry.Value is not MappingNode && IgnoredKeyReasons.ContainsKey(entry.Key))
                {
                    IgnoreKey(entry, "the file", RootKeys);
                }
                else
                {
                    Report(
                        DefinitionProblemKind.InvalidValue,
                        KeyRange(entry),
                        $"'{entry.Key}' is not an agent, a task or a crew: an agent has role, goal and backstory, a task has description and expected_output, and a crew has tasks or steps. Name the file agents.yaml, tasks.yaml or crews.yaml to say which its entries are.");
                }
            }
        }

        private EntryKind Classify(Node value)
        {
            if (value is not MappingNode map)
            {
                return EntryKind.None;
            }

            var kind = EntryKind.None;
            foreach (var pair in map.Entries)
            {
                // Counted: one huge map aliased many times must not cost its size each time.
                Visit();
                var key = (pair.Key as ScalarNode)?.Value;
                if (key is "role" or "goal" or "backstory")
                {
                    return EntryKind.Agent;
                }

                if (key is "description" or "expected_output")
                {
                    kind = EntryKind.Task;
                }
                else if (key is "tasks" or "steps" && kind == EntryKind.None)
                {
                    kind = EntryKind.Crew;
                }
            }

            return kind;
        }

        private EntryKind KindFromFileName()
        {
            var name = FileName().ToLowerInvariant();
            return name switch
            {
                "agents.yaml" or "agents.yml" => EntryKind.Agent,
                "tasks.yaml" or "tasks.yml" => EntryKind.Task,
                "crews.yaml" or "crews.yml" => EntryKind.Crew,
                _ => EntryKind.None,
            };
        }

        private string FileName()
        {
            var slash = path.LastIndexOfAny(new[] { '/', '\\' });
            return slash < 0 ? path : path.Substring(slash + 1);
        }

        private string FileStem()
        {
            var name = FileName();
            var dot = name.LastIndexOf('.');
            return dot > 0 ? name.Substring(0, dot) : name;
        }

        // ---------------------------------------------------------------------------------------------------------
        // Entries: agents, tasks, crews and steps.
        // ---------------------------------------------------------------------------------------------------------

        /// <summary>Reads one agent, task or crew: a keyed entry, or (<paramref name="single"/>) a one-entry file's.</summary>
        private void ReadEntry(EntryKind kind, Entry entry, bool single, DefinedText? fallbackName)
        {
            var name = entry.Key;
            var nameRange = KeyRange(entry);
            List<Entry> fields;
            if (entry.Value is MappingNode map)
            {
                fields = Entries(map, $"{KindName(kind)} '{name}'");
            }
            else if (entry.Value is ScalarNode { IsNull: true })
            {
                fields = new List<Entry>();
            }
            else
            {
                Report(
                    DefinitionProblemKind.InvalidValue,
                    ValueRange(entry.Value),
                    $"{Capitalized(KindName(kind))} '{name}' must be a map ({KeyList(KnownKeys(kind))}), not {Describe(entry.Value)}.");
                return;
            }

            if (single)
            {
                // One-entry files: the name is name:, else (job configurations) crew_name:, else the file's stem.
                var explicitName = fallbackName;
                foreach (var field in fields)
                {
                    if (field.Key == "name" && Text(field, $"the {KindName(kind)} of the file") is { Value.Length: > 0 } text)
                    {
                        explicitName = text;
                    }
                }

                name = explicitName?.Value ?? FileStem();
                nameRange = explicitName?.Range ?? nameRange;
            }
            else if (name.Length == 0)
            {
                Report(DefinitionProblemKind.InvalidValue, nameRange, $"A {KindName(kind)} needs a name: its key is empty.");
                return;
            }

            var owner = $"{KindName(kind)} '{name}'";
            switch (kind)
            {
                case EntryKind.Agent:
                    agents.Add(ReadAgent(name, nameRange, fields, single, owner));
                    break;
                case EntryKind.Task:
                    tasks.Add(ReadTask(name, nameRange, fields, single, owner));
                    break;
                default:
                    crews.Add(ReadCrew(name, nameRange, fields, single, owner));
                    break;
            }
        }

        private AgentEntry ReadAgent(string name, TextRange nameRange, List<Entry> fields, bool single, string owner)
        {
            DefinedText? role = null, goal = null, backstory = null, llm = null;
            IReadOnlyList<DefinedText> toolSources = Array.Empty<DefinedText>();
            foreach (var field in fields)
            {
                switch (field.Key)
                {
                    case "role":
                        role = Text(field, owner);
                        break;
                    case "goal":
                        goal = Text(field, owner);
                        break;
                    case "backstory":
                        backstory = Text(field, owner);
                        break;
                    case "llm":
                        llm = Text(field, owner);
                        break;
                    case "tool_sources":
                        toolSources = Names(field, owner);
                        break;
                    case "name" when single:
                        break;
                    default:
                        IgnoreKey(field, owner, AgentKeys);
                        break;
                }
            }

            return new AgentEntry(name, nameRange) { Role = role, Goal = goal, Backstory = backstory, Llm = llm, ToolSources = toolSources };
        }

        private TaskEntry ReadTask(string name, TextRange nameRange, List<Entry> fields, bool single, string owner)
        {
            DefinedText? description = null, expectedOutput = null, agent = null, output = null;
            IReadOnlyList<DefinedText> context = Array.Empty<DefinedText>(), toolSources = Array.Empty<DefinedText>();
            DefinedReview? review = null;
            Entry? reviewField = null;
            foreach (var field in fields)
            {
                switch (field.Key)
                {
                    case "description":
                        description = Text(field, owner);
                        break;
                    case "expected_output":
                        expectedOutput = Text(field, owner);
                        break;
                    case "agent":
                        agent = Text(field, owner);
                        break;
                    case "context":
                        context = Names(field, owner);
                        break;
                    case "output":
                        output = Text(field, owner);
                        break;
                    case "tool_sources":
                        toolSources = Names(field, owner);
                        break;
                    case "review" or "human_input" when reviewField is not null:
                        Report(
                            DefinitionProblemKind.InvalidValue,
                            KeyRange(field),
                            $"{Capitalized(owner)} has both '{reviewField.Key}' and '{field.Key}'; this '{field.Key}' is not read. Write the review once (review: approve, for example).");
                        break;
                    case "review":
                        reviewField = field;
                        review = ReadReview(field, owner);
                        break;
                    case "human_input":
                        reviewField = field;
                        review = ReadHumanInput(field, owner);
                        break;
                    case "name" when single:
                        break;
                    default:
                        IgnoreKey(field, owner, TaskKeys);
                        break;
                }
            }

            return new TaskEntry(name, nameRange)
            {
                Description = description,
                ExpectedOutput = expectedOutput,
                Agent = agent,
                Context = context,
                Output = output,
                ToolSources = toolSources,
                Review = review,
            };
        }

        private CrewEntry ReadCrew(string name, TextRange nameRange, List<Entry> fields, bool single, string owner)
        {
            IReadOnlyList<CrewStep> steps = Array.Empty<CrewStep>();
            DefinedText? process = null, input = null;
            Entry? stepsField = null;
            foreach (var field in fields)
            {
                switch (field.Key)
                {
                    case "tasks" or "steps" when stepsField is not null:
                        Report(
                            DefinitionProblemKind.InvalidValue,
                            KeyRange(field),
                            $"{Capitalized(owner)} has both '{stepsField.Key}' and '{field.Key}'; this '{field.Key}' is not read. List the steps once.");
                        break;
                    case "tasks" or "steps":
                        stepsField = field;
                        steps = ReadSteps(field, owner);
                        break;
                    case "process":
                        process = ReadProcess(field, owner);
                        break;
                    case "input" when field.Value is SequenceNode or MappingNode:
                        // Python Amsha's input sources (files, literal values) are loaded by its runner.
                        IgnoreKey(field, owner, "input sources are the client's job in Amsha; the crew's input is a C# type, named with input: TypeName, and the client passes its value");
                        break;
                    case "input":
                        input = Text(field, owner);
                        break;
                    case "name" when single:
                        break;
                    case "agents":
                        IgnoreKey(field, owner, "a crew's agents are those its tasks and steps name");
                        break;
                    case "llm":
                        IgnoreKey(field, owner, "LLMs are chosen per agent by use case, with llm: on the agent");
                        break;
                    default:
                        IgnoreKey(field, owner, CrewKeys);
                        break;
                }
            }

            return new CrewEntry(name, nameRange)
            {
                Steps = steps,
                Process = process,
                Input = input,
                StepsRange = stepsField is null ? nameRange : KeyRange(stepsField),
            };
        }

        private IReadOnlyList<CrewStep> ReadSteps(Entry field, string owner)
        {
            var stepOwner = "a step of " + owner;
            switch (field.Value)
            {
                case ScalarNode { IsNull: true }:
                    return Array.Empty<CrewStep>();
                case ScalarNode:
                    return Text(field, owner) is { } single ? new[] { new CrewStep(single, null, false) } : Array.Empty<CrewStep>();
                case SequenceNode list:
                    var steps = new List<CrewStep>(list.Items.Count);
                    foreach (var item in list.Items)
                    {
                        Visit();
                        switch (item)
                        {
                            case ScalarNode { IsNull: true }:
                                Report(DefinitionProblemKind.InvalidValue, ValueRange(item), $"A step of {owner} is empty; write a task's name.");
                                break;
                            case ScalarNode scalar:
                                steps.Add(new CrewStep(TextOf(scalar), null, false));
                                break;
                            case MappingNode map:
                                if (ReadStep(map, stepOwner) is { } step)
                                {
                                    steps.Add(step);
                                }

                                break;
                            default:
                                Report(
                                    DefinitionProblemKind.InvalidValue,
                                    ValueRange(item),
                                    $"A step of {owner} must be a task's name or a map (task and agent, or task_file and agent_file), not {Describe(item)}.");
                                break;
                        }
                    }

                    return steps;
                default:
                    Report(
                        DefinitionProblemKind.InvalidValue,
                        ValueRange(field.Value),
                        $"'{field.Key}' of {owner} must be a list of steps, not {Describe(field.Value)}.");
                    return Array.Empty<CrewStep>();
            }
        }

        private CrewStep? ReadStep(MappingNode map, string owner)
        {
            DefinedText? task = null, agent = null, taskFile = null, agentFile = null, taskKey = null, agentKey = null;
            foreach (var field in Entries(map, owner))
            {
                switch (field.Key)
                {
                    case "task":
                        task = Text(field, owner);
                        break;
                    case "agent":
                        agent = Text(field, owner);
                        break;
                    case "task_file":
                        taskFile = Text(field, owner);
                        break;
                    case "agent_file":
                        agentFile = Text(field, owner);
                        break;
                    case "task_key":
                        // Python Amsha's label of the step; with a file it is only a label, without one it names the task.
                        taskKey = Text(field, owner);
                        break;
                    case "agent_key":
                        agentKey = Text(field, owner);
                        break;
                    default:
                        IgnoreKey(field, owner, StepKeys);
                        break;
                }
            }

            var stepRange = ValueRange(map);
            if (taskFile is not null || agentFile is not null)
            {
                if (taskFile is null || taskFile.Value.Length == 0)
                {
                    Report(DefinitionProblemKind.InvalidValue, taskFile?.Range ?? stepRange, $"{Capitalized(owner)} needs task_file: the path of a one-task file, relative to this file.");
                    return null;
                }

                if (task is not null || agent is not null)
                {
                    Report(
                        DefinitionProblemKind.InvalidValue,
                        (task ?? agent)!.Range,
                        $"{Capitalized(owner)} names its task and agent both by file (task_file, agent_file) or both by name (task, agent), not both ways.");
                    return null;
                }

                return new CrewStep(taskFile, agentFile is { Value.Length: > 0 } ? agentFile : null, IsFileReference: true);
            }

            task ??= taskKey;
            agent ??= agentKey;
            if (task is null || task.Value.Length == 0)
            {
                Report(DefinitionProblemKind.InvalidValue, task?.Range ?? stepRange, $"{Capitalized(owner)} needs task: a task's name (or task_file: a one-task file).");
                return null;
            }

            return new CrewStep(task, agent is { Value.Length: > 0 } ? agent : null, IsFileReference: false);
        }

        /// <summary>
        /// <c>review</c>: <c>none</c>, <c>approve</c>, <c>edit</c>, or several of them as a comma-separated text or a
        /// list (<c>approve, edit</c>), ignoring case; null (with a problem) for anything else.
        /// </summary>
        private DefinedReview? ReadReview(Entry field, string owner)
        {
            Visit();
            var words = new List<(string Word, TextRange Range)>();
            switch (field.Value)
            {
                case ScalarNode { IsNull: true }:
                    Report(DefinitionProblemKind.InvalidValue, KeyRange(field), $"'review' of {owner} is empty; {ReviewValues}.");
                    return null;
                case ScalarNode scalar:
                    foreach (var word in scalar.Value.Split(','))
                    {
                        if (word.Trim().Length > 0)
                        {
                            words.Add((word, ValueRange(scalar)));
                        }
                    }

                    break;
                case SequenceNode list:
                    foreach (var item in list.Items)
                    {
                        Visit();
                        if (item is not ScalarNode { IsNull: false } scalarItem)
                        {
                            Report(DefinitionProblemKind.InvalidValue, ValueRange(item), $"'review' of {owner} lists what the reviewer may do; this item is {(item is ScalarNode ? "empty" : Describe(item))}. {Capitalized(ReviewValues)}.");
                            return null;
                        }

                        words.Add((scalarItem.Value, ValueRange(scalarItem)));
                    }

                    break;
                default:
                    Report(DefinitionProblemKind.InvalidValue, ValueRange(field.Value), $"'review' of {owner} must be text or a list, not {Describe(field.Value)}; {ReviewValues}.");
                    return null;
            }

            if (words.Count == 0)
            {
                Report(DefinitionProblemKind.InvalidValue, ValueRange(field.Value), $"'review' of {owner} is empty; {ReviewValues}.");
                return null;
            }

            var kind = 0;
            var none = false;
            foreach (var (word, range) in words)
            {
                switch (word.Trim().ToLowerInvariant())
                {
                    case "none":
                        none = true;
                        break;
                    case "approve":
                        kind |= DefinedReview.Approve;
                        break;
                    case "edit":
                        kind |= DefinedReview.Edit;
                        break;
                    default:
                        Report(DefinitionProblemKind.InvalidValue, range, $"review '{word.Trim()}' of {owner} is not known; {ReviewValues}.");
                        return null;
                }
            }

            if (none && kind != 0)
            {
                Report(DefinitionProblemKind.InvalidValue, ValueRange(field.Value), $"'review' of {owner} says both none and {(kind == DefinedReview.Edit ? "edit" : "approve")}; write none alone, or what the reviewer may do.");
                return null;
            }

            return new DefinedReview(kind, field.Key, ValueRange(field.Value));
        }

        /// <summary>CrewAI's <c>human_input</c>: <c>true</c> is <c>review: approve</c>, <c>false</c> is <c>review: none</c>.</summary>
        private DefinedReview? ReadHumanInput(Entry field, string owner)
        {
            Visit();
            if (field.Value is ScalarNode { IsNull: false } scalar)
            {
                switch (scalar.Value.Trim().ToLowerInvariant())
                {
                    // YAML 1.1 booleans, as CrewAI's loader (PyYAML) reads them.
                    case "true" or "yes" or "on":
                        return new DefinedReview(DefinedReview.Approve, field.Key, ValueRange(scalar));
                    case "false" or "no" or "off":
                        return new DefinedReview(0, field.Key, ValueRange(scalar));
                }
            }

            const string Meaning = "true asks a person to approve or reject the output (review: approve), and review: edit lets them replace it too";
            var (range, problem) = field.Value switch
            {
                ScalarNode { IsNull: true } => (KeyRange(field), $"'human_input' of {owner} is empty; write true or false: {Meaning}."),
                ScalarNode text => (ValueRange(text), $"'human_input' of {owner} must be true or false, not '{text.Value}': {Meaning}."),
                _ => (ValueRange(field.Value), $"'human_input' of {owner} must be true or false, not {Describe(field.Value)}: {Meaning}."),
            };
            Report(DefinitionProblemKind.InvalidValue, range, problem);
            return null;
        }

        private DefinedText? ReadProcess(Entry field, string owner)
        {
            if (Text(field, owner) is not { } process || process.Value.Trim().Length == 0)
            {
                return null;
            }

            var value = process.Value.Trim().ToLowerInvariant();
            switch (value)
            {
                case "sequential" or "graph":
                    // Normalized, so consumers compare with "sequential"/"graph" only.
                    return new DefinedText(value, process.Range);
                case "hierarchical":
                    Report(
                        DefinitionProblemKind.InvalidValue,
                        process.Range,
                        $"process 'hierarchical' of {owner} is not supported: a manager LLM deciding the flow is the client's job in Amsha (law L4). Use sequential, or graph to run tasks as soon as their context is ready.");
                    return null;
                default:
                    Report(DefinitionProblemKind.InvalidValue, process.Range, $"process '{process.Value}' of {owner} is not known; use sequential or graph.");
                    return null;
            }
        }

        // ---------------------------------------------------------------------------------------------------------
        // Values.
        // ---------------------------------------------------------------------------------------------------------

        /// <summary>A text value; an empty value is <c>""</c> at the key (so "missing text" is reported there).</summary>
        private DefinedText? Text(Entry field, string owner)
        {
            Visit();
            if (field.Value is ScalarNode scalar)
            {
                return scalar.IsNull ? new DefinedText(string.Empty, KeyRange(field)) : TextOf(scalar);
            }

            Report(DefinitionProblemKind.InvalidValue, ValueRange(field.Value), $"'{field.Key}' of {owner} must be text, not {Describe(field.Value)}.");
            return null;
        }

        /// <summary>A list of names, or a single name.</summary>
        private IReadOnlyList<DefinedText> Names(Entry field, string owner)
        {
            Visit();
            switch (field.Value)
            {
                case ScalarNode { IsNull: true }:
                    return Array.Empty<DefinedText>();
                case ScalarNode scalar:
                    return new[] { TextOf(scalar) };
                case SequenceNode list:
                    var names = new List<DefinedText>(list.Items.Count);
                    foreach (var item in list.Items)
                    {
                        Visit();
                        if (item is ScalarNode { IsNull: false } name)
                        {
                            names.Add(TextOf(name));
                        }
                        else if (item is not ScalarNode)
                        {
                            Report(DefinitionProblemKind.InvalidValue, ValueRange(item), $"'{field.Key}' of {owner} lists names; this item is {Describe(item)}.");
                        }
                    }

                    return names;
                default:
                    Report(DefinitionProblemKind.InvalidValue, ValueRange(field.Value), $"'{field.Key}' of {owner} must be a list of names, not {Describe(field.Value)}.");
                    return Array.Empty<DefinedText>();
            }
        }

        private DefinedText TextOf(ScalarNode scalar) =>
            new(scalar.Value, ValueRange(scalar)) { Placeholders = Placeholders(scalar) };

        /// <summary>
        /// Where each placeholder's name is written. The value may differ from its source (quotes, escapes, folded
        /// lines, indentation), but a placeholder never spans lines, so the k-th <c>{name}</c> of the value is the
        /// k-th <c>{name}</c> of the scalar's source text.
        /// </summary>
        private IReadOnlyList<PlaceholderUse> Placeholders(ScalarNode scalar)
        {
            if (scalar.Value.IndexOf('{') < 0)
            {
                return Array.Empty<PlaceholderUse>();
            }

            List<PlaceholderUse>? uses = null;
            Dictionary<string, List<int>>? written = null;
            Dictionary<string, int>? seen = null;
            foreach (var piece in DefinitionTemplate.Parse(scalar.Value))
            {
                if (!piece.IsPlaceholder)
                {
                    continue;
                }

                written ??= WrittenPlaceholders(scalar);
                seen ??= new Dictionary<string, int>(StringComparer.Ordinal);
                seen.TryGetValue(piece.Text, out var k);
                seen[piece.Text] = k + 1;
                var range = written.TryGetValue(piece.Text, out var offsets) && k < offsets.Count
                    ? Range(offsets[k], offsets[k] + piece.Text.Length)
                    : ValueRange(scalar); // written with escapes (\x7b): the value's range is the best there is
                (uses ??= new List<PlaceholderUse>()).Add(new PlaceholderUse(piece.Text, range));
            }

            return uses is null ? Array.Empty<PlaceholderUse>() : uses;
        }

        /// <summary>The offsets in the source of every placeholder name written in the scalar's text, by name.</summary>
        private Dictionary<string, List<int>> WrittenPlaceholders(ScalarNode scalar)
        {
            var start = scalar.Start;
            if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded)
            {
                // Skip the header line ("> # comment {x}" is not part of the value).
                var lineEnd = source.IndexOfAny(new[] { '\r', '\n', '\u0085', '\u2028', '\u2029' }, start, scalar.End - start);
                start = lineEnd < 0 ? scalar.End : lineEnd;
            }

            var written = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (var piece in DefinitionTemplate.Parse(source.Substring(start, scalar.End - start)))
            {
                if (piece.IsPlaceholder)
                {
                    if (!written.TryGetValue(piece.Text, out var offsets))
                    {
                        written[piece.Text] = offsets = new List<int>();
                    }

                    offsets.Add(start + piece.NameOffset);
                }
            }

            return written;
        }

        // ---------------------------------------------------------------------------------------------------------
        // Maps and keys.
        // ---------------------------------------------------------------------------------------------------------

        /// <summary>A map's entries with text keys: duplicates reported (the first wins) and <c>&lt;&lt;</c> merges applied.</summary>
        private List<Entry> Entries(MappingNode map, string owner, int mergeDepth = 0)
        {
            var entries = new List<Entry>(map.Entries.Count);
            var byKey = new Dictionary<string, Entry>(StringComparer.Ordinal);
            List<Node>? merges = null;
            foreach (var pair in map.Entries)
            {
                Visit();
                if (pair.Key is not ScalarNode key)
                {
                    Report(DefinitionProblemKind.InvalidValue, ValueRange(pair.Key), $"A key of {owner} must be text, not {Describe(pair.Key)}.");
                    continue;
                }

                if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
                {
                    (merges ??= new List<Node>()).Add(pair.Value);
                    continue;
                }

                var entry = new Entry(key.Value, key, pair.Value);
                if (byKey.TryGetValue(key.Value, out var first))
                {
                    Report(
                        DefinitionProblemKind.DuplicateName,
                        KeyRange(entry),
                        string.Format(CultureInfo.InvariantCulture, "'{0}' is written twice in {1} (first at line {2}); this one is not read.", key.Value, owner, Position(first.KeyNode.Start).Line));
                    continue;
                }

                byKey.Add(key.Value, entry);
                entries.Add(entry);
            }

            if (merges is null)
            {
                return entries;
            }

            // YAML's merge keys: keys written in the map win, then earlier merged maps over later ones.
            foreach (var merge in merges)
            {
                var sources = merge switch
                {
                    MappingNode one => new List<Node> { one },
                    SequenceNode list => list.Items,
                    _ => new List<Node> { merge },
                };
                foreach (var source in sources)
                {
                    if (source is not MappingNode merged)
                    {
                        Report(DefinitionProblemKind.InvalidValue, ValueRange(source), $"'<<' in {owner} merges maps, not {Describe(source)}.");
                        continue;
                    }

                    if (mergeDepth >= MaxMergeDepth)
                    {
                        Report(DefinitionProblemKind.InvalidValue, ValueRange(source), string.Format(CultureInfo.InvariantCulture, "'<<' merges in {0} nest more than {1} deep; write the values out.", owner, MaxMergeDepth));
                        continue;
                    }

                    foreach (var entry in Entries(merged, owner, mergeDepth + 1))
                    {
                        if (!byKey.ContainsKey(entry.Key))
                        {
                            byKey.Add(entry.Key, entry);
                            entries.Add(entry);
                        }
                    }
                }
            }

            return entries;
        }

        private static bool HasKey(List<Entry> entries, string key)
        {
            foreach (var entry in entries)
            {
                if (entry.Key == key)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Reports a key a C# crew cannot honour (with why) or an unknown key (with the nearest known one).</summary>
        private void IgnoreKey(Entry field, string owner, string[] knownKeys)
        {
            if (IgnoredKeyReasons.TryGetValue(field.Key, out var reason))
            {
                IgnoreKey(field, owner, reason);
                return;
            }

            var suggestion = Closest(field.Key, knownKeys);
            Report(
                DefinitionProblemKind.IgnoredKey,
                KeyRange(field),
                suggestion is not null
                    ? $"Unknown key '{field.Key}' in {owner} is ignored; did you mean '{suggestion}'?"
                    : $"Unknown key '{field.Key}' in {owner} is ignored; the keys read here are {KeyList(knownKeys)}.");
        }

        private void IgnoreKey(Entry field, string owner, string reason) =>
            Report(DefinitionProblemKind.IgnoredKey, KeyRange(field), $"'{field.Key}' in {owner} is ignored: {reason}.");

        /// <summary>The known key nearest to <paramref name="key"/> (case, a typo or two), or null.</summary>
        private static string? Closest(string key, string[] knownKeys)
        {
            if (key.Length > 40)
            {
                return null;
            }

            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var known in knownKeys)
            {
                var distance = string.Equals(key, known, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(key, known);
                var allowed = Math.Max(1, Math.Min(key.Length, known.Length) / 3);
                if (distance <= allowed && distance < bestDistance)
                {
                    best = known;
                    bestDistance = distance;
                }
            }

            return best;
        }

        /// <summary>Levenshtein distance, ignoring case and treating '-' and ' ' as '_' (expected-output is a typo, not another key).</summary>
        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = Fold(a[i - 1]) == Fold(b[j - 1]) ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];

            static char Fold(char c) => c is '-' or ' ' ? '_' : char.ToLowerInvariant(c);
        }

        private static string[] KnownKeys(EntryKind kind) => kind switch
        {
            EntryKind.Agent => AgentKeys,
            EntryKind.Task => TaskKeys,
            _ => CrewKeys,
        };

        private static string KeyList(string[] keys) =>
            keys.Length == 1 ? keys[0] : string.Join(", ", keys, 0, keys.Length - 1) + " and " + keys[keys.Length - 1];

        private static string KindName(EntryKind kind) => kind switch
        {
            EntryKind.Agent => "agent",
            EntryKind.Task => "task",
            _ => "crew",
        };

        private static string Capitalized(string text) =>
            text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

        private static string Describe(Node node) => node switch
        {
            SequenceNode => "a list",
            MappingNode => "a map",
            _ => "text",
        };

        private static Dictionary<string, string> CreateIgnoredKeyReasons()
        {
            const string LawL4 = "a manager LLM or agents handing work to each other would decide the flow, which is the client's job in Amsha (law L4); the crew's steps fix the flow";
            const string Limits = "limits, retries and caching are configured in code (Amsha's options and LLM pipeline), not per definition";
            const string Knowledge = "memory and knowledge are supplied by the client, as context or as tools";
            const string PythonCode = "it names Python code; in Amsha such code is C#, called by the client or offered as a tool";
            const string Prompts = "Amsha builds prompts from role, goal, backstory, description and expected_output";
            const string NotInAmsha = "it is an option of CrewAI that a C# crew does not have";
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tools"] = "it names Python tools; C# agents and tasks use the toolboxes listed in tool_sources",
                ["verbose"] = "logging is configured in code (ILogger and the crew monitor), not per definition",
                ["allow_delegation"] = LawL4,
                ["manager_llm"] = LawL4,
                ["manager_agent"] = LawL4,
                ["planning"] = LawL4,
                ["planning_llm"] = LawL4,
                ["function_calling_llm"] = "LLMs are chosen by use case, with llm: on the agent",
                ["max_iter"] = Limits,
                ["max_rpm"] = Limits,
                ["max_execution_time"] = Limits,
                ["max_retry_limit"] = Limits,
                ["max_retries"] = Limits,
                ["guardrail_max_retries"] = Limits,
                ["respect_context_window"] = Limits,
                ["cache"] = Limits,
                ["memory"] = Knowledge,
                ["knowledge"] = Knowledge,
                ["knowledge_sources"] = Knowledge,
                ["embedder"] = Knowledge,
                ["output_file"] = "writing results to files is the client's job; the task's output is returned to the caller",
                ["create_directory"] = "writing results to files is the client's job; the task's output is returned to the caller",
                ["output_filepath"] = "writing results to files is the client's job; the crew's output is returned to the caller",
                ["output_json"] = "it names a Python class; name the C# output type with output:",
                ["output_pydantic"] = "it names a Python class; name the C# output type with output:",
                ["converter_cls"] = "it names a Python class; name the C# output type with output:",
                ["module_name"] = "it names a Python module; C# types are named with input: and output:",
                ["markdown"] = "how the answer is formatted belongs in expected_output",
                ["async_execution"] = "tasks whose context is ready run concurrently with process: graph on the crew",
                ["human_input"] = "a person reviews a task's output, so it is read on tasks only (review: approve, or human_input: true)",
                ["callback"] = PythonCode,
                ["step_callback"] = PythonCode,
                ["task_callback"] = PythonCode,
                ["guardrail"] = PythonCode,
                ["system_template"] = Prompts,
                ["prompt_template"] = Prompts,
                ["response_template"] = Prompts,
                ["use_system_prompt"] = Prompts,
                ["allow_code_execution"] = "running code is a tool the client provides",
                ["code_execution_mode"] = "running code is a tool the client provides",
                ["pipeline"] = "running crews one after another is the client's code in Amsha",
                ["reasoning"] = NotInAmsha,
                ["max_reasoning_attempts"] = NotInAmsha,
                ["multimodal"] = NotInAmsha,
                ["inject_date"] = NotInAmsha,
                ["date_format"] = NotInAmsha,
                ["skills"] = NotInAmsha,
                ["share_crew"] = NotInAmsha,
                ["output_log_file"] = NotInAmsha,
                ["full_output"] = NotInAmsha,
                ["config"] = NotInAmsha,
            };
        }

        // ---------------------------------------------------------------------------------------------------------
        // Positions, problems, limits.
        // ---------------------------------------------------------------------------------------------------------

        private void Visit()
        {
            if (++visits > MaxNodes)
            {
                throw new TooManyNodesException();
            }

            if ((visits & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        private void Report(DefinitionProblemKind kind, TextRange range, string message)
        {
            if (problems.Count > MaxProblems)
            {
                return;
            }

            if (problems.Count == MaxProblems)
            {
                // A generated or mangled file can have a problem per line: the first ones say enough.
                problems.Add(new DefinitionProblem(
                    DefinitionProblemKind.Syntax,
                    path,
                    range,
                    string.Format(CultureInfo.InvariantCulture, "The file has more than {0:N0} problems; the others are not reported.", MaxProblems)));
                return;
            }

            // Aliases can make one spot be read twice: each problem is reported once.
            var problem = new DefinitionProblem(kind, path, range, message);
            if (reported.Add(problem))
            {
                problems.Add(problem);
            }
        }

        private TextRange KeyRange(Entry entry) => Range(entry.KeyNode.Start, entry.KeyNode.End);

        /// <summary>Where a value is written; block scalars end at their last character, not at the next key.</summary>
        private TextRange ValueRange(Node node)
        {
            var end = node.End;
            if (node is ScalarNode { Style: ScalarStyle.Literal or ScalarStyle.Folded })
            {
                while (end > node.Start && end <= source.Length && char.IsWhiteSpace(source[end - 1]))
                {
                    end--;
                }
            }

            return Range(node.Start, end);
        }

        private TextRange Range(int start, int end) => new(Position(start), Position(Math.Max(start, end)));

        private TextPosition Position(int offset)
        {
            offset = Math.Min(Math.Max(offset, 0), source.Length);
            var starts = lineStarts ??= LineStarts(source);
            int low = 0, high = starts.Length - 1;
            while (low < high)
            {
                var middle = (low + high + 1) / 2;
                if (starts[middle] <= offset)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return new TextPosition(low + 1, offset - starts[low] + 1, offset + offsetShift);
        }

        /// <summary>Where each line starts, with YAML's (and YamlDotNet's) line breaks: CR LF, CR, LF, NEL, LS, PS.</summary>
        private static int[] LineStarts(string text)
        {
            var starts = new List<int> { 0 };
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\r')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    starts.Add(i + 1);
                }
                else if (c is '\n' or '\u0085' or '\u2028' or '\u2029')
                {
                    starts.Add(i + 1);
                }
            }

            return starts.ToArray();
        }
    }

    /// <summary>A key and its value in a map; the key is always text.</summary>
    private sealed class Entry
    {
        public Entry(string key, ScalarNode keyNode, Node value)
        {
            Key = key;
            KeyNode = keyNode;
            Value = value;
        }

        public string Key { get; }

        public ScalarNode KeyNode { get; }

        public Node Value { get; }
    }

    /// <summary>A node of the file: offsets into the text where it is written.</summary>
    private abstract class Node
    {
        protected Node(int start, int end)
        {
            Start = start;
            End = end;
        }

        public int Start { get; }

        public int End { get; set; }
    }

    private sealed class ScalarNode : Node
    {
        public ScalarNode(int start, int end, string value, ScalarStyle style)
            : base(start, end)
        {
            Value = value;
            Style = style;

            // YAML's nulls (an empty value, ~, null) are "no value"; quoted, they are text.
            IsNull = style == ScalarStyle.Plain && value is "" or "~" or "null" or "Null" or "NULL";
        }

        public string Value { get; }

        public ScalarStyle Style { get; }

        public bool IsNull { get; }
    }

    /// <summary>A list or map under construction while parsing, complete afterwards.</summary>
    private abstract class CollectionNode : Node
    {
        protected CollectionNode(int start)
            : base(start, start)
        {
        }

        public string? Anchor { get; set; }

        public abstract void Add(Node node);
    }

    private sealed class SequenceNode : CollectionNode
    {
        public SequenceNode(int start)
            : base(start)
        {
        }

        public List<Node> Items { get; } = new();

        public override void Add(Node node) => Items.Add(node);
    }

    private sealed class MappingNode : CollectionNode
    {
        private Node? pendingKey;

        public MappingNode(int start)
            : base(start)
        {
        }

        public List<KeyValuePair<Node, Node>> Entries { get; } = new();

        public override void Add(Node node)
        {
            if (pendingKey is null)
            {
                pendingKey = node;
            }
            else
            {
                Entries.Add(new KeyValuePair<Node, Node>(pendingKey, node));
                pendingKey = null;
            }
        }
    }

    /// <summary>Thrown inside a reading when too many nodes were visited; caught by the reading itself.</summary>
    private sealed class TooManyNodesException : Exception
    {
    }
}
