using System.Globalization;
using System.Text;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// Templates of a given length (characters of the template's value) in the three kinds of literal, marked
/// up with the diagnostics TemplateAnalyzer must report at their exact spans. Each 100-character unit holds
/// a valid placeholder, an unknown one (AMSHA004), an unclosed brace, an empty placeholder and a stray
/// closing brace (three AMSHA014), and escapes that make source and value offsets differ; a tail of one
/// unclosed brace per unit follows.
/// </summary>
internal static class TemplateScalingSources
{
    public const int UnitLength = 100;

    /// <summary>
    /// An agent whose <c>Backstory</c> (regular literal) and <c>Goal</c> (verbatim literal) and an
    /// <c>[AmshaLlmCall]</c> whose <c>Prompt</c> (raw literal) each hold <paramref name="characters"/>
    /// characters of template, as markup (<c>{|AMSHA004:...|}</c>).
    /// </summary>
    public static string Markup(int characters)
    {
        var units = characters / UnitLength;
        var regular = new StringBuilder();
        var verbatim = new StringBuilder();
        var raw = new StringBuilder();
        for (var i = 0; i < units; i++)
        {
            var n = i.ToString("D5", CultureInfo.InvariantCulture);
            var value = $"About {{Topic}} for {{Unknown{n}}}, a \"quote\" A and {{Open{n} then {{}} and }} end.";
            var padding = new string('.', UnitLength - value.Length);
            var marked = $"About {{Topic}} for {{{{|AMSHA004:Unknown{n}|}}}}, a QUOTE ESCAPE and {{|AMSHA014:{{Open{n} then |}}{{|AMSHA014:{{}}|}} and {{|AMSHA014:}}|}} end." + padding;
            regular.Append(marked.Replace("QUOTE", "\\\"quote\\\"").Replace("ESCAPE", "\\u0041"));
            verbatim.Append(marked.Replace("QUOTE", "\"\"quote\"\"").Replace("ESCAPE", "A"));
            raw.Append("        ").Append(marked.Replace("QUOTE", "\"quote\"").Replace("ESCAPE", "A")).Append('\n');
        }

        // Then as many unclosed braces with no closing brace after them (each one AMSHA014): a parser that
        // searched the rest of the template for '}' at each '{' did work quadratic in this tail.
        var tail = new StringBuilder();
        for (var i = 0; i < units; i++)
        {
            tail.Append("{|AMSHA014:{open").Append(i.ToString("D5", CultureInfo.InvariantCulture)).Append(" |}");
        }

        regular.Append(tail);
        verbatim.Append(tail);
        raw.Append("        ").Append(tail).Append('\n');

        return "using System.Threading.Tasks;\nusing Amsha;\n\npublic sealed record Req(string Topic);\n\n"
            + "[Agent(Role = \"R\", Goal = @\"" + verbatim + "\", Backstory = \"" + regular + "\")]\npublic partial class Writer;\n\n"
            + "[CrewTask(Agent = typeof(Writer), Description = \"D {Topic}\", ExpectedOutput = \"E\")]\npublic partial class Write;\n\n"
            + "[Crew<Req>(Tasks = [typeof(Write)])]\npublic partial class TemplateCrew;\n\n"
            + "public sealed partial class Caller(ExecutionSession session)\n{\n    private readonly ExecutionSession _session = session;\n\n"
            + "    [AmshaLlmCall(Prompt = \"\"\"\n" + raw + "        \"\"\")]\n    public partial Task<string> AskAsync(string topic);\n}\n";
    }

    /// <summary>
    /// An agent whose <c>Backstory</c> is <paramref name="backstory"/> (written in a regular literal as is: no
    /// quotes or backslashes), in a task of a crew whose input has one member, <c>Topic</c>.
    /// </summary>
    public static string InCrew(string backstory) =>
        "using Amsha;\npublic sealed record Req(string Topic);\n"
        + "[Agent(Role = \"R\", Goal = \"G\", Backstory = \"" + backstory + "\")] public partial class Writer;\n"
        + "[CrewTask(Agent = typeof(Writer), Description = \"D\", ExpectedOutput = \"E\")] public partial class Write;\n"
        + "[Crew<Req>(Tasks = [typeof(Write)])] public partial class TemplateCrew;\n";

    /// <summary>The unit value before padding must fit the unit; checked by the tests that use it.</summary>
    public static int UnitValueLength => $"About {{Topic}} for {{Unknown00000}}, a \"quote\" A and {{Open00000 then {{}} and }} end.".Length;
}
