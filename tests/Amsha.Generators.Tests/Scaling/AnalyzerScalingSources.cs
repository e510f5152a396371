using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// Programs whose size is one number: a crew of <c>n</c> tasks with everything that grows with it, written
/// to reach every analyzer's loops (and the shapes that used to make them super-linear). The generator is
/// not run: the members it would add to the crew are written by hand, so the programs compile far enough
/// for every call to bind, and only analyzer work is measured.
/// </summary>
internal static class AnalyzerScalingSources
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;
        using Microsoft.Extensions.AI;
        using OpenAI.Chat;

        """;

    /// <summary>
    /// A crew of <paramref name="n"/> tasks: typed outputs nested in one non-declaration class, templates with
    /// valid, unknown and malformed placeholders, context chains with some out-of-order entries, blank texts,
    /// invalid resilience settings, one duplicate task, a second crew of <paramref name="n"/> non-tasks, a crew
    /// type with <paramref name="n"/> mutable properties and methods that branch, and client code making <paramref name="n"/> of each
    /// call the control-flow and leakage rules look at, all in single methods and single loops.
    /// </summary>
    public static string Crew(int n)
    {
        var text = new StringBuilder(Usings);
        text.AppendLine("public sealed record Req(string Topic, string Audience);");
        text.AppendLine("public static class Outputs");
        text.AppendLine("{");
        For(n, text, i => $"    public sealed record Out{i}(string Text, int Count);");
        text.AppendLine("}");
        text.AppendLine("""[Agent(Role = "Writer on {Topic}", Goal = "Explain {Topik} to {Audience}", Backstory = "Careful {")]""");
        text.AppendLine("public partial class Writer { public static ChatClient? Shared; }");
        For(n, text, i =>
        {
            // A chain, cut before every task 6, 16, ...: task 5, 15, ... also names the next one, listed after it (AMSHA006, no cycle).
            var context = i % 10 == 6 ? "" : i % 10 == 5 && i + 1 < n ? $", Context = [typeof(Task{i - 1}), typeof(Task{i + 1})]" : i == 0 ? "" : $", Context = [typeof(Task{i - 1})]";
            var expected = i % 10 == 7 ? " " : "Text on {Topic}";
            var repairs = i % 10 == 3 ? ", OutputRepairs = -1" : "";
            return $$"""[CrewTask<Outputs.Out{{i}}>(Agent = typeof(Writer), Description = "Step {{i}} on {Topic} for {Audiance} with {}", ExpectedOutput = "{{expected}}"{{context}}{{repairs}})] public partial class Task{{i}};""";
        });
        text.Append("[Crew<Req>(Tasks = [").Append(Types(n, "Task")).AppendLine(", typeof(Task0)])]");
        text.AppendLine("public partial class BigCrew");
        text.AppendLine("{");
        For(n, text, i => $"    public int Count{i} {{ get; set; }} public int Pick{i}(int x) {{ if (x > {i}) {{ return 1; }} return 0; }}");
        text.AppendLine("    public ChatClient? Raw { get; set; }");
        text.AppendLine("    public Task<CrewResult<string>> RunAsync(Req input, CancellationToken cancellationToken = default) => throw new NotSupportedException();");
        text.AppendLine("    public ExecutionHandle<string> StartBackground(Req input) => throw new NotSupportedException();");
        text.AppendLine("}");
        text.Append("[Crew<Req>(Tasks = [").Append(Types(n, "Outputs.Out")).AppendLine("])] public partial class OddCrew;");
        text.AppendLine("[ExecutionState] public sealed partial class Memory { public List<ChatCompletion> History { get; } = new(); }");
        text.AppendLine("public sealed partial class Client(ExecutionSession session)");
        text.AppendLine("{");
        text.AppendLine("    private readonly ExecutionSession _session = session;");
        text.AppendLine("""    [AmshaLlmCall(Prompt = "Summarize {text} in {wrods} words {", MaxAttempts = 0)] public partial Task<string> SummarizeAsync(string text, int words);""");
        text.AppendLine("    public void Block(BigCrew crew, Req input)");
        text.AppendLine("    {");
        text.AppendLine("        var run = crew.RunAsync(input);");
        text.AppendLine("        var handle = crew.StartBackground(input);");
        For(n, text, i => "        _ = run.Result; _ = (InteractiveExecutionHandle<string>)handle; crew.StartBackground(input);");
        text.AppendLine("    }");
        text.AppendLine("    public async Task RetryAsync(string text, int words)");
        text.AppendLine("    {");
        text.AppendLine("        while (true)");
        text.AppendLine("        {");
        text.AppendLine("            try");
        text.AppendLine("            {");
        For(n, text, i => "                if (words > 1) { await SummarizeAsync(text, words); }");
        text.AppendLine("            }");
        text.AppendLine("            catch (Exception) { }");
        text.AppendLine("        }");
        text.AppendLine("    }");
        text.AppendLine("    public async Task DirectAsync(IChatClient client)");
        text.AppendLine("    {");
        For(n, text, i => "        await client.GetResponseAsync(\"x\"); Writer.Shared = null;");
        text.AppendLine("    }");
        text.AppendLine("}");
        return text.ToString();
    }

    /// <summary><c>typeof(PrefixN)</c> for N from 0 to <paramref name="n"/> - 1, comma-separated.</summary>
    public static string Types(int n, string prefix) =>
        string.Join(", ", Enumerable.Range(0, n).Select(i => "typeof(" + prefix + i.ToString(CultureInfo.InvariantCulture) + ")"));

    /// <summary>Appends one line per index.</summary>
    public static void For(int n, StringBuilder text, Func<int, string> line)
    {
        for (var i = 0; i < n; i++)
        {
            text.AppendLine(line(i));
        }
    }
}
