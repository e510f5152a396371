using System;
using System.Collections.Generic;

namespace Amsha.Generators.Templates;

/// <summary>A piece of a bound template: literal text, or the name of the value a placeholder stands for.</summary>
/// <param name="IsValue">True for a placeholder, bound to a value (a crew input member, an LLM-call parameter).</param>
/// <param name="Text">The literal text, or the C# name of the bound member or parameter (unescaped).</param>
internal sealed record TemplatePart(bool IsValue, string Text);

/// <summary>Parses templates and binds their placeholders; the crew and LLM-call parsers differ only in what a placeholder may name.</summary>
internal static class TemplateBinder
{
    /// <summary>
    /// The parts of <paramref name="template"/>, each placeholder replaced by the name <paramref name="bind"/>
    /// gives it; null when the template is malformed or a placeholder does not bind.
    /// </summary>
    public static List<TemplatePart>? Bind(string? template, Func<string, string?> bind)
    {
        var (segments, errors) = TemplateParser.Parse(template);
        if (errors.Count > 0)
        {
            return null;
        }

        var parts = new List<TemplatePart>();
        foreach (var segment in segments)
        {
            if (!segment.IsPlaceholder)
            {
                parts.Add(new TemplatePart(false, segment.Text));
            }
            else if (bind(segment.Text) is { } name)
            {
                parts.Add(new TemplatePart(true, name));
            }
            else
            {
                return null;
            }
        }

        return parts;
    }
}
