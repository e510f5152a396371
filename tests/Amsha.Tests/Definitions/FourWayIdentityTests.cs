using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Sqlite;
using Amsha.Tests.Support;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Tests.Definitions;

/// <summary>
/// Issue #14: a crew declared four ways — attributes, compile-time YAML, a run-time file source and a run-time
/// SQLite source — runs identically on the offline model: the same events, prompts, outputs and token figures.
/// Crews are generated with CsCheck from a fixed seed and compiled in batches (one compilation per batch and way).
/// </summary>
public sealed class FourWayIdentityTests(ITestOutputHelper log)
{
    private const int Batches = 4;
    private const int CrewsPerBatch = 50;

    /// <summary>The fixed seed; set AMSHA_FOURWAY_SEED to explore others (a failure prints the seed it ran).</summary>
    private const ulong DefaultSeed = 14;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string[] Ways = { "attributes", "compile-time YAML", "runtime file source", "runtime SQLite source" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Generated_crews_run_identically_declared_as_attributes_compile_time_yaml_file_and_sqlite_definitions()
    {
        var seed = Environment.GetEnvironmentVariable("AMSHA_FOURWAY_SEED") is { Length: > 0 } text ? ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : DefaultSeed;
        var crews = Generate(seed, Batches * CrewsPerBatch);
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        for (var b = 0; b < Batches; b++)
        {
            var batch = crews.Skip(b * CrewsPerBatch).Take(CrewsPerBatch).ToArray();
            var watch = Stopwatch.StartNew();
            failures.AddRange(await CheckBatchAsync(batch));
            log.WriteLine($"batch {b + 1}: {batch.Length} crews ({batch.Count(c => c.Graph)} graph, {batch.Sum(c => c.Tasks.Length)} tasks) in {watch.ElapsedMilliseconds} ms, process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds:F0} ms");
        }

        log.WriteLine($"{crews.Count} crews, seed {seed}, {total.ElapsedMilliseconds} ms");
        Assert.True(failures.Count == 0, $"{failures.Count} difference(s) between the four ways (seed {seed}; rerun with AMSHA_FOURWAY_SEED={seed}). The first:\n\n{string.Join("\n\n", failures.Take(3))}");
    }

    private static List<FourWayCrew> Generate(ulong seed, int count)
    {
        // Generated straight from a seeded PCG: the same crews every run, in the same order.
        var pcg = new PCG(14, seed);
        var crews = new List<FourWayCrew>(count);
        for (var n = 1; n <= count; n++)
        {
            crews.Add(FourWayCrews.Crew.Generate(pcg, null, out _) with { Number = n });
        }

        return crews;
    }

    private async Task<List<string>> CheckBatchAsync(FourWayCrew[] batch)
    {
        var directory = TestSessions.TempDirectory();
        try
        {
            // No polling: the definitions are written before the session reads them and never change. No pooling
            // either, so the file can be deleted afterwards without clearing every pool of the process.
            var database = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "fourway.db"), Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate, Pooling = false };
            using var sqlite = new SqliteDefinitionSource(new SqliteDefinitionSourceOptions { ConnectionString = database.ToString(), PollInterval = System.Threading.Timeout.InfiniteTimeSpan });
            var files = Path.Combine(directory, "definitions");

            // The compilations take the CPU, writing the run-time definitions mostly waits on the disk: all at once.
            var watch = Stopwatch.StartNew();
            var written = Task.Run(() => WriteDefinitionsAsync(batch, files, sqlite), Ct);
            var attributes = Task.Run(() => CompileAttributes(batch), Ct);
            var yaml = Task.Run(() => CompileYaml(batch), Ct);
            var assemblies = await Task.WhenAll(attributes, yaml);
            await written;
            var compiled = watch.ElapsedMilliseconds;

            var outcomes = new Dictionary<string, Outcome>[Ways.Length];
            outcomes[0] = await RunCompiledAsync(assemblies[0], FourWayCrews.AttributeNamespace, batch);
            outcomes[1] = await RunCompiledAsync(assemblies[1], FourWayCrews.YamlNamespace, batch);

            // Loading the assemblies registered their crews by name; a run-time definition of that name would be an
            // overlay of the compiled crew, not a crew of its own. Forgotten, the definitions below define new crews.
            foreach (var crew in batch)
            {
                CompiledCrews.Forget(crew.Name);
            }

            using (var source = new FileDefinitionSource(files))
            {
                outcomes[2] = await RunByNameAsync(batch, source);
            }

            outcomes[3] = await RunByNameAsync(batch, sqlite);
            log.WriteLine($"  compiled and wrote definitions in {compiled} ms, ran four ways in {watch.ElapsedMilliseconds - compiled} ms");
            return Compare(batch, outcomes);
        }
        finally
        {
            TryDelete(directory);
        }
    }

    /// <summary>One report per crew that differs, naming every way that differs from the first and how.</summary>
    private static List<string> Compare(FourWayCrew[] batch, Dictionary<string, Outcome>[] outcomes)
    {
        var failures = new List<string>();
        var errors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var crew in batch)
        {
            var reference = outcomes[0][crew.Name];
            var differences = new List<string>();
            for (var way = 0; way < Ways.Length; way++)
            {
                var outcome = outcomes[way][crew.Name];
                var difference = outcome.Error is { } error ? $"it failed: {error}"
                    : FourWayOutcome.DependencyViolation(crew, outcome.Value!)
                    ?? (way == 0 || reference.Value is null ? null : FourWayOutcome.FirstDifference(crew, reference.Value, outcome.Value!, globalOrder: !crew.Graph));

                // A source that fails to load fails every crew of the batch alike: one report says it.
                if (difference is not null && (outcome.Error is null || errors.Add(Ways[way] + outcome.Error)))
                {
                    differences.Add($"Crew {crew.Name}, way '{Ways[way]}'{(way > 0 ? $" compared with '{Ways[0]}'" : "")}: {difference}");
                }
            }

            if (differences.Count > 0)
            {
                failures.Add(string.Join("\n", differences) + "\n" + FourWayCrews.Describe(crew));
            }
        }

        return failures;
    }

    private static async Task WriteDefinitionsAsync(FourWayCrew[] batch, string directory, SqliteDefinitionSource sqlite)
    {
        foreach (var crew in batch)
        {
            var path = Path.Combine(directory, FourWayCrews.YamlPath(crew));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, FourWayCrews.Yaml(crew), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), Ct);

            foreach (var agent in FourWayCrews.AgentDeclarations(crew))
            {
                await sqlite.SaveAgentAsync(agent, Ct);
            }

            foreach (var task in FourWayCrews.TaskDeclarations(crew))
            {
                await sqlite.SaveTaskAsync(task, Ct);
            }

            await sqlite.SaveCrewAsync(FourWayCrews.CrewDeclaration(crew), Ct);
        }
    }

    // ---- Ways 1 and 2: generated crew classes, run through RunAsync(input, cancellationToken).

    private static Assembly CompileAttributes(FourWayCrew[] batch)
    {
        var source = FourWayCrews.AttributeSource(batch);
        var compilation = GeneratorHarness.CreateCompilation(new[] { CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "FourWayCrews.cs") }, "FwAttributes" + Guid.NewGuid().ToString("N"));
        return Load(GeneratorHarness.Run(compilation), "attributes");
    }

    private static Assembly CompileYaml(FourWayCrew[] batch)
    {
        var files = new DefinitionFileSet(batch.Select(c => new InMemoryAdditionalText("/fourway/" + FourWayCrews.YamlPath(c), FourWayCrews.Yaml(c))), FourWayCrews.YamlNamespace);
        var types = $"namespace {FourWayCrews.YamlNamespace};\n\npublic sealed record {FourWayCrews.InputType}(string Topic, string Audience, string Tone);\n";
        var compilation = GeneratorHarness.CreateCompilation(new[] { CSharpSyntaxTree.ParseText(types, GeneratorHarness.ParseOptions, path: "FourWayInput.cs") }, "FwYaml" + Guid.NewGuid().ToString("N"));
        return Load(files.Run(compilation), "compile-time YAML");
    }

    private static Assembly Load(GeneratorRun run, string way)
    {
        var problems = run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The generators report on the {way} crews:\n" + string.Join("\n", problems.Take(20)));
        }

        // Emitting reports compilation errors itself; asking for the diagnostics first would bind everything twice.
        return GeneratorHarness.EmitAndLoad(run.Output);
    }

    private static async Task<Dictionary<string, Outcome>> RunCompiledAsync(Assembly assembly, string ns, FourWayCrew[] batch)
    {
        var recorder = new PromptRecordingChatClient();
        using var session = Session(recorder);
        var inputType = assembly.GetType($"{ns}.{FourWayCrews.InputType}", throwOnError: true)!;
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        foreach (var crew in batch)
        {
            outcomes[crew.Name] = await CaptureAsync(crew, session, recorder, () =>
            {
                var type = assembly.GetType($"{ns}.{crew.Name}") ?? throw new InvalidOperationException($"no generated class {ns}.{crew.Name}");
                var instance = Activator.CreateInstance(type, session)!;
                var input = Activator.CreateInstance(inputType, crew.Input.Topic, crew.Input.Audience, crew.Input.Tone)!;
                var run = type.GetMethods().Single(m => m.Name == "RunAsync" && m.GetParameters().Length == 2);
                return (Task<CrewResult<string>>)run.Invoke(instance, new[] { input, Ct })!;
            });
        }

        return outcomes;
    }

    // ---- Ways 3 and 4: dynamic crews run by name with a JSON input.

    private static async Task<Dictionary<string, Outcome>> RunByNameAsync(FourWayCrew[] batch, IDefinitionSource source)
    {
        var recorder = new PromptRecordingChatClient();
        using var session = Session(recorder).AddDefinitionSource(source);
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        foreach (var crew in batch)
        {
            outcomes[crew.Name] = await CaptureAsync(crew, session, recorder, () => session.RunAsync(crew.Name, crew.Input.Json(), cancellationToken: Ct));
        }

        return outcomes;
    }

    // ---- One execution, recorded.

    private sealed record Outcome(FourWayOutcome? Value, string? Error);

    private static ExecutionSession Session(PromptRecordingChatClient recorder)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(recorder);
        return new ExecutionSession(options, new InMemoryExecutionStore());
    }

    private static async Task<Outcome> CaptureAsync(FourWayCrew crew, ExecutionSession session, PromptRecordingChatClient recorder, Func<Task<CrewResult<string>>> run)
    {
        var events = new List<ExecutionEvent>();
        var promptsBefore = recorder.Prompts.Count;
        using var subscription = session.Subscribe(e =>
        {
            lock (events)
            {
                events.Add(e);
            }
        });

        try
        {
            var result = await run().WaitAsync(Timeout, Ct);
            List<ExecutionEvent> own;
            lock (events)
            {
                own = events.Where(e => e.ExecutionId == result.ExecutionId).ToList();
            }

            return new Outcome(FourWayOutcome.Create(crew, result, own, recorder.All.Skip(promptsBefore).ToList()), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Ct.IsCancellationRequested)
        {
            var inner = ex is TargetInvocationException { InnerException: { } thrown } ? thrown : ex;
            return new Outcome(null, $"{inner.GetType().Name}: {inner.Message}");
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
