using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.Sqlite;
using Amsha.Tests.Support;

namespace Amsha.Tests.Durability;

/// <summary>
/// Kills a process running a background crew (SIGKILL) after its first task's checkpoint, resumes
/// the execution in a new process, and compares with an uninterrupted run.
/// </summary>
public sealed partial class CrashTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("file")]
    [InlineData("sqlite")]
    public async Task Killed_background_execution_resumes_in_a_new_process_without_repeating_finished_tasks(string storeKind)
    {
        var work = TestSessions.TempDirectory();
        string StorePath(string name) => storeKind == "sqlite" ? Path.Combine(work, name + ".db") : Path.Combine(work, name);

        // The uninterrupted run: the result to match.
        var baseline = await RunChildToEnd(["start", storeKind, StorePath("baseline"), Path.Combine(work, "baseline.calls"), "0"]);
        var expected = Line(baseline, "result ");

        // The run to kill: its model never answers the second task, so the process is certainly mid-call in
        // Draft, with Outline checkpointed, when it is killed (no timing involved).
        var storePath = StorePath("crash");
        var calls = Path.Combine(work, "crash.calls");
        string executionId;
        using (var child = StartChild(["start", storeKind, storePath, calls, "0", "Draft"]))
        {
            executionId = (await ReadUntil(child, l => l.StartsWith("started ", StringComparison.Ordinal)))["started ".Length..];
            await ReadUntil(child, l => l == "holding Draft");

            // Another process (this one) reads the execution through the shared store while it runs.
            var whileRunning = await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken);
            Assert.Equal(ExecutionStatus.Running, whileRunning!.Status);
            Assert.Equal("CrashCrew", whileRunning.CrewName);

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.NotEqual(0, child.ExitCode);
        }

        var atCrash = (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Running, atCrash.Status);
        var finished = atCrash.TaskOutputs.Select(t => t.TaskName).ToList();
        Assert.Equal(["Outline"], finished);
        var callsAtCrash = File.ReadAllLines(calls);
        var callsBeforeResume = callsAtCrash.Length;

        // The model was mid-call on Draft when the process died: that call is made again on resume.
        Assert.Equal(["Task: Outline", "Task: Draft"], callsAtCrash.Select(c => c.Split(' ')[0] + " " + c.Split(' ')[1]));

        // A new process resumes explicitly by id.
        var resumed = await RunChildToEnd(["resume", storeKind, storePath, calls, "0", executionId]);
        Assert.Equal(expected, Line(resumed, "result "));
        Assert.Equal($"started {executionId}", resumed[0]);

        var resumeCalls = File.ReadAllLines(calls).Skip(callsBeforeResume).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{storeKind}: finished before the kill: {string.Join(", ", finished)}; calls after resume: {string.Join(" | ", resumeCalls)}");
        foreach (var task in new[] { "Outline", "Draft", "Polish" })
        {
            var callsOfTask = resumeCalls.Count(c => c.StartsWith("Task: " + task, StringComparison.Ordinal));
            Assert.Equal(finished.Contains(task) ? 0 : 1, callsOfTask);
        }

        var final = (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Equal([ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.Running, ExecutionStatus.Succeeded], final.StatusHistory.Select(h => h.Status));
        Assert.Equal("Pending,Running,Running,Succeeded", Line(resumed, "history "));
        Assert.Equal(["Outline", "Draft", "Polish"], final.TaskOutputs.Select(t => t.TaskName));
        Assert.True(final.UpdatedAt >= atCrash.UpdatedAt);

        // Metrics add up across the two processes: the killed run's last checkpoint plus the resumed run.
        Assert.Equal(1, atCrash.Metrics!.Runs);
        Assert.Equal(2, final.Metrics!.Runs);
        Assert.Equal(ExecutionStatus.Succeeded, final.Metrics.Status);
        Assert.Equal(atCrash.Metrics.LlmCallCount + resumeCalls.Count, final.Metrics.LlmCallCount);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("sqlite")]
    public async Task A_tool_call_completed_before_the_kill_is_not_run_again_on_resume(string storeKind)
    {
        var work = TestSessions.TempDirectory();
        var storePath = storeKind == "sqlite" ? Path.Combine(work, "tools.db") : Path.Combine(work, "tools");
        var calls = Path.Combine(work, "tools.calls");

        // The model calls Send and Peek, both complete and are journaled; the next round (which carries their
        // results) never answers, so the process dies after the side effect and before the task's checkpoint.
        string executionId;
        using (var child = StartChild(["start-tools", storeKind, storePath, calls, "0", "@tools"]))
        {
            executionId = (await ReadUntil(child, l => l.StartsWith("started ", StringComparison.Ordinal)))["started ".Length..];
            await ReadUntil(child, l => l == "holding @tools");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Single(File.ReadAllLines(calls + ".sent"));
        Assert.Single(File.ReadAllLines(calls + ".peeked"));
        var atCrash = (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Empty(atCrash.TaskOutputs);
        var journaled = Assert.Single(atCrash.ToolCalls); // Peek is idempotent: not journaled
        Assert.Equal(("Notify", "Send"), (journaled.TaskName, journaled.ToolName));
        Assert.StartsWith("sent to ", journaled.Result, StringComparison.Ordinal);

        // A new process resumes: the model repeats the same calls; Send is answered from the journal, Peek runs again.
        var resumed = await RunChildToEnd(["resume-tools", storeKind, storePath, calls, "0", executionId]);
        Assert.Contains("Tool results: sent to ", Line(resumed, "result "), StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(calls + ".sent"));
        Assert.Equal(2, File.ReadAllLines(calls + ".peeked").Length);

        var final = (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Succeeded, final.Status);
        Assert.Empty(final.ToolCalls); // the task's output replaced its journal
        Assert.Equal(["replayed Send"], resumed.Where(l => l.StartsWith("replayed ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Several_processes_run_executions_against_one_sqlite_file_at_the_same_time()
    {
        var work = TestSessions.TempDirectory();
        var database = Path.Combine(work, "shared.db");

        // Three processes checkpoint into the same database concurrently (WAL, busy timeout).
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            RunChildToEnd(["start", "sqlite", database, Path.Combine(work, $"writer{i}.calls"), "200"])));

        var store = OpenStore("sqlite", database);
        var ids = runs.Select(lines => Line(lines, "started ")).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        for (var i = 0; i < runs.Length; i++)
        {
            var record = (await store.GetAsync(ids[i], TestContext.Current.CancellationToken))!;
            Assert.Equal(ExecutionStatus.Succeeded, record.Status);
            Assert.Equal(["Outline", "Draft", "Polish"], record.TaskOutputs.Select(t => t.TaskName));
            Assert.Equal("Pending,Running,Succeeded", Line(runs[i], "history "));

            // No write was lost or repeated: each process called the model once per task.
            Assert.Equal(3, File.ReadAllLines(Path.Combine(work, $"writer{i}.calls")).Length);
        }

        Assert.Single(runs.Select(lines => Line(lines, "result ")).Distinct());
    }

    private static IExecutionStore OpenStore(string kind, string path) => kind == "sqlite" ? new SqliteExecutionStore(path) : new FileExecutionStore(path);

    private static string Line(IReadOnlyList<string> lines, string prefix) =>
        lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line
            ? line[prefix.Length..]
            : throw new Xunit.Sdk.XunitException($"No line starting with '{prefix}' in:\n{string.Join('\n', lines)}");

    private static async Task<List<string>> RunChildToEnd(string[] arguments)
    {
        using var child = StartChild(arguments);
        using var timeout = new CancellationTokenSource(ChildTimeout);
        var output = await child.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = await child.StandardError.ReadToEndAsync(timeout.Token);
        await child.WaitForExitAsync(timeout.Token);
        Assert.True(child.ExitCode == 0, $"Child {string.Join(' ', arguments)} exited with {child.ExitCode}:\n{output}\n{errors}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    [Fact]
    public async Task A_crew_defined_only_in_sqlite_survives_a_kill_and_resumes_by_id_in_a_new_process()
    {
        var work = TestSessions.TempDirectory();
        var database = Path.Combine(work, "crews.db");
        await WriteDynamicCrewAsync(database);
        await WriteDynamicCrewAsync(Path.Combine(work, "baseline.db"));

        var baseline = await RunChildToEnd(["start-dynamic", "sqlite", Path.Combine(work, "baseline.db"), Path.Combine(work, "baseline.calls"), "0"]);
        var calls = Path.Combine(work, "crash.calls");
        string executionId;
        using (var child = StartChild(["start-dynamic", "sqlite", database, calls, "0", "Draft"]))
        {
            executionId = (await ReadUntil(child, l => l.StartsWith("started ", StringComparison.Ordinal)))["started ".Length..];
            await ReadUntil(child, l => l == "holding Draft");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var atCrash = (await OpenStore("sqlite", database).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.Running, atCrash.Status);
        Assert.Equal("dyn_crash", atCrash.CrewName);
        Assert.Equal(["dyn_outline"], atCrash.TaskOutputs.Select(t => t.TaskName));
        Assert.NotNull(atCrash.DefinitionSnapshot);
        var callsBeforeResume = File.ReadAllLines(calls).Length;

        var resumed = await RunChildToEnd(["resume-dynamic", "sqlite", database, calls, "0", executionId]);

        Assert.Equal(Line(baseline, "result "), Line(resumed, "result "));
        var resumeCalls = File.ReadAllLines(calls).Skip(callsBeforeResume).Select(c => c.Split(' ')[1]).ToList();
        Assert.Equal(["Draft", "Polish"], resumeCalls);
        var final = (await OpenStore("sqlite", database).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(["dyn_outline", "dyn_draft", "dyn_polish"], final.TaskOutputs.Select(t => t.TaskName));
        Assert.Equal(atCrash.DefinitionFingerprint, final.DefinitionFingerprint);

        // An admin tool writes the crew at run time; no process that runs it was compiled with it.
        static async Task WriteDynamicCrewAsync(string path)
        {
            using var definitions = new Amsha.Sqlite.SqliteDefinitionSource(path);
            await definitions.SaveAgentAsync(new AgentDeclaration("dyn_planner") { Role = "Planner", Goal = "Plan a text about {topic}", Backstory = "Methodical." }, TestContext.Current.CancellationToken);
            await definitions.SaveAgentAsync(new AgentDeclaration("dyn_writer") { Role = "Writer", Goal = "Write about {topic}", Backstory = "Fluent." }, TestContext.Current.CancellationToken);
            await definitions.SaveTaskAsync(new TaskDeclaration("dyn_outline") { Description = "Outline {topic}.", ExpectedOutput = "An outline", Agent = "dyn_planner" }, TestContext.Current.CancellationToken);
            await definitions.SaveTaskAsync(new TaskDeclaration("dyn_draft") { Description = "Draft {topic} from the outline.", ExpectedOutput = "A draft", Agent = "dyn_writer", Context = ["dyn_outline"] }, TestContext.Current.CancellationToken);
            await definitions.SaveTaskAsync(new TaskDeclaration("dyn_polish") { Description = "Polish {topic} from the draft.", ExpectedOutput = "A final text", Agent = "dyn_writer", Context = ["dyn_draft"] }, TestContext.Current.CancellationToken);
            await definitions.SaveCrewAsync(new CrewDeclaration("dyn_crash") { Steps = [new("dyn_outline"), new("dyn_draft"), new("dyn_polish")] }, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string> ReadUntil(Process child, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(ChildTimeout);
        var seen = new List<string>();
        while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.Add(line);
            if (match(line))
            {
                return line;
            }
        }

        throw new Xunit.Sdk.XunitException($"The child ended before the expected line. Output:\n{string.Join('\n', seen)}\n{await child.StandardError.ReadToEndAsync(timeout.Token)}");
    }

    private static Process StartChild(string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CrashHostPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the crash host.");
    }

    // tests/Amsha.Tests/bin/<Configuration>/<tfm>/ -> tests/Amsha.CrashHost/bin/<Configuration>/<tfm>/Amsha.CrashHost.dll
    private static string CrashHostPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "Amsha.CrashHost", "bin", configuration.Name, output.Name, "Amsha.CrashHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The crash host was not built at '{path}'. Build tests/Amsha.Tests (it references tests/Amsha.CrashHost).", path);
    }
}
