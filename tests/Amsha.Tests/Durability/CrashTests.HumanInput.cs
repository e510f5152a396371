using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Durability;

// Human input across processes: one process starts a crew that waits for review and exits (or is killed),
// a second answers by id and runs the rest, a third reads the result.
public sealed partial class CrashTests
{
    [Theory]
    [InlineData("file", false)]
    [InlineData("sqlite", true)]
    public async Task A_review_waits_in_the_store_while_no_process_runs_then_another_process_approves_and_a_third_reads_the_result(string storeKind, bool killWhileWaiting)
    {
        var work = TestSessions.TempDirectory();
        var storePath = storeKind == "sqlite" ? Path.Combine(work, "review.db") : Path.Combine(work, "review");
        var calls = Path.Combine(work, "review.calls");

        // Process 1 starts the crew; it stops waiting for the review of ReviewedDraft. It then exits, or is killed -9.
        string executionId, requestId;
        if (killWhileWaiting)
        {
            using var child = StartChild(["start-review", storeKind, storePath, calls, "0", "hang"]);
            executionId = (await ReadUntil(child, l => l.StartsWith("started ", StringComparison.Ordinal)))["started ".Length..];
            Assert.Equal("status WaitingForInput", await ReadUntil(child, l => l.StartsWith("status ", StringComparison.Ordinal)));
            requestId = (await ReadUntil(child, l => l.StartsWith("request ", StringComparison.Ordinal)))["request ".Length..];
            await ReadUntil(child, l => l == "waiting");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        else
        {
            var first = await RunChildToEnd(["start-review", storeKind, storePath, calls, "0"]);
            executionId = Line(first, "started ");
            Assert.Equal("WaitingForInput", Line(first, "status "));
            requestId = Line(first, "request ");
        }

        var waiting = (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(ExecutionStatus.WaitingForInput, waiting.Status);
        Assert.Equal(requestId, Assert.Single(waiting.PendingInput).RequestId);
        Assert.Equal(["Outline"], waiting.TaskOutputs.Select(t => t.TaskName));
        var proposed = waiting.PendingInput[0].ProposedOutput;
        var callsWhileWaiting = File.ReadAllLines(calls).Length;
        Assert.Equal(2, callsWhileWaiting);

        // Process 2 approves by id: it resumes the crew by its recorded name and runs the rest.
        var second = await RunChildToEnd(["answer", storeKind, storePath, calls, "0", executionId, requestId, "approve"]);
        Assert.Equal("Succeeded", Line(second, "status "));

        // A second answer to the same request, from yet another process, is refused and changes nothing.
        var revision = (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!.Revision;
        using (var late = StartChild(["answer", storeKind, storePath, calls, "0", executionId, requestId, "reject", "too late"]))
        {
            Assert.Equal("refused AlreadyAnswered", await ReadUntil(late, l => l.StartsWith("refused ", StringComparison.Ordinal)));
            await late.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(3, late.ExitCode);
        }

        Assert.Equal(revision, (await OpenStore(storeKind, storePath).GetAsync(executionId, TestContext.Current.CancellationToken))!.Revision);

        // Process 3 reads the result: the reviewed draft is the one proposed before the wait; the model drafted it once.
        var third = await RunChildToEnd(["read", storeKind, storePath, calls, "0", executionId]);
        Assert.Equal("Succeeded", Line(third, "status "));
        Assert.Equal(proposed!.ReplaceLineEndings(" "), Line(third, "reviewed "));
        Assert.Equal("Approve:process-2", Line(third, "answered "));
        Assert.Equal("Pending,Running,WaitingForInput,Running,Succeeded", Line(third, "history "));
        var allCalls = File.ReadAllLines(calls).Select(c => c.Split(' ')[1]).ToList();
        Assert.Equal(["Outline", "Draft", "Publish"], allCalls);
    }
}
