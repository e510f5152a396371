using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha;
using Amsha.Tests.Support;
using Xunit;

namespace Amsha.Tests.Definitions;

/// <summary>Definitions from a directory of YAML files, reloaded when a file changes.</summary>
public sealed class FileDefinitionSourceTests
{
    private const string Agents = """
        # CrewAI's layout: agents keyed by id
        file_briefer:
          role: >
            Briefing writer
          goal: >
            Brief {reader} on {topic}
          backstory: Writes for busy people.
          verbose: true
        """;

    private const string Tasks = """
        file_brief:
          description: |
            Write a briefing on {topic}.
            Keep {"format": "three lines"} as given.
          expected_output: Three lines
          agent: file_briefer
        """;

    private const string Crews = """
        crews:
          file_briefing:
            tasks: [file_brief]
        """;

    [Fact]
    public async Task A_directory_in_the_crewai_layout_defines_a_crew_run_by_name()
    {
        var directory = Directory(("agents.yaml", Agents), ("tasks.yaml", Tasks), ("crews.yaml", Crews));
        var model = new PromptRecordingChatClient();
        using var source = new FileDefinitionSource(directory);
        var session = OverlayTests.Session(model).AddDefinitionSource(source);

        var result = await session.RunAsync("file_briefing", """{"topic": "Rust", "reader": "a CTO"}""", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("You are Briefing writer\n.\nGoal: Brief a CTO on Rust\n\nBackstory: Writes for busy people.", model.All[0].System);
        Assert.Equal("Task: Write a briefing on Rust.\nKeep {\"format\": \"three lines\"} as given.\n\n\nExpected output: Three lines", model.All[0].User);
        Assert.Equal("file_briefing", result.CrewName);
        var set = await source.LoadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(DefinitionOrigin.InFile("agents.yaml", 2, 1), set.Agents.Single().Origin);
        Assert.Equal(DefinitionOrigin.InFile("agents.yaml", 5, 9), set.Agents.Single().FieldOrigins!["goal"]);
        var ignored = Assert.Single(set.Warnings);
        Assert.StartsWith("agents.yaml(8,3): ", ignored, StringComparison.Ordinal);
        Assert.Contains("verbose", ignored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_file_takes_effect_for_the_next_execution_and_an_invalid_edit_is_rejected_with_file_and_line()
    {
        var directory = Directory(("agents.yaml", Agents), ("tasks.yaml", Tasks), ("crews.yaml", Crews));
        var model = new PromptRecordingChatClient();
        using var source = new FileDefinitionSource(directory);
        var session = OverlayTests.Session(model).AddDefinitionSource(source);
        const string Input = """{"topic": "Rust", "reader": "a CTO"}""";
        await session.RunAsync("file_briefing", Input, cancellationToken: TestContext.Current.CancellationToken);

        var reloaded = new TaskCompletionSource<DefinitionsReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.DefinitionsReloaded += (_, e) => { if (e.Error is null) reloaded.TrySetResult(e); };
        await WriteAtomicallyAsync(Path.Combine(directory, "tasks.yaml"), Tasks.Replace("Write a briefing", "Write a short briefing", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await reloaded.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        await session.RunAsync("file_briefing", Input, cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("Task: Write a short briefing on Rust.", model.All[^1].User, StringComparison.Ordinal);

        var rejected = new TaskCompletionSource<DefinitionsReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.DefinitionsReloaded += (_, e) => { if (e.Error is not null) rejected.TrySetResult(e); };
        await WriteAtomicallyAsync(Path.Combine(directory, "tasks.yaml"), Tasks.Replace("agent: file_briefer", "agent: file_brefer", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var outcome = await rejected.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
        Assert.Equal("tasks.yaml", outcome.Error!.Origin!.Path);
        Assert.Equal(6, outcome.Error.Origin.Line);
        Assert.Contains("file_brefer", outcome.Error.Message, StringComparison.Ordinal);

        // The last valid definitions keep working.
        await session.RunAsync("file_briefing", Input, cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("Task: Write a short briefing on Rust.", model.All[^1].User, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overlay_of_a_compiled_crew_edited_in_a_file_takes_effect_for_the_next_execution_and_a_bad_edit_keeps_the_last_good_one()
    {
        const string Overlay = """
            OverlayWriter:            # the compiled [Agent] class
              goal: Teach {audience} about {topic}
            """;
        var directory = Directory(("overlay.yaml", Overlay));
        var model = new PromptRecordingChatClient();
        using var source = new FileDefinitionSource(directory);
        var session = OverlayTests.Session(model).AddDefinitionSource(source);
        var crew = new OverlayCrew(session);
        await crew.RunAsync(new OverlayRequest("Rust", "engineers"), TestContext.Current.CancellationToken);
        Assert.Contains("Goal: Teach engineers about Rust\n", model.All[^2].System, StringComparison.Ordinal);

        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rejected = new TaskCompletionSource<DefinitionException>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.DefinitionsReloaded += (_, e) =>
        {
            if (e.Error is { } error)
            {
                rejected.TrySetResult(error);
            }
            else
            {
                accepted.TrySetResult();
            }
        };
        await WriteAtomicallyAsync(Path.Combine(directory, "overlay.yaml"), Overlay.Replace("Teach", "Coach", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await accepted.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
        await crew.RunAsync(new OverlayRequest("Rust", "engineers"), TestContext.Current.CancellationToken);
        Assert.Contains("Goal: Coach engineers about Rust\n", model.All[^2].System, StringComparison.Ordinal);

        await WriteAtomicallyAsync(Path.Combine(directory, "overlay.yaml"), Overlay.Replace("{topic}", "{topik}", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var error = await rejected.Task.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(DefinitionOrigin.InFile("overlay.yaml", 2, 9), error.Origin);
        Assert.Contains("{topik}", error.Message, StringComparison.Ordinal);

        await crew.RunAsync(new OverlayRequest("Rust", "engineers"), TestContext.Current.CancellationToken);
        Assert.Contains("Goal: Coach engineers about Rust\n", model.All[^2].System, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_yaml_is_an_error_at_its_line_and_changes_nothing()
    {
        var directory = Directory(("agents.yaml", Agents), ("tasks.yaml", "file_brief:\n  description: \"never closed\n  agent: x\n"), ("crews.yaml", Crews));
        var session = OverlayTests.Session(new PromptRecordingChatClient()).AddDefinitionSource(new FileDefinitionSource(directory));

        var error = await Assert.ThrowsAsync<DefinitionException>(() => session.ReloadDefinitionsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("tasks.yaml", error.Origin!.Path);
        Assert.True(error.Origin.Line >= 2);
    }

    [Fact]
    public async Task A_file_reference_cannot_leave_the_directory()
    {
        var outside = Directory(("secret.yaml", "agent:\n  role: r\n  goal: g\n  backstory: b\n"));
        var directory = Directory(
            ("agents/briefer.yaml", "agent:\n  role: r\n  goal: g\n  backstory: b\n"),
            ("job.yaml", $"crew:\n  name: escape\n  steps:\n    - task_file: ../{Path.GetFileName(outside)}/secret.yaml\n      agent_file: agents/briefer.yaml\n"));

        var error = await Assert.ThrowsAsync<DefinitionException>(async () => await new FileDefinitionSource(directory).LoadAsync(TestContext.Current.CancellationToken));

        Assert.Equal("job.yaml", error.Origin!.Path);
        Assert.Equal(4, error.Origin.Line);
    }

    [Fact]
    public async Task File_references_written_from_the_project_directory_as_python_amsha_wrote_them_resolve()
    {
        var directory = Directory(
            ("agents/briefer.yaml", "agent:\n  role: Briefer\n  goal: Brief on {topic}\n  backstory: Terse.\n"),
            ("tasks/brief.yaml", "task:\n  name: Brief\n  description: Brief on {topic}.\n  expected_output: One line\n"),
            ("job_config.yaml", "crews:\n  py_briefing:\n    steps:\n      - task_file: config/tasks/brief.yaml\n        agent_file: config/agents/briefer.yaml\n"));
        var session = OverlayTests.Session(new PromptRecordingChatClient()).AddDefinitionSource(new FileDefinitionSource(directory));

        var result = await session.RunAsync("py_briefing", """{"topic": "Rust"}""", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Brief", result.TaskOutputs.Single().TaskName);
    }

    [Fact]
    public async Task A_link_to_a_file_outside_the_directory_is_refused()
    {
        var outside = Directory(("secret.yaml", Agents));
        var directory = Directory(("tasks.yaml", Tasks));
        File.CreateSymbolicLink(Path.Combine(directory, "agents.yaml"), Path.Combine(outside, "secret.yaml"));

        var error = await Assert.ThrowsAsync<DefinitionException>(async () => await new FileDefinitionSource(directory).LoadAsync(TestContext.Current.CancellationToken));

        Assert.Contains("outside the definitions directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enormous_file_is_refused_before_it_is_read()
    {
        var directory = Directory(("agents.yaml", Agents));
        await File.WriteAllTextAsync(Path.Combine(directory, "huge.yaml"), "x: \"" + new string('a', 5_000_000) + "\"\n", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DefinitionException>(async () => await new FileDefinitionSource(directory).LoadAsync(TestContext.Current.CancellationToken));

        Assert.Equal("huge.yaml", error.Origin!.Path);
        Assert.Contains("limited to", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_names_across_files_are_refused()
    {
        var directory = Directory(("agents.yaml", Agents), ("more/agents.yaml", Agents));

        var error = await Assert.ThrowsAsync<DefinitionException>(async () => await new FileDefinitionSource(directory).LoadAsync(TestContext.Current.CancellationToken));

        Assert.Contains("file_briefer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_is_a_clear_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => new FileDefinitionSource(Path.Combine(TestSessions.TempDirectory(), "nope")));
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    // As editors save: a new file renamed over the old one, so a reload never reads it half-written.
    private static async Task WriteAtomicallyAsync(string path, string text, System.Threading.CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path + ".tmp", text, cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static string Directory(params (string Path, string Text)[] files)
    {
        var directory = TestSessions.TempDirectory();
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(directory, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        return directory;
    }
}
