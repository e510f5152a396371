using System;
using System.Collections.Generic;

namespace Amsha;

/// <summary>Everything an <see cref="IDefinitionSource"/> defines at one moment: agents, tasks and crews, and their version.</summary>
public sealed class DefinitionSet
{
    /// <summary>Creates a set.</summary>
    /// <param name="version">The source's name for this state of its definitions (a database's highest row version, a hash of the files).</param>
    /// <param name="agents">The agents.</param>
    /// <param name="tasks">The tasks.</param>
    /// <param name="crews">The dynamic crews.</param>
    public DefinitionSet(string version, IEnumerable<AgentDeclaration>? agents = null, IEnumerable<TaskDeclaration>? tasks = null, IEnumerable<CrewDeclaration>? crews = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        Version = version;
        Agents = agents is null ? Array.Empty<AgentDeclaration>() : new List<AgentDeclaration>(agents);
        Tasks = tasks is null ? Array.Empty<TaskDeclaration>() : new List<TaskDeclaration>(tasks);
        Crews = crews is null ? Array.Empty<CrewDeclaration>() : new List<CrewDeclaration>(crews);
    }

    /// <summary>An empty set.</summary>
    public static DefinitionSet Empty { get; } = new("empty");

    /// <summary>The source's name for this state of its definitions.</summary>
    public string Version { get; }

    /// <summary>The agents.</summary>
    public IReadOnlyList<AgentDeclaration> Agents { get; }

    /// <summary>The tasks.</summary>
    public IReadOnlyList<TaskDeclaration> Tasks { get; }

    /// <summary>The dynamic crews.</summary>
    public IReadOnlyList<CrewDeclaration> Crews { get; }

    /// <summary>What the source read but a C# crew ignores (CrewAI's <c>verbose</c>, <c>tools</c> naming Python code, …), each with where it is written; the session logs them.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
