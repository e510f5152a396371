using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// Pieces of diagnostic messages built from what the user wrote, bounded in length: a message names the
/// things involved, but a crew input with ten thousand members, a cycle through a thousand tasks or a
/// type nested a hundred levels deep must not make every message (and the IDE that shows it) huge.
/// </summary>
internal static class MessageText
{
    /// <summary>The most names a list in a message shows.</summary>
    public const int MaxNames = 20;

    /// <summary>The most characters of source text or type names a message quotes.</summary>
    public const int MaxCharacters = 200;

    /// <summary><c>A, B, C</c>; beyond <see cref="MaxNames"/> names, <c>A, B, …, T and 980 more</c>.</summary>
    public static string List(IReadOnlyList<string> names)
    {
        var text = new StringBuilder();
        var shown = names.Count <= MaxNames ? names.Count : MaxNames;
        for (var i = 0; i < shown; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(Quote(names[i]));
        }

        if (shown < names.Count)
        {
            text.Append(", … and ").Append((names.Count - shown).ToString(CultureInfo.InvariantCulture)).Append(" more");
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>A → B → A</c>; beyond <see cref="MaxNames"/> steps, the first and last ones around
    /// <c>… (980 more) …</c>, so where the path starts and how it closes stay visible.
    /// </summary>
    public static string Path(IReadOnlyList<string> steps)
    {
        const string Arrow = " → ";
        if (steps.Count <= MaxNames)
        {
            var all = new StringBuilder();
            for (var i = 0; i < steps.Count; i++)
            {
                all.Append(i == 0 ? "" : Arrow).Append(Quote(steps[i]));
            }

            return all.ToString();
        }

        var half = MaxNames / 2;
        var text = new StringBuilder();
        for (var i = 0; i < half; i++)
        {
            text.Append(i == 0 ? "" : Arrow).Append(Quote(steps[i]));
        }

        text.Append(Arrow).Append("… (").Append((steps.Count - (2 * half)).ToString(CultureInfo.InvariantCulture)).Append(" more) …");
        for (var i = steps.Count - half; i < steps.Count; i++)
        {
            text.Append(Arrow).Append(Quote(steps[i]));
        }

        return text.ToString();
    }

    /// <summary>Source text or a name as quoted in a message: at most <see cref="MaxCharacters"/> characters, then <c>…</c>.</summary>
    public static string Quote(string text) => text.Length <= MaxCharacters ? text : text.Substring(0, MaxCharacters) + "…";

    /// <summary>The source text of <paramref name="node"/> (without trivia) as quoted in a message, reading no more of it than is quoted.</summary>
    public static string Source(SyntaxNode node, CancellationToken cancellationToken)
    {
        var span = node.Span;
        var text = node.SyntaxTree.GetText(cancellationToken);
        return Quote(text.ToString(new TextSpan(span.Start, Math.Min(span.Length, MaxCharacters + 1))));
    }

    /// <summary>
    /// A type as shown in messages (<paramref name="format"/>), or, when the type is too large to show
    /// (type arguments nested or repeated beyond <see cref="MaxCharacters"/> type names, as through
    /// chained <c>using</c> aliases), its name with <c>&lt;…&gt;</c> for its type arguments.
    /// </summary>
    public static string Type(ITypeSymbol type, SymbolDisplayFormat format)
    {
        var budget = MaxCharacters;
        return Fits(type, ref budget, 0) ? Quote(type.ToDisplayString(format)) : Quote(type.Name) + "<…>";
    }

    // Counts the type names a display would write, stopping as soon as the budget is spent: at most
    // MaxCharacters steps, whatever the size of the type.
    private static bool Fits(ITypeSymbol type, ref int budget, int depth)
    {
        if (--budget < 0 || depth > MaxNames)
        {
            return false;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                return Fits(array.ElementType, ref budget, depth + 1);
            case IPointerTypeSymbol pointer:
                return Fits(pointer.PointedAtType, ref budget, depth + 1);
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    if (!Fits(argument, ref budget, depth + 1))
                    {
                        return false;
                    }
                }

                return named.ContainingType is null || Fits(named.ContainingType, ref budget, depth + 1);
            default:
                return true;
        }
    }
}
