using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Amsha.Generators.Tests.Analyzers;

/// <summary>
/// A code fix may be handed a diagnostic computed on an older, longer version of the document (the user
/// deleted text since). It must offer nothing or change nothing; it must never throw.
/// </summary>
public sealed class CodeFixRobustnessTests
{
    public static TheoryData<string> Fixes => new() { "AMSHA001", "AMSHA004", "AMSHA014", "AMSHA202" };

    // A non-partial agent (AMSHA001), then a session holder with a misspelled and a malformed placeholder
    // (AMSHA004, AMSHA014) and a blocking wait (AMSHA202), each as late in the file as its kind allows.
    private const string Source = """
        [Amsha.Agent(Role = "R", Goal = "G", Backstory = "B")] public class NotPartial;

        public sealed partial class Client(Amsha.ExecutionSession session)
        {
            public Amsha.ExecutionSession Session => session;

            [Amsha.AmshaLlmCall(Prompt = "Summarize {text} in {wrods} words {")]
            public partial System.Threading.Tasks.Task<string> SummarizeAsync(string text, int words);

            public string Now() => SummarizeAsync("a", 1).Result;
        }
        """;

    [Theory]
    [MemberData(nameof(Fixes))]
    public async Task A_diagnostic_beyond_the_end_of_the_document_changes_nothing_and_throws_nothing(string id)
    {
        var diagnostic = (await AnalyzerHarness.GetDiagnosticsAsync(Source)).First(d => d.Id == id && d.Location.SourceTree?.FilePath == AnalyzerHarness.SourcePath);
        var shorter = CodeFixHarness.CreateDocument(Source.Substring(0, diagnostic.Location.SourceSpan.Start / 2));
        var provider = Providers().Single(p => p.FixableDiagnosticIds.Contains(id));

        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(shorter, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        foreach (var action in actions)
        {
            foreach (var operation in (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>())
            {
                var text = await operation.ChangedSolution.GetDocument(shorter.Id)!.GetTextAsync();
                Assert.Equal((await shorter.GetTextAsync()).ToString(), text.ToString());
            }
        }
    }

    private static IEnumerable<CodeFixProvider> Providers() =>
        new CodeFixProvider[] { new MakePartialCodeFixProvider(), new ReplacePlaceholderCodeFixProvider(), new EscapeBraceCodeFixProvider(), new AwaitBlockingWaitCodeFix() };
}
