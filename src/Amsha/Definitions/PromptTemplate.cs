using System;
using System.Collections.Generic;
using System.Text;
using Amsha.Definitions;
using Amsha.Generated;

namespace Amsha;

/// <summary>A template parsed once: literal text and placeholders, in either syntax; renders against any input.</summary>
internal sealed class PromptTemplate
{
    private PromptTemplate(IReadOnlyList<(bool IsPlaceholder, string Text)> parts) => Parts = parts;

    /// <summary>Literal text (escapes resolved) and placeholder names, in order.</summary>
    public IReadOnlyList<(bool IsPlaceholder, string Text)> Parts { get; }

    /// <summary>Parses <paramref name="text"/>; attribute templates were checked by the compiler, so a malformed one is a bug and throws.</summary>
    public static PromptTemplate Parse(string text, TemplateSyntax syntax)
    {
        var parts = new List<(bool, string)>();
        if (syntax == TemplateSyntax.DefinitionFile)
        {
            foreach (var piece in DefinitionTemplate.Parse(text))
            {
                parts.Add((piece.IsPlaceholder, piece.Text));
            }

            return new PromptTemplate(parts);
        }

        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal.Append(c);
                i++;
            }
            else if (c == '{' && text.IndexOf('}', i + 1) is var close and > 0)
            {
                if (literal.Length > 0)
                {
                    parts.Add((false, literal.ToString()));
                    literal.Clear();
                }

                parts.Add((true, text.Substring(i + 1, close - i - 1).Trim()));
                i = close;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add((false, literal.ToString()));
        }

        return new PromptTemplate(parts);
    }

    /// <summary>Appends the rendered text; <paramref name="resolve"/> gives a placeholder's text.</summary>
    public void AppendTo<TState>(StringBuilder builder, TState state, Func<TState, string, string> resolve)
    {
        foreach (var (isPlaceholder, text) in Parts)
        {
            builder.Append(isPlaceholder ? resolve(state, text) : text);
        }
    }
}
