using System.Globalization;
using System.Text;

namespace Amsha.Generators.Helpers;

/// <summary>
/// Names the generators make from a type's full name: the classes they generate and the files they add. Each is one
/// name per full name — two types never share a codec, as <c>Shop.Order_Line</c> and <c>Shop.Order.Line</c> did when
/// both became <c>Shop_Order_Line</c> — and bounded in length, so a deeply nested or deeply generic type still makes a
/// valid metadata name and a file name the file system can hold.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>
    /// The longest generated class name made from a full name: metadata names end at 1,024 bytes, and a class name
    /// also appears inside longer ones (nested types, suffixes).
    /// </summary>
    internal const int MaxIdentifierLength = 200;

    /// <summary>
    /// The longest file name: with <c>EmitCompilerGeneratedFiles</c> Roslyn writes each file to
    /// <c>obj/…/generated/&lt;assembly&gt;/&lt;generator&gt;/&lt;hint name&gt;</c>, which must stay within Windows' 260-character
    /// paths and every file system's 255-byte names.
    /// </summary>
    internal const int MaxHintNameLength = 100;

    private const int HashLength = 16;

    /// <summary>
    /// <paramref name="fullName"/> as an identifier: letters and digits kept, every other character '_'. When that
    /// loses what told two names apart (a '_', a generic, array or nullable mark) or makes the name too long, the
    /// identifier ends in a hash of <paramref name="fullName"/>.
    /// </summary>
    public static string Identifier(string fullName)
    {
        var identifier = Sanitized(fullName, keepDotsAndUnderscores: false, MaxIdentifierLength, "");

        // Half-typed code can leave a name empty; an identifier cannot start with a digit.
        return identifier.Length == 0 || char.IsDigit(identifier[0]) ? "_" + identifier : identifier;
    }

    /// <summary>
    /// The name of the file generated for <paramref name="fullName"/>, ending in <paramref name="suffix"/>: letters,
    /// digits, '.' and '_' kept, every other character '_'; with a hash of <paramref name="fullName"/> before the
    /// suffix when that loses what told two names apart (a generic, array or nullable mark) or makes the name too long.
    /// </summary>
    public static string FileName(string fullName, string suffix) => Sanitized(fullName, keepDotsAndUnderscores: true, MaxHintNameLength, suffix);

    /// <summary>
    /// <paramref name="hintName"/> with a hash of it before its last suffix (<c>Shop.MyCrew.</c>hash<c>.Crew.g.cs</c>):
    /// for a file whose name equals another's but for case, since Roslyn (like Windows' and macOS' file systems)
    /// tells generated files apart ignoring case.
    /// </summary>
    public static string CaseDistinct(string hintName)
    {
        const string End = ".g.cs";
        var stem = hintName.EndsWith(End, System.StringComparison.Ordinal) ? hintName.Substring(0, hintName.Length - End.Length) : hintName;
        var kind = stem.LastIndexOf('.');
        return kind > 0
            ? Hashed(stem.Substring(0, kind), hintName, MaxHintNameLength, '.', stem.Substring(kind) + End)
            : Hashed(stem, hintName, MaxHintNameLength, '.', End);
    }

    private static string Sanitized(string fullName, bool keepDotsAndUnderscores, int maxLength, string suffix)
    {
        var builder = new StringBuilder(fullName.Length + suffix.Length);
        var ambiguous = false;
        foreach (var c in fullName)
        {
            if (char.IsLetterOrDigit(c) || (keepDotsAndUnderscores && c is '.' or '_'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('_');
                ambiguous |= c != '.';
            }
        }

        return !ambiguous && builder.Length + suffix.Length <= maxLength
            ? builder.Append(suffix).ToString()
            : Hashed(builder.ToString(), fullName, maxLength, keepDotsAndUnderscores ? '.' : '_', suffix);
    }

    // Keeps the end of the readable name (the type's own name comes last), cut at a separator, then the hash of what it stands for.
    private static string Hashed(string readable, string hashed, int maxLength, char separator, string suffix)
    {
        var keep = maxLength - suffix.Length - HashLength - 1;
        if (readable.Length > keep)
        {
            var tail = readable.Substring(readable.Length - keep);
            var cut = tail.IndexOf(separator);
            readable = cut >= 0 && cut < tail.Length - 1 ? tail.Substring(cut + 1) : tail;
        }

        return readable + separator + Hash(hashed) + suffix;
    }

    /// <summary>A hash of <paramref name="text"/> that is the same in every process (64-bit FNV-1a), as 16 hex digits.</summary>
    public static string Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
