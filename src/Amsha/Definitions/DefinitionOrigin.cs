using System.Globalization;

namespace Amsha;

/// <summary>Where a definition, or one of its fields, is written: a file's line and column, or a table's row.</summary>
public sealed record DefinitionOrigin
{
    private DefinitionOrigin()
    {
    }

    /// <summary>The file, as the source names it (relative to its directory); null for a database row.</summary>
    public string? Path { get; private init; }

    /// <summary>The 1-based line in <see cref="Path"/>.</summary>
    public int Line { get; private init; }

    /// <summary>The 1-based column in <see cref="Path"/>.</summary>
    public int Column { get; private init; }

    /// <summary>The table; null for a file.</summary>
    public string? Table { get; private init; }

    /// <summary>The row's id in <see cref="Table"/>.</summary>
    public long Row { get; private init; }

    /// <summary>The field (table column or body key) within the row, when known.</summary>
    public string? Field { get; private init; }

    /// <summary>A place in a file.</summary>
    public static DefinitionOrigin InFile(string path, int line, int column) => new() { Path = path, Line = line, Column = column };

    /// <summary>A row of a table, and optionally the field within it.</summary>
    public static DefinitionOrigin InTable(string table, long row, string? field = null) => new() { Table = table, Row = row, Field = field };

    /// <summary><c>path(line,column)</c>, or <c>table t, row r, field f</c>.</summary>
    public override string ToString() => Path is not null
        ? string.Create(CultureInfo.InvariantCulture, $"{Path}({Line},{Column})")
        : string.Create(CultureInfo.InvariantCulture, $"table {Table}, row {Row}") + (Field is null ? "" : ", field " + Field);
}
