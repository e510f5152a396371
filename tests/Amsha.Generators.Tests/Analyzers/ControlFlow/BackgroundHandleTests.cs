using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.ControlFlow;

public sealed class BackgroundHandleTests
{
    [Fact]
    public async Task Converting_a_background_handle_to_an_interactive_one_is_reported_at_the_conversion()
    {
        // ExecutionHandle<T> has no StreamAsync: a cast, an 'as' or a type test is the only way to try.
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static async Task Watch(WritingCrew crew, string id, CancellationToken ct)
                {
                    var handle = crew.StartBackground(new Req("Go"));
                    await foreach (var e in ({|AMSHA203:(InteractiveExecutionHandle<string>)handle|}).StreamAsync(ct)) { }

                    ExecutionHandle<string> later;
                    later = crew.StartBackground(new Req("Rust"));
                    var live = {|AMSHA203:later as InteractiveExecutionHandle<string>|};

                    if ({|AMSHA203:crew.StartBackground(new Req("C#")) is InteractiveExecutionHandle<string> streamed|})
                    {
                        await foreach (var e in streamed.StreamAsync(ct)) { }
                    }

                    var stored = await crew.StartBackgroundAsync(new Req("F#"), ct).ConfigureAwait(false);
                    if ({|AMSHA203:stored is InteractiveExecutionHandle<string>|}) { }

                    var resumed = await crew.ResumeAsync(id, null, ct);
                    _ = {|AMSHA203:(InteractiveExecutionHandle<string>)resumed|};
                }
            }
            """);
    }

    [Fact]
    public async Task Conversions_are_silent_when_the_handle_is_interactive_or_its_flow_unknown()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static async Task Watch(WritingCrew crew, ExecutionHandle<string> given, bool background, CancellationToken ct)
                {
                    var interactive = crew.Start(new Req("Go"));
                    await foreach (var e in interactive.StreamAsync(ct)) { }

                    if (given is InteractiveExecutionHandle<string> streamable)
                    {
                        await foreach (var e in streamable.StreamAsync(ct)) { }
                    }

                    ExecutionHandle<string> either = crew.Start(new Req("Go"));
                    if (background) either = crew.StartBackground(new Req("Go"));
                    var maybe = either as InteractiveExecutionHandle<string>;

                    var byRef = crew.StartBackground(new Req("Go"));
                    Replace(ref byRef, crew);
                    var replaced = (InteractiveExecutionHandle<string>)byRef;

                    await Show(crew.StartBackground(new Req("Go")), ct);
                }

                private static void Replace(ref ExecutionHandle<string> handle, WritingCrew crew) => handle = crew.Start(new Req("x"));

                private static object ThroughAlias(WritingCrew crew)
                {
                    var aliased = crew.StartBackground(new Req("Go"));
                    ref var alias = ref aliased;
                    alias = crew.Start(new Req("Go"));
                    return (InteractiveExecutionHandle<string>)aliased;
                }

                private static async Task Show(ExecutionHandle<string> handle, CancellationToken ct)
                {
                    if (handle is InteractiveExecutionHandle<string> interactive)
                    {
                        await foreach (var e in interactive.StreamAsync(ct)) { }
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task A_discarded_background_handle_is_reported_at_the_call()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static void Fire(WritingCrew crew, WritingCrew? maybe)
                {
                    {|AMSHA204:crew.StartBackground(new Req("Go"))|};
                    _ = {|AMSHA204:crew.StartBackground(new Req("Rust"))|};
                    maybe?{|AMSHA204:.StartBackground(new Req("C#"))|};
                    Action later = () => {|AMSHA204:crew.StartBackground(new Req("F#"))|};
                }

                public static async Task FireAsync(WritingCrew crew, string id, CancellationToken ct)
                {
                    await {|AMSHA204:crew.StartBackgroundAsync(new Req("Go"), ct)|};
                    _ = await {|AMSHA204:crew.StartBackgroundAsync(new Req("Rust"), ct)|}.ConfigureAwait(false);
                    await {|AMSHA204:crew.ResumeAsync(id, null, ct)|};
                    var kept = await crew.StartBackgroundAsync(new Req("C#"), ct);
                }
            }
            """);
    }

    [Fact]
    public async Task A_kept_handle_and_interactive_starts_are_not_reported_as_discarded()
    {
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static readonly List<string> Ids = new();

                public static ExecutionHandle<string> Fire(WritingCrew crew)
                {
                    var kept = crew.StartBackground(new Req("Go"));
                    Ids.Add(crew.StartBackground(new Req("Rust")).ExecutionId);
                    Func<ExecutionHandle<string>> factory = () => crew.StartBackground(new Req("F#"));
                    crew.Start(new Req("C#")).Cancel();
                    return kept;
                }
            }
            """);
    }

    [Fact]
    public async Task The_messages_name_the_starting_method()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew + """
            public static class Client
            {
                public static async Task Fire(WritingCrew crew)
                {
                    crew.StartBackground(new Req("Go"));
                    var h = crew.StartBackground(new Req("Go"));
                    await foreach (var e in ((InteractiveExecutionHandle<string>)h).StreamAsync()) { }
                }
            }
            """, analyzers: LawAnalyzers.All);
        Assert.Contains("'WritingCrew.StartBackground'", Assert.Single(diagnostics, d => d.Id == "AMSHA204").GetMessage());
        var stream = Assert.Single(diagnostics, d => d.Id == "AMSHA203");
        Assert.Contains("'h' comes from 'WritingCrew.StartBackground'", stream.GetMessage());
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, stream.Severity);
    }

    [Fact]
    public async Task Resume_handles_are_background_handles()
    {
        // A Resume overload of the crew's shape stands in for the generated Resume(executionId).
        await LawAnalyzers.VerifyAsync(LawAnalyzers.Crew + """
            public partial class WritingCrew
            {
                public ExecutionHandle<string> Resume(string executionId, bool fromLastCheckpoint) => throw new NotSupportedException(executionId);
            }

            public static class Client
            {
                public static async Task Continue(WritingCrew crew, string id)
                {
                    var resumed = crew.Resume(id, true);
                    await foreach (var e in ({|AMSHA203:(InteractiveExecutionHandle<string>)resumed|}).StreamAsync()) { }
                    {|AMSHA204:crew.Resume(id, true)|};
                    var kept = crew.Resume(id, true);
                    await kept.ResultAsync();
                }
            }
            """);
    }
}
