// Shared source: compiled into the generator (netstandard2.0) and the runtime (net8.0), so compile-time YAML and
// run-time definition files are read by exactly the same code.
using System;
using System.Collections.Generic;

namespace Amsha.Definitions;

/// <summary>A place in a definition file: 1-based line and column, and the 0-based character offset.</summary>
internal readonly record struct TextPosition(int Line, int Column, int Offset);

/// <summary>The extent of a piece of text in a definition file.</summary>
internal readonly record struct TextRange(TextPosition Start, TextPosition End)
{
    public int Length => End.Offset - Start.Offset;
}

/// <summary>A scalar value of a definition file and where it is written.</summary>
/// <param name="Value">The value as YAML defines it (folded and literal blocks already applied).</param>
/// <param name="Range">Where the value is written, quotes and block indicators included.</param>
internal sealed record DefinedText(string Value, TextRange Range)
{
    /// <summary>Every <c>{identifier}</c> of the value, in order, with where its name is written in the file.</summary>
    public IReadOnlyList<PlaceholderUse> Placeholders { get; init; } = Array.Empty<PlaceholderUse>();
}

/// <summary>A <c>{name}</c> placeholder inside a value: its name and where the name is written in the file.</summary>
internal sealed record PlaceholderUse(string Name, TextRange Range);

/// <summary>An agent: who performs tasks.</summary>
/// <param name="Name">Its name (the map key, or the file's name for one-agent files).</param>
/// <param name="NameRange">Where the name is written (the key; for one-agent files the <c>name:</c> value, else the <c>agent:</c> key).</param>
internal sealed record AgentEntry(string Name, TextRange NameRange)
{
    public DefinedText? Role { get; init; }
    public DefinedText? Goal { get; init; }
    public DefinedText? Backstory { get; init; }

    /// <summary>The LLM use case; <c>default</c> when absent.</summary>
    public DefinedText? Llm { get; init; }

    /// <summary>Names of tool sources (<c>tool_sources</c>).</summary>
    public IReadOnlyList<DefinedText> ToolSources { get; init; } = Array.Empty<DefinedText>();
}

/// <summary>A task: what is done, by which agent, with which context.</summary>
internal sealed record TaskEntry(string Name, TextRange NameRange)
{
    public DefinedText? Description { get; init; }
    public DefinedText? ExpectedOutput { get; init; }

    /// <summary>The agent's name; absent in one-task files, whose agent comes from the crew's step.</summary>
    public DefinedText? Agent { get; init; }

    /// <summary>Names of the tasks whose outputs this task receives.</summary>
    public IReadOnlyList<DefinedText> Context { get; init; } = Array.Empty<DefinedText>();

    /// <summary>The output: a C# type name, <c>string</c> (the default) or <c>json</c> (run-time crews only).</summary>
    public DefinedText? Output { get; init; }

    /// <summary>Names of tool sources (<c>tool_sources</c>).</summary>
    public IReadOnlyList<DefinedText> ToolSources { get; init; } = Array.Empty<DefinedText>();

    /// <summary>Whether a person reviews the task's output (<c>review</c>, or CrewAI's <c>human_input</c>); null when neither key is written.</summary>
    public DefinedReview? Review { get; init; }
}

/// <summary>A task's review as written: <c>ReviewKind</c>'s bits (0 none, 1 approve, 2 edit) and where the value is written.</summary>
/// <param name="Kind">The bits: <see cref="Approve"/>, <see cref="Edit"/>, or both; 0 for none.</param>
/// <param name="Key">The key it was read from: <c>review</c> or <c>human_input</c>.</param>
/// <param name="Range">Where the value is written.</param>
internal sealed record DefinedReview(int Kind, string Key, TextRange Range)
{
    /// <summary>The reviewer approves or rejects the output (<c>ReviewKind.Approve</c>).</summary>
    public const int Approve = 1;

    /// <summary>The reviewer may also replace the output (<c>ReviewKind.Edit</c>).</summary>
    public const int Edit = 2;
}

/// <summary>One step of a crew: a task, and (Python Amsha's job layout) the agent that performs it.</summary>
/// <param name="Task">The task's name, or with <see cref="IsFileReference"/> the path of its one-task file.</param>
/// <param name="Agent">The agent's name or file; null to keep the task's own agent.</param>
/// <param name="IsFileReference">True when both refer to files (<c>task_file</c>/<c>agent_file</c>), relative to the crew's file.</param>
internal sealed record CrewStep(DefinedText Task, DefinedText? Agent, bool IsFileReference);

/// <summary>A crew: its steps in order, how they are scheduled, and its input type.</summary>
internal sealed record CrewEntry(string Name, TextRange NameRange)
{
    public IReadOnlyList<CrewStep> Steps { get; init; } = Array.Empty<CrewStep>();

    /// <summary><c>sequential</c> (the default) or <c>graph</c>.</summary>
    public DefinedText? Process { get; init; }

    /// <summary>The C# input type's name; absent for crews without input (run-time crews take any JSON object).</summary>
    public DefinedText? Input { get; init; }

    /// <summary>Where the step list is written (for "no tasks").</summary>
    public TextRange StepsRange { get; init; }
}

/// <summary>What kind of problem a definition file has; each maps to one diagnostic id.</summary>
internal enum DefinitionProblemKind
{
    /// <summary>Not valid YAML/JSON, or too large.</summary>
    Syntax,

    /// <summary>A key a C# crew cannot honour (<c>verbose</c>, <c>tools</c> naming Python code): a warning.</summary>
    IgnoredKey,

    /// <summary>A value of the wrong shape (a list where text belongs, an unknown process).</summary>
    InvalidValue,

    /// <summary>Two definitions with one name.</summary>
    DuplicateName,

    /// <summary>A <c>task_file</c>/<c>agent_file</c> that is not a definition file of the set, or leaves its directory.</summary>
    FileReference,
}

/// <summary>A problem found while reading or merging definition files.</summary>
internal sealed record DefinitionProblem(DefinitionProblemKind Kind, string Path, TextRange Range, string Message)
{
    public bool IsError => Kind != DefinitionProblemKind.IgnoredKey;
}

/// <summary>Everything one definition file declares, and what is wrong with it.</summary>
/// <param name="Path">The file's path as given to the reader.</param>
/// <param name="Agents">Its agents, in the order written.</param>
/// <param name="Tasks">Its tasks, in the order written.</param>
/// <param name="Crews">Its crews, in the order written.</param>
/// <param name="Problems">What is wrong with it, in the order found.</param>
internal sealed record DefinitionDocument(
    string Path,
    IReadOnlyList<AgentEntry> Agents,
    IReadOnlyList<TaskEntry> Tasks,
    IReadOnlyList<CrewEntry> Crews,
    IReadOnlyList<DefinitionProblem> Problems);
