using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Helpers;

/// <summary>Pieces of C# text every emitter writes the same way: literals, identifiers, numbers.</summary>
internal static class CodeText
{
    /// <summary>A C# string literal holding <paramref name="text"/>, quoted and escaped.</summary>
    public static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>
    /// <paramref name="name"/> as an identifier in code: keywords, and <c>await</c> (reserved inside async
    /// methods), get the verbatim prefix <c>@</c>.
    /// </summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword ? "@" + name : name;

    /// <summary>An integer literal, culture-invariant.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>double</c> literal that reads back as the same value, culture-invariant.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Text safe inside an XML doc comment: names from definition files may hold <c>&amp;</c>, <c>&lt;</c> or <c>&gt;</c>.</summary>
    public static string XmlText(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
