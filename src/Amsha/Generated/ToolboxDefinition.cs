using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Amsha.Generated;

/// <summary>A toolbox as the generator describes it: its type, its tools' names, and how to bind its tools to an instance.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ToolboxDefinition
{
    /// <summary>Creates the definition.</summary>
    protected ToolboxDefinition(string name, Type type, IReadOnlyList<string> toolNames)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Type = type ?? throw new ArgumentNullException(nameof(type));
        ToolNames = toolNames ?? Array.Empty<string>();
    }

    /// <summary>The toolbox's name (its class name).</summary>
    public string Name { get; }

    /// <summary>The toolbox class.</summary>
    public Type Type { get; }

    /// <summary>The names of its tools, as the model calls them.</summary>
    public IReadOnlyList<string> ToolNames { get; }

    /// <summary>The names of its tools that need a person's approval before each call (<c>[Tool(RequiresApproval = true)]</c>).</summary>
    public IReadOnlyList<string> ApprovalToolNames { get; init; } = Array.Empty<string>();

    /// <summary>The toolbox's tools bound to <paramref name="toolbox"/>, an instance of <see cref="Type"/>.</summary>
    public abstract IReadOnlyList<ToolFunction> CreateTools(object toolbox);

    /// <summary>A new instance from the parameterless constructor, or null when the toolbox has none.</summary>
    public virtual object? CreateDefault() => null;
}
