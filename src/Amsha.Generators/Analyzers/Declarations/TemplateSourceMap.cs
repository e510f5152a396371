using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// Maps offsets in a template's value to positions in the string literal that wrote it, so a
/// diagnostic covers exactly <c>Topik</c> even in <c>"Say \"{Topik}\""</c>, <c>@"..."</c> or a raw
/// literal. When the expression is not a single literal, or its decoded text does not equal the
/// value, there is no exact map and callers fall back to the whole expression.
/// </summary>
internal sealed class TemplateSourceMap
{
    private readonly SyntaxTree _tree;
    private readonly int[] _starts;
    private readonly int[] _ends;

    private TemplateSourceMap(SyntaxTree tree, int[] starts, int[] ends)
    {
        _tree = tree;
        _starts = starts;
        _ends = ends;
    }

    /// <summary>The location of the template text <c>[start, start + length)</c>; exact when the literal could be mapped.</summary>
    public static Location Locate(ExpressionSyntax? expression, string value, int start, int length, Location fallback, out bool exact)
    {
        exact = false;
        if (expression is null)
        {
            return fallback;
        }

        if (Create(expression, value) is { } map && length > 0 && start >= 0 && start + length <= value.Length)
        {
            exact = true;
            return Location.Create(map._tree, TextSpan.FromBounds(map._starts[start], map._ends[start + length - 1]));
        }

        return expression.GetLocation();
    }

    public static TemplateSourceMap? Create(ExpressionSyntax expression, string value)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        if (expression is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal || literal.SyntaxTree is not { } tree)
        {
            return null;
        }

        var token = literal.Token;
        var decoded = new StringBuilder();
        var starts = new List<int>();
        var ends = new List<int>();
        var ok = token.Kind() switch
        {
            SyntaxKind.StringLiteralToken when token.Text.StartsWith("@", System.StringComparison.Ordinal) => DecodeVerbatim(token.Text, decoded, starts, ends),
            SyntaxKind.StringLiteralToken => DecodeRegular(token.Text, decoded, starts, ends),
            SyntaxKind.SingleLineRawStringLiteralToken => DecodeSingleLineRaw(token.Text, decoded, starts, ends),
            SyntaxKind.MultiLineRawStringLiteralToken => DecodeMultiLineRaw(token.Text, decoded, starts, ends),
            _ => false,
        };

        if (!ok || decoded.ToString() != value)
        {
            return null;
        }

        var offset = token.SpanStart;
        var startArray = new int[starts.Count];
        var endArray = new int[ends.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            startArray[i] = starts[i] + offset;
            endArray[i] = ends[i] + offset;
        }

        return new TemplateSourceMap(tree, startArray, endArray);
    }

    private static void Add(StringBuilder decoded, List<int> starts, List<int> ends, char c, int start, int end)
    {
        decoded.Append(c);
        starts.Add(start);
        ends.Add(end);
    }

    private static bool DecodeRegular(string text, StringBuilder decoded, List<int> starts, List<int> ends)
    {
        if (text.Length < 2 || text[0] != '"' || text[text.Length - 1] != '"')
        {
            return false;
        }

        var last = text.Length - 1;
        var i = 1;
        while (i < last)
        {
            if (text[i] != '\\')
            {
                Add(decoded, starts, ends, text[i], i, i + 1);
                i++;
                continue;
            }

            if (i + 1 >= last)
            {
                return false;
            }

            var kind = text[i + 1];
            char? simple = kind switch
            {
                '\'' => '\'', '"' => '"', '\\' => '\\', '0' => '\0', 'a' => '\a', 'b' => '\b',
                'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', 'v' => '\v',
                _ => null,
            };
            if (simple is { } c)
            {
                Add(decoded, starts, ends, c, i, i + 2);
                i += 2;
                continue;
            }

            int digits;
            if (kind == 'u' || kind == 'U')
            {
                digits = kind == 'u' ? 4 : 8;
                if (i + 2 + digits > last || !TryHex(text, i + 2, digits, out var code))
                {
                    return false;
                }

                var end = i + 2 + digits;
                if (code <= 0xFFFF)
                {
                    Add(decoded, starts, ends, (char)code, i, end);
                }
                else if (code <= 0x10FFFF)
                {
                    code -= 0x10000;
                    Add(decoded, starts, ends, (char)(0xD800 + (code >> 10)), i, end);
                    Add(decoded, starts, ends, (char)(0xDC00 + (code & 0x3FF)), i, end);
                }
                else
                {
                    return false;
                }

                i = end;
                continue;
            }

            if (kind == 'x')
            {
                digits = 0;
                while (digits < 4 && i + 2 + digits < last && IsHex(text[i + 2 + digits]))
                {
                    digits++;
                }

                if (digits == 0 || !TryHex(text, i + 2, digits, out var code))
                {
                    return false;
                }

                Add(decoded, starts, ends, (char)code, i, i + 2 + digits);
                i += 2 + digits;
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool DecodeVerbatim(string text, StringBuilder decoded, List<int> starts, List<int> ends)
    {
        if (text.Length < 3 || text[1] != '"' || text[text.Length - 1] != '"')
        {
            return false;
        }

        var last = text.Length - 1;
        var i = 2;
        while (i < last)
        {
            if (text[i] == '"')
            {
                if (i + 1 >= last || text[i + 1] != '"')
                {
                    return false;
                }

                Add(decoded, starts, ends, '"', i, i + 2);
                i += 2;
                continue;
            }

            Add(decoded, starts, ends, text[i], i, i + 1);
            i++;
        }

        return true;
    }

    private static int CountQuotes(string text, int from, int step)
    {
        var count = 0;
        for (var i = from; i >= 0 && i < text.Length && text[i] == '"'; i += step)
        {
            count++;
        }

        return count;
    }

    private static bool DecodeSingleLineRaw(string text, StringBuilder decoded, List<int> starts, List<int> ends)
    {
        var quotes = CountQuotes(text, 0, 1);
        if (quotes < 3 || text.Length < 2 * quotes || CountQuotes(text, text.Length - 1, -1) < quotes)
        {
            return false;
        }

        for (var i = quotes; i < text.Length - quotes; i++)
        {
            Add(decoded, starts, ends, text[i], i, i + 1);
        }

        return true;
    }

    private static bool DecodeMultiLineRaw(string text, StringBuilder decoded, List<int> starts, List<int> ends)
    {
        var quotes = CountQuotes(text, 0, 1);
        if (quotes < 3 || CountQuotes(text, text.Length - 1, -1) < quotes)
        {
            return false;
        }

        var closing = text.Length - quotes;
        var firstBreak = text.IndexOfAny(new[] { '\r', '\n' }, quotes);
        var lastBreakEnd = text.LastIndexOfAny(new[] { '\r', '\n' }, closing - 1) + 1;
        if (firstBreak < 0 || lastBreakEnd <= firstBreak)
        {
            return false;
        }

        var indentation = text.Substring(lastBreakEnd, closing - lastBreakEnd);
        if (indentation.Trim().Length != 0)
        {
            return false;
        }

        // The break before the closing line is not part of the value.
        var contentEnd = lastBreakEnd - 1;
        if (contentEnd > 0 && text[contentEnd] == '\n' && text[contentEnd - 1] == '\r')
        {
            contentEnd--;
        }

        var i = SkipBreak(text, firstBreak);
        while (i < contentEnd)
        {
            var lineEnd = text.IndexOfAny(new[] { '\r', '\n' }, i);
            if (lineEnd < 0 || lineEnd > contentEnd)
            {
                lineEnd = contentEnd;
            }

            var line = text.Substring(i, lineEnd - i);
            int skip;
            if (line.StartsWith(indentation, System.StringComparison.Ordinal))
            {
                skip = indentation.Length;
            }
            else if (line.Trim().Length == 0)
            {
                skip = line.Length;
            }
            else
            {
                return false;
            }

            for (var c = i + skip; c < lineEnd; c++)
            {
                Add(decoded, starts, ends, text[c], c, c + 1);
            }

            if (lineEnd >= contentEnd)
            {
                break;
            }

            var next = SkipBreak(text, lineEnd);
            for (var c = lineEnd; c < next; c++)
            {
                Add(decoded, starts, ends, text[c], c, c + 1);
            }

            i = next;
        }

        return true;
    }

    private static int SkipBreak(string text, int at) =>
        text[at] == '\r' && at + 1 < text.Length && text[at + 1] == '\n' ? at + 2 : at + 1;

    private static bool IsHex(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

    private static bool TryHex(string text, int start, int digits, out int value)
    {
        value = 0;
        for (var i = start; i < start + digits; i++)
        {
            if (!IsHex(text[i]))
            {
                return false;
            }

            value = (value * 16) + (text[i] <= '9' ? text[i] - '0' : (char.ToLowerInvariant(text[i]) - 'a' + 10));
        }

        return true;
    }
}
