using System.Collections.Generic;
using System.Text;
using System.Threading;
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
    private static readonly char[] LineBreaks = { '\r', '\n' };

    private readonly SyntaxTree _tree;
    private readonly int[] _starts;
    private readonly int[] _ends;

    private TemplateSourceMap(SyntaxTree tree, int[] starts, int[] ends)
    {
        _tree = tree;
        _starts = starts;
        _ends = ends;
    }

    /// <summary>The exact location of the template text <c>[start, start + length)</c>, or null when it is not within the value.</summary>
    public Location? Locate(int start, int length) =>
        length > 0 && start >= 0 && start + length <= _starts.Length
            ? Location.Create(_tree, TextSpan.FromBounds(_starts[start], _ends[start + length - 1]))
            : null;

    public static TemplateSourceMap? Create(ExpressionSyntax expression, string value) => Create(expression, value, null, default);

    /// <summary>
    /// Decodes the literal behind <paramref name="expression"/> once, character by character; null when it is
    /// not a single string literal or does not decode to <paramref name="value"/>. Callers keep the map and
    /// locate every diagnostic of the template from it.
    /// </summary>
    internal static TemplateSourceMap? Create(ExpressionSyntax expression, string value, AnalysisWork? work, CancellationToken cancellationToken)
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
        var decoded = new Decoded(token.Text.Length, work, cancellationToken);
        var ok = token.Kind() switch
        {
            SyntaxKind.StringLiteralToken when token.Text.StartsWith("@", System.StringComparison.Ordinal) => DecodeVerbatim(token.Text, decoded),
            SyntaxKind.StringLiteralToken => DecodeRegular(token.Text, decoded),
            SyntaxKind.SingleLineRawStringLiteralToken => DecodeSingleLineRaw(token.Text, decoded),
            SyntaxKind.MultiLineRawStringLiteralToken => DecodeMultiLineRaw(token.Text, decoded),
            _ => false,
        };

        return ok && decoded.Is(value) ? new TemplateSourceMap(tree, decoded.Starts(token.SpanStart), decoded.Ends(token.SpanStart)) : null;
    }

    /// <summary>The decoded value with, for each of its characters, the span of source text that wrote it.</summary>
    private sealed class Decoded(int capacity, AnalysisWork? work, CancellationToken cancellationToken)
    {
        private readonly StringBuilder _text = new(capacity);
        private readonly List<int> _starts = new(capacity);
        private readonly List<int> _ends = new(capacity);

        public void Add(char c, int start, int end)
        {
            work.Step(WorkKind.LiteralCharacters, cancellationToken);
            _text.Append(c);
            _starts.Add(start);
            _ends.Add(end);
        }

        /// <summary>Counts source characters looked at without producing value characters (indentation, line breaks checked).</summary>
        public void Skip(int characters) => work.Step(WorkKind.LiteralCharacters, cancellationToken, characters);

        public bool Is(string value) => _text.Length == value.Length && _text.ToString() == value;

        public int[] Starts(int offset) => Shift(_starts, offset);

        public int[] Ends(int offset) => Shift(_ends, offset);

        private static int[] Shift(List<int> positions, int offset)
        {
            var result = new int[positions.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = positions[i] + offset;
            }

            return result;
        }
    }

    private static bool DecodeRegular(string text, Decoded decoded)
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
                decoded.Add(text[i], i, i + 1);
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
                decoded.Add(c, i, i + 2);
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
                    decoded.Add((char)code, i, end);
                }
                else if (code <= 0x10FFFF)
                {
                    code -= 0x10000;
                    decoded.Add((char)(0xD800 + (code >> 10)), i, end);
                    decoded.Add((char)(0xDC00 + (code & 0x3FF)), i, end);
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

                decoded.Add((char)code, i, i + 2 + digits);
                i += 2 + digits;
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool DecodeVerbatim(string text, Decoded decoded)
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

                decoded.Add('"', i, i + 2);
                i += 2;
                continue;
            }

            decoded.Add(text[i], i, i + 1);
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

    private static bool DecodeSingleLineRaw(string text, Decoded decoded)
    {
        var quotes = CountQuotes(text, 0, 1);
        if (quotes < 3 || text.Length < 2 * quotes || CountQuotes(text, text.Length - 1, -1) < quotes)
        {
            return false;
        }

        for (var i = quotes; i < text.Length - quotes; i++)
        {
            decoded.Add(text[i], i, i + 1);
        }

        return true;
    }

    private static bool DecodeMultiLineRaw(string text, Decoded decoded)
    {
        var quotes = CountQuotes(text, 0, 1);
        if (quotes < 3 || CountQuotes(text, text.Length - 1, -1) < quotes)
        {
            return false;
        }

        var closing = text.Length - quotes;
        var firstBreak = text.IndexOfAny(LineBreaks, quotes);
        var lastBreakEnd = text.LastIndexOfAny(LineBreaks, closing - 1) + 1;
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
            var lineEnd = text.IndexOfAny(LineBreaks, i);
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

            decoded.Skip(skip);
            for (var c = i + skip; c < lineEnd; c++)
            {
                decoded.Add(text[c], c, c + 1);
            }

            if (lineEnd >= contentEnd)
            {
                break;
            }

            var next = SkipBreak(text, lineEnd);
            for (var c = lineEnd; c < next; c++)
            {
                decoded.Add(text[c], c, c + 1);
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
