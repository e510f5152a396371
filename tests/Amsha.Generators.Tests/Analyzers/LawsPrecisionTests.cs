using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Tests.Analyzers.Leakage;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Analyzers;

/// <summary>
/// Precision of the leakage and control-flow analyzers: the samples and client programs written
/// the way the laws intend compile and get no AMSHA1xx/AMSHA2xx diagnostic from any Amsha analyzer.
/// </summary>
public sealed class LawsPrecisionTests
{
    /// <summary>CS8795: an [AmshaLlmCall] partial method without implementation, while its generator is not in this build.</summary>
    private static readonly string[] s_toleratedErrors = ["CS8795"];

    private const string Declarations = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        namespace Client;

        public sealed record Req(string Topic, string Audience = "engineers");

        [Agent(Role = "Writer", Goal = "Explain {Topic} to {Audience}", Backstory = "A clear writer.", Llm = "creative")]
        public partial class Writer
        {
            public const string Tone = "plain";
        }

        [Agent(Role = "Reviewer", Goal = "Judge the text about {Topic}", Backstory = "Strict but fair.")]
        public partial class Reviewer;

        [CrewTask(Agent = typeof(Writer), Description = "Write about {Topic} for {Audience}.", ExpectedOutput = "A short text")]
        public partial class Write;

        [CrewTask(Agent = typeof(Reviewer), Description = "Review the text about {Topic}.", ExpectedOutput = "A verdict", Context = [typeof(Write)])]
        public partial class Review;

        [Crew<Req>(Tasks = [typeof(Write)])]
        public partial class WritingCrew;

        [Crew<Req>(Tasks = [typeof(Write), typeof(Review)])]
        public partial class ReviewedWritingCrew;

        """;

    public static TheoryData<string, string> ClientPrograms => new()
    {
        { "Interactive run, awaited", """
            public sealed class Publisher(WritingCrew crew)
            {
                public async Task<string> PublishAsync(string topic, CancellationToken ct = default)
                {
                    CrewResult<string> done = await crew.RunAsync(new Req(topic), ct);
                    return done.Output;
                }
            }
            """ },
        { "Streamed interactive execution", """
            public static class Console2
            {
                public static async Task<string> WatchAsync(WritingCrew crew, CancellationToken ct)
                {
                    var handle = crew.Start(new Req("Rust"), ct);
                    var tokens = 0;
                    await foreach (var e in handle.StreamAsync(ct))
                    {
                        if (e is TokenDeltaEvent) tokens++;
                    }

                    return (await handle.ResultAsync(ct)).Output + tokens;
                }
            }
            """ },
        { "Background handle stored and polled", """
            public sealed class Jobs(WritingCrew crew)
            {
                private readonly List<ExecutionHandle<string>> _running = new();

                public string Submit(string topic)
                {
                    var handle = crew.StartBackground(new Req(topic));
                    _running.Add(handle);
                    return handle.ExecutionId;
                }

                public async Task<string> WaitAsync(ExecutionHandle<string> handle, CancellationToken ct)
                {
                    while (handle.Status is ExecutionStatus.Pending or ExecutionStatus.Running)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
                    }

                    return (await handle.ResultAsync(ct)).Output;
                }
            }
            """ },
        { "Client loops over crews with its own condition", """
            public static class Batch
            {
                public static async Task<List<string>> RunAsync(WritingCrew writing, ReviewedWritingCrew reviewed, IEnumerable<string> topics, CancellationToken ct)
                {
                    var outputs = new List<string>();
                    foreach (var topic in topics)
                    {
                        if (string.IsNullOrWhiteSpace(topic)) continue;
                        var result = topic.Length > 20
                            ? await reviewed.RunAsync(new Req(topic), ct)
                            : await writing.RunAsync(new Req(topic), ct);
                        outputs.Add(result.Output);
                        if (outputs.Count >= 10) break;
                    }

                    return outputs;
                }
            }
            """ },
        { "Client retry of a different decision: new input", """
            public static class Simplify
            {
                public static async Task<string> RunAsync(WritingCrew crew, Req input, CancellationToken ct)
                {
                    for (var level = 0; ; level++)
                    {
                        try
                        {
                            return (await crew.RunAsync(input, ct)).Output;
                        }
                        catch (ExecutionException) when (level < 2)
                        {
                            input = input with { Audience = "beginners", Topic = "the basics of " + input.Topic };
                        }
                    }
                }
            }
            """ },
        { "Fallback to another crew", """
            public static class Fallback
            {
                public static async Task<CrewResult<string>> RunAsync(ReviewedWritingCrew primary, WritingCrew backup, Req input, CancellationToken ct)
                {
                    try
                    {
                        return await primary.RunAsync(input, ct);
                    }
                    catch (ExecutionException e) when (e.Recoverable)
                    {
                        return await backup.RunAsync(input, ct);
                    }
                }
            }
            """ },
        { "Branch on a result: the client decides the next run", """
            public static class Pipeline
            {
                public static async Task<string> RunAsync(WritingCrew draft, ReviewedWritingCrew review, string topic, CancellationToken ct)
                {
                    var first = await draft.RunAsync(new Req(topic), ct);
                    if (first.Output.Length < 200)
                    {
                        return first.Output;
                    }

                    switch (topic)
                    {
                        case "security":
                            return (await review.RunAsync(new Req(topic, "auditors"), ct)).Output;
                        default:
                            return (await review.RunAsync(new Req(topic), ct)).Output;
                    }
                }
            }
            """ },
        { "Handle passed to a method that streams when the flow is unknown", """
            public static class Viewer
            {
                public static async Task ShowAsync(ExecutionHandle<string> handle, CancellationToken ct)
                {
                    if (handle is InteractiveExecutionHandle<string> interactive)
                    {
                        await foreach (var e in interactive.StreamAsync(ct)) { }
                    }

                    await handle.ResultAsync(ct);
                }

                public static async Task RunBothAsync(WritingCrew crew, bool detached, CancellationToken ct)
                {
                    var handle = detached ? crew.StartBackground(new Req("Go")) : crew.Start(new Req("Go"), ct);
                    await ShowAsync(handle, ct);
                    await ShowAsync(crew.StartBackground(new Req("Zig")), ct);
                }
            }
            """ },
        { "Parallel batch, async all the way", """
            public static class Parallel2
            {
                public static async Task<string[]> RunAsync(WritingCrew crew, IReadOnlyList<string> topics, CancellationToken ct)
                {
                    var runs = topics.Select(topic => crew.RunAsync(new Req(topic), ct));
                    var results = await Task.WhenAll(runs).ConfigureAwait(false);
                    return results.Select(r => r.Output).ToArray();
                }
            }
            """ },
        { "Cancel through the handle on the client's own condition", """
            public static class Deadline
            {
                public static async Task<string?> RunAsync(WritingCrew crew, TimeSpan limit)
                {
                    var handle = crew.Start(new Req("Rust"));
                    using var timer = new CancellationTokenSource(limit);
                    try
                    {
                        return (await handle.ResultAsync(timer.Token)).Output;
                    }
                    catch (OperationCanceledException)
                    {
                        handle.Cancel();
                        return null;
                    }
                }
            }
            """ },
        { "Background handles kept by id", """
            public sealed class JobTable(WritingCrew crew)
            {
                private readonly ConcurrentDictionary<string, ExecutionHandle<string>> _jobs = new();

                public string Start(string topic)
                {
                    var handle = crew.StartBackground(new Req(topic));
                    _jobs[handle.ExecutionId] = handle;
                    return handle.ExecutionId;
                }

                public ExecutionStatus? Status(string id) => _jobs.TryGetValue(id, out var handle) ? handle.Status : null;

                public async Task<string?> ResultAsync(string id, CancellationToken ct) =>
                    _jobs.TryGetValue(id, out var handle) ? (await handle.ResultAsync(ct)).Output : null;
            }
            """ },
        { "Results read after Task.WhenAll completed the runs", """
            public static class Both
            {
                public static async Task<string> RunAsync(WritingCrew writing, ReviewedWritingCrew reviewed, Req input, CancellationToken ct)
                {
                    var draft = writing.RunAsync(input, ct);
                    var checkedDraft = reviewed.RunAsync(input, ct);
                    await Task.WhenAll(draft, checkedDraft);
                    return draft.Result.Output + checkedDraft.Result.Output;
                }
            }
            """ },
        { "Layered services with ValueTask and ConfigureAwait", """
            public interface IArticles { ValueTask<string> WriteAsync(string topic, CancellationToken ct = default); }

            public sealed class Articles(WritingCrew crew) : IArticles
            {
                public async ValueTask<string> WriteAsync(string topic, CancellationToken ct = default) =>
                    (await crew.RunAsync(new Req(topic), ct).ConfigureAwait(false)).Output;
            }

            public sealed class Controller(IArticles articles)
            {
                public async Task<int> PostAsync(string topic, CancellationToken ct) => (await articles.WriteAsync(topic, ct).ConfigureAwait(false)).Length;
            }
            """ },
        { "Waiting again on the same handle is not a retry", """
            public static class Patient
            {
                public static async Task<string> WaitAsync(ExecutionHandle<string> handle, IProgress<ExecutionProgress> progress)
                {
                    while (true)
                    {
                        using var slice = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                        try
                        {
                            return (await handle.ResultAsync(slice.Token)).Output;
                        }
                        catch (OperationCanceledException)
                        {
                            progress.Report(handle.Progress);
                        }
                    }
                }
            }
            """ },
        { "LLM call service used over many documents", """
            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Summarize: {text}", Llm = "evaluation", MaxAttempts = 4)]
                public partial Task<string> SummarizeAsync(string text, CancellationToken cancellationToken = default);
            }

            public static class Digest
            {
                public static async Task<List<string>> RunAsync(Summarizer summarizer, IEnumerable<string> documents, CancellationToken ct)
                {
                    var summaries = new List<string>();
                    foreach (var document in documents)
                    {
                        try
                        {
                            summaries.Add(await summarizer.SummarizeAsync(document, ct));
                        }
                        catch (ExecutionException)
                        {
                            summaries.Add("(no summary)");
                        }
                    }

                    return summaries;
                }
            }
            """ },
        { "Passive declarations and state in ExecutionState", """
            public sealed record Limits(int MaxWords, string Style);

            [Agent(Role = "Editor", Goal = "Tighten the text about {Topic}", Backstory = "Cuts every spare word.")]
            public partial class Editor
            {
                public const int MaxWords = 300;
                public static readonly Limits Defaults = new(MaxWords, "plain");
                private static readonly IReadOnlyList<string> s_banned = new[] { "synergy" };
                public static string Describe() => $"Editor ({Defaults.Style}, {s_banned.Count} banned words)";
            }

            [CrewTask(Agent = typeof(Editor), Description = "Edit the text about {Topic}.", ExpectedOutput = "The edited text", Context = [typeof(Write)])]
            public partial class Edit;

            [Crew<Req>(Tasks = [typeof(Write), typeof(Edit)], Process = CrewProcess.Graph)]
            public partial class EditedWritingCrew;

            [ExecutionState]
            public sealed partial class Counters
            {
                public int Runs { get; set; }
                public List<string> Topics { get; set; } = new();
            }
            """ },
        { "Providers configured in client code, outside declarations", """
            public sealed class ProviderSetup
            {
                private readonly OpenAI.Chat.ChatClient _raw = new OpenAI.Chat.ChatClient("gpt-4o");
                public Microsoft.SemanticKernel.Kernel Kernel { get; } = new Microsoft.SemanticKernel.Kernel();
                public string Probe() => _raw.CompleteChat("ping").Text;
            }

            public sealed class Logging(Microsoft.Extensions.AI.IChatClient inner) : Microsoft.Extensions.AI.DelegatingChatClient(inner)
            {
                public int Calls { get; private set; }

                public override Task<Microsoft.Extensions.AI.ChatResponse> GetResponseAsync(
                    IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default)
                {
                    Calls++;
                    return base.GetResponseAsync(messages, options, cancellationToken);
                }
            }
            """ },
        { "Observer around a run, and a sync entry point that awaits", """
            public static class Monitor
            {
                public static async Task<int> CountEventsAsync(ExecutionSession session, WritingCrew crew, CancellationToken ct)
                {
                    var count = 0;
                    using (session.Subscribe(_ => Interlocked.Increment(ref count)))
                    {
                        await crew.RunAsync(new Req("Go"), ct);
                    }

                    return count;
                }

                public static Task<int> CountForAsync(ExecutionSession session) => CountEventsAsync(session, new WritingCrew(session), CancellationToken.None);
            }
            """ },
        { "Worker loop reading new work each iteration", """
            public sealed class Worker(WritingCrew crew, System.Threading.Channels.ChannelReader<Req> inbox)
            {
                public int Failed { get; private set; }

                public async Task RunAsync(CancellationToken ct)
                {
                    while (await inbox.WaitToReadAsync(ct))
                    {
                        while (inbox.TryRead(out var request))
                        {
                            try
                            {
                                await crew.RunAsync(request, ct);
                            }
                            catch (ExecutionException)
                            {
                                Failed++;
                            }
                        }
                    }
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(ClientPrograms))]
    public async Task Client_programs_written_the_way_the_laws_intend_get_no_law_diagnostics(string name, string program)
    {
        var compilation = AnalyzerHarness.CreateCompilationWithGeneratedCode([("/src/Program.cs", Declarations + program)], references: ProviderStandIns.References);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !s_toleratedErrors.Contains(d.Id)).ToList();
        Assert.True(errors.Count == 0, $"{name} does not compile:\n{string.Join("\n", errors)}");

        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation);
        var offending = diagnostics.Where(IsLawOrAnalyzerFailure).ToList();
        Assert.True(offending.Count == 0, $"{name}:\n{string.Join("\n", offending)}");
    }

    [Fact]
    public void There_are_at_least_fifteen_client_programs() => Assert.True(ClientPrograms.Count >= 15);

    [Fact]
    public async Task Every_sample_gets_no_law_diagnostics()
    {
        var root = RepositoryRoot();
        var projects = Directory.GetFiles(Path.Combine(root, "samples"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var directory = Path.GetDirectoryName(project)!;
            var sources = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
                .Where(path => !IsBuildOutput(directory, path))
                .Select(path => (path, File.ReadAllText(path)))
                .ToList();
            Assert.NotEmpty(sources);

            var definitions = DefinitionFileSet.FromProject(project);
            var compilation = definitions.CreateCompilationWithGeneratedCode(sources, ProviderStandIns.References);
            compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
            var diagnostics = await definitions.AnalyzeAsync(compilation);
            var offending = diagnostics.Where(IsLawOrAnalyzerFailure).ToList();
            Assert.True(offending.Count == 0, $"{Path.GetFileName(project)}:\n{string.Join("\n", offending)}");
        }
    }

    [Fact]
    public async Task The_quickstart_sample_compiles_in_this_harness()
    {
        var directory = Path.Combine(RepositoryRoot(), "samples", "Amsha.Samples.Quickstart");
        var sources = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(directory, path))
            .Select(path => (path, File.ReadAllText(path)));
        var compilation = DefinitionFileSet.FromProject(Path.Combine(directory, "Amsha.Samples.Quickstart.csproj")).CreateCompilationWithGeneratedCode(sources);
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Without_the_runtime_the_analyzers_stay_silent()
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("""
            using System.Threading.Tasks;
            public sealed class WritingCrew
            {
                public Task<string> RunAsync(string input) => Task.FromResult(input);
                public object StartBackground(string input) => input;
            }
            public static class Client
            {
                public static string Block(WritingCrew crew) { crew.StartBackground("x"); return crew.RunAsync("x").Result; }
            }
            """, GeneratorHarness.ParseOptions);
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "NoRuntime",
            [tree],
            GeneratorHarness.References.Where(r => !(r.Display ?? "").EndsWith("Amsha.dll", StringComparison.Ordinal)),
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation, "[*.cs]\namsha_enforce_proxy_rule = true");
        Assert.DoesNotContain(diagnostics, IsLawOrAnalyzerFailure);
    }

    [Fact]
    public async Task Half_typed_code_never_makes_an_analyzer_throw()
    {
        var source = Declarations + """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Broken : Missing
            {
                private static Unknown s_x
                public void M() { foreach (var x in ) { if ( } try { crew.RunAsync( } catch
            }

            public static class Client
            {
                public static async Task F(WritingCrew crew, string id)
                {
                    var h = crew.StartBackground(;
                    await foreach (var e in h.StreamAsync(
                    while (true) { try { await crew.RunAsync(new Req("x")) } catch { }
                    _ = crew.;
                    var r = crew.RunAsync(new Req()).Result.;
                    var resumed = crew.Resume(id);
                }
            }
            """;
        var compilation = AnalyzerHarness.CreateCompilationWithGeneratedCode([("/src/Broken.cs", source)], references: ProviderStandIns.References);
        var diagnostics = await AnalyzerHarness.AnalyzeAsync(compilation, "[*.cs]\namsha_enforce_proxy_rule = true");
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    private static bool IsLawOrAnalyzerFailure(Diagnostic diagnostic) =>
        diagnostic.Id.StartsWith("AMSHA1", StringComparison.Ordinal)
        || diagnostic.Id.StartsWith("AMSHA2", StringComparison.Ordinal)
        || diagnostic.Id == "AD0001";

    private static bool IsBuildOutput(string projectDirectory, string path)
    {
        var relative = Path.GetRelativePath(projectDirectory, path).Replace('\\', '/');
        return relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Amsha.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Amsha.Generators.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
