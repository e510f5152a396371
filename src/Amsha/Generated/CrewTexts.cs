using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Amsha.Generated;

/// <summary>How a template marks placeholders.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum TemplateSyntax
{
    /// <summary>Attribute templates: <c>{Name}</c> is a placeholder, <c>{{</c> and <c>}}</c> are literal braces.</summary>
    Attribute,

    /// <summary>Definition files: only <c>{identifier}</c> is a placeholder; every other brace is literal.</summary>
    DefinitionFile,
}

/// <summary>A task's declaration texts as written (unrendered templates), so run-time definitions can replace some and re-render all.</summary>
/// <param name="Role">The agent's role.</param>
/// <param name="Goal">The agent's goal.</param>
/// <param name="Backstory">The agent's backstory.</param>
/// <param name="Description">The task's description.</param>
/// <param name="ExpectedOutput">The task's expected output.</param>
/// <param name="Syntax">How the templates mark placeholders.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record TaskTexts(string Role, string Goal, string Backstory, string Description, string ExpectedOutput, TemplateSyntax Syntax = TemplateSyntax.Attribute);

/// <summary>The members of a crew's input that placeholders can name, and their prompt text; emitted by the generator (no reflection).</summary>
/// <typeparam name="TInput">The crew's input type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PromptInput<TInput>
{
    /// <summary>Creates the accessor.</summary>
    /// <param name="members">The member names, in declaration order.</param>
    /// <param name="format">The prompt text of member <c>index</c> of an input (<see cref="PromptText.Format{T}(T)"/>).</param>
    public PromptInput(IReadOnlyList<string> members, Func<TInput, int, string> format)
    {
        Members = members ?? throw new ArgumentNullException(nameof(members));
        Format = format ?? throw new ArgumentNullException(nameof(format));
    }

    /// <summary>The member names, in declaration order.</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>The prompt text of a member of an input.</summary>
    public Func<TInput, int, string> Format { get; }

    /// <summary>The index of the member a placeholder names: an exact match, else the one matching ignoring case; -1 for none.</summary>
    public int IndexOf(string placeholder)
    {
        var ignoringCase = -1;
        for (var i = 0; i < Members.Count; i++)
        {
            if (string.Equals(Members[i], placeholder, StringComparison.Ordinal))
            {
                return i;
            }

            if (ignoringCase < 0 && string.Equals(Members[i], placeholder, StringComparison.OrdinalIgnoreCase))
            {
                ignoringCase = i;
            }
        }

        return ignoringCase;
    }
}
