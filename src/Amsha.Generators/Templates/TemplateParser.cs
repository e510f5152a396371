using System.Collections.Generic;
using System.Text;
using System.Threading;
using Amsha.Generators.Analyzers;

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
    public static (List<TemplateSegment> Segments, List<TemplateError> Errors) Parse(string? template) => Parse(template, null, default);

    /// <summary>
    /// Parses in one pass: every character is looked at a bounded number of times (the searches for the
    /// next brace resume where the previous search stopped), so the work is linear in the template's length.
    /// </summary>
    internal static (List<TemplateSegment> Segments, List<TemplateError> Errors) Parse(string? template, AnalysisWork? work, CancellationToken cancellationToken)
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
        var nextClose = new BraceSearch(text, '}');
        var nextOpen = new BraceSearch(text, '{');
        var i = 0;
        while (i < text.Length)
        {
            work.Step(WorkKind.TemplateCharacters, cancellationToken);
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
                var close = nextClose.From(i + 1, work, cancellationToken);
                var open = nextOpen.From(i + 1, work, cancellationToken);
                if (close < 0 || (open >= 0 && open < close))
                {
                    var end = open >= 0 && (close < 0 || open < close) ? open : text.Length;
                    errors.Add(new TemplateError(i, end - i, "a '{' without its '}'"));
                    literal.Append(text, i, end - i);
                    work.Step(WorkKind.TemplateCharacters, cancellationToken, end - i);
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
                work.Step(WorkKind.TemplateCharacters, cancellationToken, name.Length);
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

    /// <summary>
    /// The position of the next <c>brace</c> at or after a position that only moves forward. A search
    /// resumes after the last one: each character is scanned at most once per brace kind.
    /// </summary>
    private sealed class BraceSearch(string text, char brace)
    {
        private int _searchedFrom = int.MaxValue;
        private int _found = -1;

        public int From(int position, AnalysisWork? work, CancellationToken cancellationToken)
        {
            // The last answer still holds when no brace can lie between position and it.
            if (position >= _searchedFrom && (_found < 0 || _found >= position))
            {
                return _found;
            }

            var scan = position;
            while (scan < text.Length && text[scan] != brace)
            {
                scan++;
            }

            work.Step(WorkKind.TemplateCharacters, cancellationToken, scan - position + 1);
            _searchedFrom = position;
            _found = scan < text.Length ? scan : -1;
            return _found;
        }
    }
}
