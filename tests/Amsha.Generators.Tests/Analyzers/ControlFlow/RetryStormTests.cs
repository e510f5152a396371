using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers.ControlFlow;

public sealed class RetryStormTests
{
    [Fact]
    public async Task A_loop_that_catches_and_calls_the_same_crew_again_is_reported_at_the_call()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static async Task<CrewResult<string>> Insist(WritingCrew crew, Req input, CancellationToken ct)
                {
                    while (true)
                    {
                        try { return await {|AMSHA205:crew.RunAsync(input, ct)|}; }
                        catch (ExecutionException) { await Task.Delay(1000, ct); }
                    }
                }

                public static async Task<string> Attempts(WritingCrew crew, CancellationToken ct)
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        try { return (await {|AMSHA205:crew.RunAsync(new Req("Go"), ct)|}).Output; }
                        catch (Exception) when (attempt < 5) { }
                    }
                }

                public static async Task Background(WritingCrew crew, Req input)
                {
                    var attempts = 0;
                    do
                    {
                        try { await {|AMSHA205:crew.StartBackground(input)|}.ResultAsync(); break; }
                        catch (ExecutionException) { if (++attempts > 3) throw; }
                    }
                    while (true);
                }
            }
            """);
    }

    [Fact]
    public async Task The_message_names_the_inner_MaxAttempts_of_an_llm_call_and_of_a_crew()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew + """
            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Summarize {text}", MaxAttempts = 5)]
                public partial Task<string> SummarizeAsync(string text);
            }

            public static class Client
            {
                public static async Task<string> Loop(Summarizer summarizer, WritingCrew crew, string text)
                {
                    while (true)
                    {
                        try { await crew.RunAsync(new Req(text)); return await summarizer.SummarizeAsync(text); }
                        catch (Exception) { }
                    }
                }
            }
            """, analyzers: LawAnalyzers.All);
        var messages = diagnostics.Where(d => d.Id == "AMSHA205").Select(d => d.GetMessage()).OrderBy(m => m).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Contains("'Summarizer.SummarizeAsync' already retries: its LLM call is attempted up to MaxAttempts = 5 times", messages[0]);
        Assert.Contains("'WritingCrew.RunAsync' already retries: each of the crew's LLM calls is attempted up to MaxAttempts = 3 times", messages[1]);
        Assert.All(diagnostics.Where(d => d.Id == "AMSHA205"), d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
    }

    [Fact]
    public async Task Loops_that_change_the_input_the_crew_or_the_branch_are_client_decisions_and_stay_silent()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                // A batch: each iteration runs a different input.
                public static async Task Batch(WritingCrew crew, string[] topics)
                {
                    foreach (var topic in topics)
                    {
                        try { await crew.RunAsync(new Req(topic)); }
                        catch (ExecutionException) { }
                    }
                }

                // Re-running with a new input after a failure is a different decision.
                public static async Task<CrewResult<string>> Simplify(WritingCrew crew, Req input)
                {
                    while (true)
                    {
                        try { return await crew.RunAsync(input); }
                        catch (ExecutionException) { input = input with { Topic = "basics of " + input.Topic }; }
                    }
                }

                // Falling back to another crew.
                public static async Task<CrewResult<string>> Fallback(WritingCrew[] crews, Req input)
                {
                    for (var i = 0; ; i++)
                    {
                        try { return await crews[i].RunAsync(input); }
                        catch (ExecutionException) when (i + 1 < crews.Length) { }
                    }
                }

                // Switching the branch taken on the next attempt.
                public static async Task<CrewResult<string>> Switch(WritingCrew primary, WritingCrew backup, Req input)
                {
                    var useBackup = false;
                    while (true)
                    {
                        try { return useBackup ? await backup.RunAsync(input) : await primary.RunAsync(input); }
                        catch (ExecutionException) { if (useBackup) throw; useBackup = true; }
                    }
                }

                // A catch that always leaves the loop does not retry.
                public static async Task Once(WritingCrew crew, Req input)
                {
                    while (true)
                    {
                        try { await crew.RunAsync(input); }
                        catch (ExecutionException) { throw; }
                    }
                }

                // A try around the loop, or no loop at all, does not retry.
                public static async Task Outside(WritingCrew crew, Req input)
                {
                    try { while (true) { await crew.RunAsync(input); } }
                    catch (ExecutionException) { }

                    try { await crew.RunAsync(input); }
                    catch (ExecutionException) { await crew.RunAsync(input with { Topic = "other" }); }
                }

                // A write through a ref alias changes the input (ref locals are allowed in async methods since C# 13).
                public static CrewResult<string> Alias(WritingCrew crew, Req input)
                {
                    while (true)
                    {
                        try { return {|AMSHA202:crew.RunAsync(input).Result|}; }
                        catch (ExecutionException) { ref var current = ref input; current = current with { Topic = "basics of " + current.Topic }; }
                    }
                }

                public static CrewResult<string> AliasOutside(WritingCrew crew, Req input)
                {
                    ref var current = ref input;
                    while (true)
                    {
                        try { return {|AMSHA202:crew.RunAsync(input).Result|}; }
                        catch (ExecutionException) { current = current with { Topic = "basics of " + current.Topic }; }
                    }
                }

                // The same in an async method: C# 13 and later (C# 12 rejects it with CS8177, and still reports nothing).
                public static async Task<CrewResult<string>> AsyncAlias(WritingCrew crew, Req input)
                {
                    while (true)
                    {
                        try { return await crew.RunAsync(input); }
                        catch (ExecutionException) { ref var current = ref input; current = current with { Topic = "basics of " + current.Topic }; }
                    }
                }

                // Work items read inside the loop are different inputs.
                public static async Task Worker(WritingCrew crew, Queue<Req> queue)
                {
                    while (queue.Count > 0)
                    {
                        var next = queue.Dequeue();
                        try { await crew.RunAsync(next); }
                        catch (ExecutionException) { }
                    }
                }
            }
            """);
    }
}
