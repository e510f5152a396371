using System.Text;

namespace Amsha.Generators.Helpers;

/// <summary>Writes indented C# source; cheaper and more readable than SyntaxFactory with NormalizeWhitespace.</summary>
/// <remarks>
/// Indentation stops growing at <see cref="MaxIndent"/> levels: code nested deeper (a collection nested many
/// levels in a member's type) stays correct, and its size grows with the nesting instead of with its square.
/// </remarks>
internal sealed class SourceWriter
{
    /// <summary>The deepest indentation written, in levels of four spaces.</summary>
    public const int MaxIndent = 16;

    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (var i = 0; i < _indent && i < MaxIndent; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Opens <c>namespace N {</c> (unless global) and <c>partial class T {</c> for each type of <paramref name="scope"/>.</summary>
    public SourceWriter OpenScope(DeclarationScope scope)
    {
        if (scope.Namespace is not null)
        {
            Line($"namespace {scope.Namespace}").Line("{").Indent();
        }

        foreach (var type in scope.Types)
        {
            Open($"partial {type.Keyword} {type.Name}");
        }

        return this;
    }

    /// <summary>Closes what <see cref="OpenScope"/> opened.</summary>
    public SourceWriter CloseScope(DeclarationScope scope)
    {
        foreach (var _ in scope.Types)
        {
            Close();
        }

        if (scope.Namespace is not null)
        {
            Unindent().Line("}");
        }

        return this;
    }

    public SourceWriter Indent()
    {
        _indent++;
        return this;
    }

    public SourceWriter Unindent()
    {
        _indent--;
        return this;
    }

    public override string ToString() => _builder.ToString();
}
