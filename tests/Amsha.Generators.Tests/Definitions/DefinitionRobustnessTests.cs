using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CsCheck;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Definitions;

/// <summary>
/// Definition files are edited while the generator runs on every keystroke: half-typed YAML must never make the
/// generator or an analyzer throw, is only ever reported through diagnostics, and never yields generated code
/// that does not compile.
/// </summary>
public sealed class DefinitionRobustnessTests
{
    private static readonly (string Path, string Text)[] Files =
    {
        ("/app/crews/agents.yaml", DefinitionFixtures.CrewAiAgents),
        ("/app/crews/tasks.yaml", DefinitionFixtures.CrewAiTasks),
        ("/app/crews/crews.yaml", DefinitionFixtures.CrewAiCrews),
        ("/app/amsha/job.yaml", DefinitionFixtures.AmshaJob),
        ("/app/amsha/agents/senior_researcher.yaml", DefinitionFixtures.AmshaAgent),
        ("/app/amsha/agents/writer.yaml", DefinitionFixtures.AmshaWriter),
        ("/app/amsha/tasks/research.yaml", DefinitionFixtures.AmshaResearchTask),
        ("/app/amsha/tasks/write.yaml", DefinitionFixtures.AmshaWriteTask),
        ("/app/poetry.yaml", DefinitionFixtures.Poetry),
    };

    // What typing YAML inserts, and what breaks it: indicators, anchors, tags, merges, braces, odd characters.
    private static readonly string[] Insertions =
    {
        ":", ": ", "-", "- ", "{", "}", "[", "]", "\n", "\n  ", "  ", "\t", "\"", "'", "&a ", "*a", "*b", "!!python/object:os.system ",
        ">", "|", "#", "%YAML 1.2\n", "@", "`", "\0", "\uFEFF", "\r", "<<: *a\n", "{topic}", "{Year}", "{ x }", "~", "null", "? ",
        ",", "agent: nobody\n", "context: [research_task, reporting_task]\n", "task_file: ../../etc/passwd\n", "output: json\n",
        "output: System.IO.Stream\n", "input: string\n", "process: graph\n", "---\n", "...\n", "\u2028", "é", "\uD800",
    };

    private static readonly Lazy<Microsoft.CodeAnalysis.CSharp.CSharpCompilation> Compilation = new(() => GeneratorHarness.CreateCompilation(DefinitionFixtures.Types, DefinitionFixtures.PoetryTypes));

    private sealed record Edit(int File, int Kind, int Position, int Length, int Insertion);

    private static readonly Gen<Edit> AnyEdit = Gen.Select(Gen.Int[0, Files.Length - 1], Gen.Int[0, 4], Gen.Int[0, 4000], Gen.Int[1, 60], Gen.Int[0, Insertions.Length - 1])
        .Select((file, kind, position, length, insertion) => new Edit(file, kind, position, length, insertion));

    [Fact]
    public Task Mangled_definition_files_are_only_ever_reported() =>
        AnyEdit.Array[1, 4].SampleAsync(async edits => Assert.Null(await CheckAsync(Apply(edits))), iter: 100, threads: 1, print: edits => string.Join("; ", edits.Select(e => e.ToString())));

    [Fact]
    public async Task Every_line_prefix_of_every_file_is_only_ever_reported()
    {
        // One file of each layout (the others are written alike).
        var failures = new List<string>();
        foreach (var file in new[] { 1, 3, 8 })
        {
            var text = Files[file].Text;
            for (var end = text.IndexOf('\n'); end >= 0; end = text.IndexOf('\n', end + 1))
            {
                // Also cut in the middle of the line's value, where a key is typed but its value not yet.
                foreach (var cut in new[] { end, Math.Max(0, end - 3) })
                {
                    var files = Files.ToArray();
                    files[file] = (files[file].Path, text.Substring(0, cut));
                    if (await CheckAsync(files) is { } problem)
                    {
                        failures.Add($"{files[file].Path} cut at {cut}: {problem}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_check_sees_a_generator_that_emits_broken_code()
    {
        // The control: a file set whose crew compiles gives no problem; the check itself reports errors in generated files.
        Assert.Null(await CheckAsync(Files));
        var run = DefinitionFileSet.Of(Files).Run(Compilation.Value);
        Assert.Contains("Sample.PoetryCrew.DefinedCrew.g.cs", run.Sources.Keys);
        Assert.Contains("Sample.ResearchCrew.DefinedCrew.g.cs", run.Sources.Keys);
        Assert.Contains("Sample.ResearchJob.DefinedCrew.g.cs", run.Sources.Keys);
    }

    private static (string Path, string Text)[] Apply(Edit[] edits)
    {
        var files = Files.ToArray();
        foreach (var edit in edits)
        {
            var (path, text) = files[edit.File];
            var position = text.Length == 0 ? 0 : edit.Position % (text.Length + 1);
            text = edit.Kind switch
            {
                0 => text.Substring(0, position),
                1 => text.Remove(position, Math.Min(edit.Length, text.Length - position)),
                2 or 3 => text.Insert(position, Insertions[edit.Insertion]),
                _ => DuplicateLine(text, position),
            };
            files[edit.File] = (path, text);
        }

        return files;
    }

    private static string DuplicateLine(string text, int position)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, Math.Min(position, text.Length) - 1)) + 1;
        var end = text.IndexOf('\n', start);
        var line = end < 0 ? text.Substring(start) + "\n" : text.Substring(start, end - start + 1);
        return text.Insert(start, line);
    }

    /// <summary>Null when the files got through the generators and analyzers as they must; else what went wrong.</summary>
    private static async Task<string?> CheckAsync((string Path, string Text)[] files)
    {
        var set = DefinitionFileSet.Of(files);
        var run = set.Run(Compilation.Value);
        if (run.Result.Results.FirstOrDefault(r => r.Exception is not null) is { Exception: { } exception })
        {
            return "generator threw: " + exception;
        }

        if (run.GeneratorDiagnostics.FirstOrDefault() is { } generatorDiagnostic)
        {
            return "the generator reported " + generatorDiagnostic;
        }

        // Whatever the files say, what was generated compiles (a crew with an error is not generated at all).
        if (run.CompilationErrors.FirstOrDefault() is { } error)
        {
            return "generated code does not compile: " + error + "\n" + string.Join("\n---\n", files.Select(f => f.Path + ":\n" + f.Text));
        }

        var diagnostics = await set.AnalyzeAsync(run);
        if (diagnostics.FirstOrDefault(d => !d.Id.StartsWith("AMSHA", StringComparison.Ordinal)) is { } other)
        {
            return "an analyzer reported " + other.Id + ": " + other.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        }

        var paths = files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        if (diagnostics.FirstOrDefault(d => d.Location.Kind != LocationKind.ExternalFile || !paths.Contains(d.Location.GetLineSpan().Path)) is { } misplaced)
        {
            return "a diagnostic outside the definition files: " + misplaced;
        }

        return null;
    }
}
