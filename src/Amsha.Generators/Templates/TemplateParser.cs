using System.Collections.Generic;
using System.Text;

namespace Amsha.Generators.Templates;

/// <summary>A piece of a template: literal text (escapes resolved) or a <c>{placeholder}</c>.</summary>
/// <param name="IsPlaceholder">True for a placeholder.</param>
/// <param name="Text">The literal text, or the placeholder's name.</param>
/// <param name="Start">Offset in the template of the segment (for placeholders, of the name, after the brace).</param>
/// <param name="Length">Length in the template (for placeholders, of the name).</param>
internal readonly record struct TemplateSegment(bool IsPlaceholder, string Text, int Start, int Length);

/// <summary>A malformed spot in a template: an unbalanced brace or an empty placeholder.</summary>
/// <param name="Start">Offset in the template.</param>
/// <param name="Length">Length of the malformed text.</param>
/// <param name="Reason">What is wrong, for the diagnostic message.</param>
internal readonly record struct TemplateError(int Start, int Length, string Reason);

/// <summary>
/// Parses the <c>{Placeholder}</c> syntax shared by declarations and <c>[AmshaLlmCall]</c>
/// templates. <c>{{</c> and <c>}}</c> are literal braces. The generator and the analyzers both use
/// this parser, so they never disagree about what a template means.
/// </summary>
internal static class TemplateParser
{
    public static (List<TemplateSegment> Segments, List<TemplateError> Errors) Parse(string? template)
    {
        var segments = new List<TemplateSegment>();
        var errors = new List<TemplateError>();
        if (string.IsNullOrEmpty(template))
        {
            return (segments, errors);
        }

        var text = template!;
        var literal = new StringBuilder();
        var literalStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
            }
            else if (c == '}')
            {
                errors.Add(new TemplateError(i, 1, "a '}' without its '{'"));
                literal.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                var nextOpen = text.IndexOf('{', i + 1);
                if (close < 0 || (nextOpen >= 0 && nextOpen < close))
                {
                    var end = nextOpen >= 0 && (close < 0 || nextOpen < close) ? nextOpen : text.Length;
                    errors.Add(new TemplateError(i, end - i, "a '{' without its '}'"));
                    literal.Append(text, i, end - i);
                    i = end;
                    continue;
                }

                if (close == i + 1)
                {
                    errors.Add(new TemplateError(i, 2, "an empty placeholder '{}'"));
                    i = close + 1;
                    continue;
                }

                Flush(segments, literal, literalStart, i);
                var name = text.Substring(i + 1, close - i - 1);
                segments.Add(new TemplateSegment(true, name, i + 1, name.Length));
                i = close + 1;
                literalStart = i;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        Flush(segments, literal, literalStart, text.Length);
        return (segments, errors);
    }

    private static void Flush(List<TemplateSegment> segments, StringBuilder literal, int start, int end)
    {
        if (literal.Length > 0)
        {
            segments.Add(new TemplateSegment(false, literal.ToString(), start, end - start));
            literal.Clear();
        }
    }
}
