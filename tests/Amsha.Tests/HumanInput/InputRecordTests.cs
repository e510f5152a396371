using System;
using System.IO;
using System.Threading.Tasks;
using Amsha.Generated;
using Amsha.Serialization;
using Amsha.Sqlite;
using Amsha.Tests.Support;

namespace Amsha.Tests.HumanInput;

/// <summary>Open requests and answers are part of the record: every store keeps them exactly.</summary>
public sealed class InputRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static readonly InputRequest Review = new()
    {
        RequestId = "r1",
        Kind = InputRequestKind.TaskReview,
        TaskName = "Draft",
        AgentName = "Writer",
        Question = "Review the output of task 'Draft'.",
        Allowed = ReviewKind.Approve | ReviewKind.Edit,
        ProposedOutput = "A \"quoted\"\nmulti-line draft ✓",
        RequestedAt = At,
        Deadline = At.AddDays(2),
    };

    private static readonly InputRequest Approval = new()
    {
        RequestId = "r2",
        Kind = InputRequestKind.ToolApproval,
        TaskName = "Send",
        AgentName = "Assistant",
        Question = "Approve a call of tool 'Pay'.",
        ToolName = "Pay",
        ToolCallId = "call_1",
        ToolArguments = """{"amount":3,"to":"ada"}""",
        RequestedAt = At,
    };

    private static ExecutionRecord Record() => new()
    {
        ExecutionId = "e1",
        CrewName = "C",
        InputJson = "{}",
        Status = ExecutionStatus.WaitingForInput,
        PendingInput = [Approval],
        InputHistory = [new AnsweredInput(Review, InputResponse.Edit("r1", "better") with { AnsweredBy = "ada" }, At.AddHours(1)) { Applied = true }],
    };

    [Fact]
    public void The_serializer_keeps_requests_and_answers_exactly()
    {
        var read = ExecutionRecordSerializer.Deserialize(ExecutionRecordSerializer.Serialize(Record()));

        Assert.Equal(Approval, Assert.Single(read.PendingInput));
        var answer = Assert.Single(read.InputHistory);
        Assert.Equal(Review, answer.Request);
        Assert.Equal(InputResponse.Edit("r1", "better") with { AnsweredBy = "ada" }, answer.Response);
        Assert.Equal((At.AddHours(1), true), (answer.AnsweredAt, answer.Applied));
        Assert.Equal(ExecutionStatus.WaitingForInput, read.Status);
    }

    [Fact]
    public void A_record_without_input_has_no_input_sections()
    {
        var json = ExecutionRecordSerializer.Serialize(Record() with { PendingInput = [], InputHistory = [] });

        Assert.DoesNotContain("pendingInput", json, StringComparison.Ordinal);
        Assert.DoesNotContain("inputHistory", json, StringComparison.Ordinal);
        Assert.Empty(ExecutionRecordSerializer.Deserialize(json).PendingInput);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("sqlite")]
    public async Task File_and_sqlite_stores_keep_waiting_executions_and_list_them_by_status(string kind)
    {
        var work = TestSessions.TempDirectory();
        IExecutionStore store = kind == "sqlite" ? new SqliteExecutionStore(Path.Combine(work, "x.db")) : new FileExecutionStore(work);
        var saved = await store.SaveAsync(Record(), TestContext.Current.CancellationToken);

        var read = await store.GetAsync("e1", TestContext.Current.CancellationToken);
        Assert.Equal(saved.Revision, read!.Revision);
        Assert.Equal(Approval, Assert.Single(read.PendingInput));
        Assert.Equal("better", Assert.Single(read.InputHistory).Response.EditedOutput);
        Assert.Contains(await store.ListAsync(null, TestContext.Current.CancellationToken), r => r.ExecutionId == "e1" && r.Status == ExecutionStatus.WaitingForInput);
    }
}

/// <summary>Which tools need approval is part of what an execution records it ran with.</summary>
public sealed class ApprovalFingerprintTests
{
    [Fact]
    public void A_tool_that_needs_approval_is_in_the_generated_toolbox_and_changes_the_fingerprint()
    {
        var task = HumanPaymentCrew.Definition.Tasks[0];
        var toolbox = Assert.Single(task.Toolboxes);
        Assert.Equal(["Pay"], toolbox.ApprovalToolNames);

        var same = CrewWith(toolbox);
        var withoutApproval = CrewWith(new WithoutApprovals(toolbox));

        Assert.Equal(same.Fingerprint, CrewWith(toolbox).Fingerprint);
        Assert.NotEqual(same.Fingerprint, withoutApproval.Fingerprint);

        CrewDefinition<ReviewTopic, string> CrewWith(ToolboxDefinition box) =>
            new("Fingerprinted", CrewProcess.Sequential, [new CrewTaskDefinition<ReviewTopic>(task.Name, task.Agent, task.DependsOn, task.BuildPrompt, task.OutputFormat) { Toolboxes = [box], Texts = task.Texts }]);
    }

    private sealed class WithoutApprovals(ToolboxDefinition inner) : ToolboxDefinition(inner.Name, inner.Type, inner.ToolNames)
    {
        public override System.Collections.Generic.IReadOnlyList<ToolFunction> CreateTools(object toolbox) => inner.CreateTools(toolbox);
    }
}
