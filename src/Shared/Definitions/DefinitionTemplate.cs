// Shared source: compiled into the generator (netstandard2.0) and the runtime (net8.0).
using System;
using System.Collections.Generic;

namespace Amsha.Definitions;

/// <summary>A piece of a definition file's text: literal text or a <c>{name}</c> placeholder.</summary>
/// <param name="IsPlaceholder">True for a placeholder.</param>
/// <param name="Text">The literal text exactly as written, or the placeholder's name (without braces).</param>
/// <param name="Offset">Where the piece starts in the text; a placeholder's piece starts at its <c>{</c>.</param>
/// <param name="Length">The piece's length in the text; a placeholder's includes both braces.</param>
/// <remarks>The pieces of a text follow one another without gaps, so they always add up to the whole text.</remarks>
internal readonly record struct TemplatePiece(bool IsPlaceholder, string Text, int Offset, int Length)
{
    /// <summary>Where a placeholder's name starts (after the <c>{</c>).</summary>
    public int NameOffset => IsPlaceholder ? Offset + 1 : Offset;
}

/// <summary>
/// The placeholder rule of definition files (CrewAI's, not that of C# attributes): only <c>{identifier}</c>, with an
/// identifier <c>[A-Za-z_][A-Za-z0-9_]*</c>, is a placeholder. Every other brace is literal text and nothing is an
/// escape, so JSON examples in an expected output (<c>{ "a": 1 }</c>, <c>{}</c>, <c>{{</c>) stay exactly as written
/// while a <c>{topic}</c> inside them is still filled in, as CrewAI does.
/// </summary>
internal static class DefinitionTemplate
{
    private static readonly IReadOnlyList<TemplatePiece> Empty = Array.Empty<TemplatePiece>();

    /// <summary>Splits <paramref name="text"/> into literal pieces and placeholders, in order.</summary>
    /// <remarks>One pass: each character is looked at a bounded number of times (a failed placeholder resumes the
    /// scan at the character that ended it), so the work is linear in the text's length.</remarks>
    public static IReadOnlyList<TemplatePiece> Parse(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Empty;
        }

        List<TemplatePiece>? pieces = null;
        var literalStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '{')
            {
                i++;
                continue;
            }

            var nameStart = i + 1;
            var end = nameStart;
            if (end < text.Length && IsIdentifierStart(text[end]))
            {
                end++;
                while (end < text.Length && IsIdentifierPart(text[end]))
                {
                    end++;
                }
            }

            if (end == nameStart || end >= text.Length || text[end] != '}')
            {
                // Not a placeholder: the scan goes on from where the name stopped (which may be another '{').
                i = end == nameStart ? nameStart : end;
                continue;
            }

            pieces ??= new List<TemplatePiece>();
            if (i > literalStart)
            {
                pieces.Add(new TemplatePiece(false, text.Substring(literalStart, i - literalStart), literalStart, i - literalStart));
            }

            pieces.Add(new TemplatePiece(true, text.Substring(nameStart, end - nameStart), i, end + 1 - i));
            i = end + 1;
            literalStart = i;
        }

        if (pieces is null)
        {
            // No placeholder: the whole text is one literal piece.
            return new[] { new TemplatePiece(false, text, 0, text.Length) };
        }

        if (literalStart < text.Length)
        {
            pieces.Add(new TemplatePiece(false, text.Substring(literalStart), literalStart, text.Length - literalStart));
        }

        return pieces;
    }

    private static bool IsIdentifierStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || c is >= '0' and <= '9';
}
