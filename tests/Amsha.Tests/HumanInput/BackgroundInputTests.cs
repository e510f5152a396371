using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.HumanInput;

/// <summary>Background executions wait in their record: stored, unloaded, answered by id, resumed explicitly.</summary>
public sealed class BackgroundInputTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_background_review_is_stored_then_an_answer_by_id_resumes_without_asking_the_model_again()
    {
        var store = new InMemoryExecutionStore();
        var calls = new PromptRecordingChatClient();
        await using var session = Session(store, calls);
        var handle = await new HumanReviewCrew(session).StartBackgroundAsync(new ReviewTopic("tides"), cancellationToken: Token);

        Assert.Equal(ExecutionStatus.WaitingForInput, await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
        var waiting = await Assert.ThrowsAsync<ExecutionWaitingForInputException>(() => handle.ResultAsync(Token));
        var request = Assert.Single(waiting.Requests);
        Assert.Equal(request, Assert.Single(handle.PendingInput));

        var record = await session.GetExecutionAsync(handle.ExecutionId, Token);
        Assert.Equal(ExecutionStatus.WaitingForInput, record.Status);
        Assert.Equal(request, Assert.Single(record.PendingInput));
        Assert.Empty(record.TaskOutputs);
        Assert.Equal([ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.WaitingForInput], record.StatusHistory.Select(h => h.Status));
        Assert.Single(calls.All);

        var resumed = await session.SubmitInputAsync(handle.ExecutionId, request.Approve() with { AnsweredBy = "ada" }, cancellationToken: Token);
        var result = await ((ExecutionHandle<string>)resumed).ResultWithinTimeoutAsync();

        // The reviewed output is the one the model gave before the wait; only the next task called the model.
        Assert.Equal(request.ProposedOutput, result.TaskOutputs[0].Text);
        Assert.Equal(2, calls.All.Count);
        var final = await session.GetExecutionAsync(handle.ExecutionId, Token);
        Assert.Equal(ExecutionStatus.Succeeded, final.Status);
        Assert.Empty(final.PendingInput);
        var answered = Assert.Single(final.InputHistory);
        Assert.Equal((request.RequestId, InputDecision.Approve, "ada", true), (answered.Request.RequestId, answered.Response.Decision, answered.Response.AnsweredBy, answered.Applied));
        Assert.Equal(
            [ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.WaitingForInput, ExecutionStatus.Running, ExecutionStatus.Succeeded],
            final.StatusHistory.Select(h => h.Status));
        Assert.Equal((2, 1), (final.Metrics!.Runs, final.Metrics.InputRequestCount));
    }

    [Fact]
    public async Task A_second_answer_to_the_same_request_is_refused_and_changes_nothing()
    {
        var store = new InMemoryExecutionStore();
        await using var session = Session(store, new OfflineChatClient());
        var handle = await new HumanReviewCrew(session).StartBackgroundAsync(new ReviewTopic("tides"), cancellationToken: Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var request = Assert.Single(handle.PendingInput);

        var resumed = await handle.SubmitInputAsync(request.Approve(), Token);
        Assert.Equal(ExecutionStatus.Succeeded, await resumed.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
        var before = await session.GetExecutionAsync(handle.ExecutionId, Token);

        var again = await Assert.ThrowsAsync<InputResponseException>(() => session.SubmitInputAsync(handle.ExecutionId, request.Reject("changed my mind"), cancellationToken: Token));
        Assert.Equal(InputResponseProblem.AlreadyAnswered, again.Problem);
        Assert.Contains("Approve", again.Message, StringComparison.Ordinal);
        var after = await session.GetExecutionAsync(handle.ExecutionId, Token);
        Assert.Equal(before.Revision, after.Revision);
        await Assert.ThrowsAsync<ExecutionNotFoundException>(() => session.SubmitInputAsync("no-such-execution", request.Approve(), cancellationToken: Token));
    }

    [Fact]
    public async Task Two_concurrent_answers_record_one_and_refuse_the_other()
    {
        var store = new InMemoryExecutionStore();
        await using var session = Session(store, new OfflineChatClient());
        var handle = await new HumanReviewCrew(session).StartBackgroundAsync(new ReviewTopic("tides"), cancellationToken: Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var request = Assert.Single(handle.PendingInput);

        // Two sessions over one store stand for two processes answering at the same moment.
        await using var other = Session(store, new OfflineChatClient());
        var answers = await Task.WhenAll(Answer(session, request.Approve()), Answer(other, request.Reject("no")));

        Assert.Single(answers, a => a is null);
        var refused = Assert.Single(answers, a => a is not null)!;
        Assert.Equal(InputResponseProblem.AlreadyAnswered, refused.Problem);
        Assert.Single((await session.GetExecutionAsync(handle.ExecutionId, Token)).InputHistory);

        async Task<InputResponseException?> Answer(ExecutionSession s, InputResponse response)
        {
            try
            {
                var followed = await s.SubmitInputAsync(handle.ExecutionId, response, cancellationToken: Token);
                await followed.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
                return null;
            }
            catch (InputResponseException ex)
            {
                return ex;
            }
        }
    }

    [Fact]
    public async Task An_invalid_edit_names_the_member_and_the_execution_keeps_waiting()
    {
        var store = new InMemoryExecutionStore();
        await using var session = Session(store, new OfflineChatClient());
        var handle = await new HumanEditCrew(session).StartBackgroundAsync(new ReviewTopic("sails"), cancellationToken: Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var request = Assert.Single(handle.PendingInput);
        var before = await session.GetExecutionAsync(handle.ExecutionId, Token);

        var invalid = await Assert.ThrowsAsync<InputResponseException>(() => session.SubmitInputAsync(handle.ExecutionId, request.Edit("""{"Summary":"x"}"""), cancellationToken: Token));

        Assert.Equal(InputResponseProblem.InvalidEdit, invalid.Problem);
        Assert.Equal("$", invalid.MemberPath![..1]);
        Assert.Contains("Score", invalid.Message, StringComparison.Ordinal);
        var after = await session.GetExecutionAsync(handle.ExecutionId, Token);
        Assert.Equal((before.Revision, ExecutionStatus.WaitingForInput), (after.Revision, after.Status));

        // Through the typed handle the resumed run is typed too (by id alone, the session resumes by name: JSON text).
        var resumed = await handle.SubmitInputAsync(request.Edit("""{"Summary":"Edited","Score":3}"""), Token);
        Assert.Equal(new Verdict("Edited", 3), (await resumed.ResultWithinTimeoutAsync()).Output);
        Assert.Contains("Edited", (await session.GetExecutionAsync(handle.ExecutionId, Token)).TaskOutputs[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_review_fails_the_execution_with_the_reason_and_a_resume_drafts_again()
    {
        var store = new InMemoryExecutionStore();
        var calls = new PromptRecordingChatClient();
        await using var session = Session(store, calls);
        var handle = await new HumanReviewCrew(session).StartBackgroundAsync(new ReviewTopic("tides"), cancellationToken: Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var request = Assert.Single(handle.PendingInput);

        var resumed = await handle.SubmitInputAsync(request.Reject("too long"), Token);
        await Assert.ThrowsAsync<InputRejectedException>(() => resumed.ResultWithinTimeoutAsync());

        var failed = await session.GetExecutionAsync(handle.ExecutionId, Token);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(typeof(InputRejectedException).FullName, failed.Error!.Type);
        Assert.Contains("too long", failed.Error.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(failed.InputHistory).Applied);

        // The client decides to try again: the task is drafted again and reviewed again, with a new request.
        var again = await new HumanReviewCrew(session).ResumeAsync(handle.ExecutionId, cancellationToken: Token);
        Assert.Equal(ExecutionStatus.WaitingForInput, await again.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
        Assert.NotEqual(request.RequestId, Assert.Single(again.PendingInput).RequestId);
        Assert.Equal(2, calls.All.Count(c => c.User.Contains("Draft a text", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_overdue_request_expires_when_read_then_a_resume_asks_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new InMemoryExecutionStore();
        var options = new AmshaOptions();
        await using var session = new ExecutionSession(options, store, timeProvider: clock);
        var seen = new List<ExecutionEvent>();
        using var subscription = session.Subscribe(e => { lock (seen) { seen.Add(e); } });
        var handle = await new HumanReviewCrew(session).StartBackgroundAsync(new ReviewTopic("tides"), new ExecutionOptions { InputTimeout = TimeSpan.FromDays(2) }, Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var request = Assert.Single(handle.PendingInput);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromDays(2), request.Deadline);

        // Nothing watches the clock: two days later the record still says waiting until someone reads it.
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(ExecutionStatus.WaitingForInput, (await store.GetAsync(handle.ExecutionId, Token))!.Status);

        // A client's own timer sweeps (once: a second sweep finds nothing new); reads see the expiry too.
        Assert.Equal(handle.ExecutionId, Assert.Single(await session.ExpireOverdueInputAsync(Token)).ExecutionId);
        Assert.Empty(await session.ExpireOverdueInputAsync(Token));
        Assert.Equal(ExecutionStatus.InputExpired, Assert.Single(await session.ListExecutionsAsync(cancellationToken: Token)).Status);
        var read = await session.GetExecutionAsync(handle.ExecutionId, Token);

        Assert.Equal(ExecutionStatus.InputExpired, read.Status);
        Assert.Equal(ExecutionStatus.InputExpired, read.StatusHistory[^1].Status);
        lock (seen)
        {
            var expired = Assert.Single(seen.OfType<InputExpiredEvent>());
            Assert.Equal((handle.ExecutionId, request.RequestId, 0L), (expired.ExecutionId, expired.RequestId, expired.Sequence));
        }

        var late = await Assert.ThrowsAsync<InputResponseException>(() => session.SubmitInputAsync(handle.ExecutionId, request.Approve(), cancellationToken: Token));
        Assert.Equal(InputResponseProblem.Expired, late.Problem);

        // The client decides: resuming opens the request again, with a new id and deadline, without running the task.
        var reopened = await new HumanReviewCrew(session).ResumeAsync(handle.ExecutionId, new ExecutionOptions { InputTimeout = TimeSpan.FromDays(1) }, Token);
        Assert.Equal(ExecutionStatus.WaitingForInput, await reopened.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
        var again = Assert.Single(reopened.PendingInput);
        Assert.NotEqual(request.RequestId, again.RequestId);
        Assert.Equal(request.ProposedOutput, again.ProposedOutput);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromDays(1), again.Deadline);

        var done = await reopened.SubmitInputAsync(again.Approve(), Token);
        Assert.Equal(ExecutionStatus.Succeeded, await done.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
    }

    [Fact]
    public async Task Resuming_an_execution_that_still_waits_runs_nothing()
    {
        var store = new InMemoryExecutionStore();
        var calls = new PromptRecordingChatClient();
        await using var session = Session(store, calls);
        var handle = await new HumanReviewCrew(session).StartBackgroundAsync(new ReviewTopic("tides"), cancellationToken: Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var revision = (await store.GetAsync(handle.ExecutionId, Token))!.Revision;

        var resumed = await new HumanReviewCrew(session).ResumeAsync(handle.ExecutionId, cancellationToken: Token);

        Assert.Equal(ExecutionStatus.WaitingForInput, await resumed.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
        Assert.Equal(handle.PendingInput, resumed.PendingInput);
        Assert.Single(calls.All);
        Assert.Equal(revision, (await store.GetAsync(handle.ExecutionId, Token))!.Revision);
    }

    [Fact]
    public async Task A_refused_tool_call_in_the_background_never_runs_its_side_effect()
    {
        var store = new InMemoryExecutionStore();
        await using var session = Session(store, new OfflineChatClient());
        var tools = new PaymentTools();
        session.AddToolbox(tools);
        var handle = await new HumanPaymentCrew(session).StartBackgroundAsync(new ReviewTopic("dinner"), cancellationToken: Token);
        Assert.Equal(ExecutionStatus.WaitingForInput, await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token));
        var request = Assert.Single(handle.PendingInput);
        Assert.Equal((InputRequestKind.ToolApproval, "Pay"), (request.Kind, request.ToolName));
        Assert.Empty(tools.Payments);

        var resumed = await handle.SubmitInputAsync(request.Reject("not authorised"), Token);
        var result = await resumed.ResultWithinTimeoutAsync();

        Assert.Empty(tools.Payments);
        Assert.Contains("not authorised", result.Output, StringComparison.Ordinal);
        var record = await session.GetExecutionAsync(handle.ExecutionId, Token);
        Assert.Equal(ExecutionStatus.Succeeded, record.Status);
        Assert.Equal(InputDecision.Reject, Assert.Single(record.InputHistory).Response.Decision);
    }

    [Fact]
    public async Task An_approved_tool_call_in_the_background_runs_once_after_the_answer()
    {
        var store = new InMemoryExecutionStore();
        await using var session = Session(store, new OfflineChatClient());
        var tools = new PaymentTools();
        session.AddToolbox(tools);
        var handle = await new HumanPaymentCrew(session).StartBackgroundAsync(new ReviewTopic("dinner"), cancellationToken: Token);
        await handle.WaitAsync(Token).WaitAsync(TestCrews.Timeout, Token);
        var request = Assert.Single(handle.PendingInput);

        var resumed = await handle.SubmitInputAsync(request.Approve(), Token);
        var result = await resumed.ResultWithinTimeoutAsync();

        Assert.Single(tools.Payments);
        Assert.Contains("paid", result.Output, StringComparison.Ordinal);
    }

    private static ExecutionSession Session(IExecutionStore store, Microsoft.Extensions.AI.IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return new ExecutionSession(options, store);
    }
}

/// <summary>Waiting background executions are records, not runs: nothing of them stays in memory.</summary>
/// <remarks>Alone: a thousand executions at once would hold the thread pool long enough for other tests' timeouts to pass.</remarks>
[Collection(nameof(AloneCollection))]
public sealed class WaitingAtScaleTests
{
    private const int Executions = 1000;

    [Fact]
    public async Task A_thousand_waiting_background_executions_hold_no_run_thread_or_memory_and_stay_answerable()
    {
        var token = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new OfflineChatClient());
        await using var session = new ExecutionSession(options, store);

        var (ids, runs, ended, results) = StartWaiting(session);
        var statuses = await Task.WhenAll(ended).WaitAsync(TimeSpan.FromMinutes(2), token);
        Assert.All(statuses, s => Assert.Equal(ExecutionStatus.WaitingForInput, s));
        foreach (var result in results)
        {
            // Observed, so the runs' outcomes do not surface as unobserved task exceptions.
            await Assert.ThrowsAsync<ExecutionWaitingForInputException>(() => result);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // Every run has ended and been let go: the session tracks none, and no run object is still reachable.
        Assert.Equal(0, session.LiveBackgroundRunCount);
        Assert.Equal(0, runs.Count(r => r.IsAlive));
        var waiting = await session.ListExecutionsAsync("HumanReviewCrew", token);
        Assert.Equal(Executions, waiting.Count(r => ids.Contains(r.ExecutionId) && r.Status == ExecutionStatus.WaitingForInput && r.PendingInput.Count == 1));

        // Still answerable, by id alone.
        var record = waiting.First(r => ids.Contains(r.ExecutionId));
        var resumed = await session.SubmitInputAsync(record.ExecutionId, record.PendingInput[0].Approve(), cancellationToken: token);
        Assert.Equal(ExecutionStatus.Succeeded, await resumed.WaitAsync(token).WaitAsync(TestCrews.Timeout, token));
    }

    // Not async, so no handle is kept by a state machine: the caller keeps only ids, weak references and tasks.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (HashSet<string> Ids, List<WeakReference> Runs, Task<ExecutionStatus>[] Ended, Task[] Results) StartWaiting(ExecutionSession session)
    {
        var crew = new HumanReviewCrew(session);
        var handles = new List<ExecutionHandle<string>>(Executions);
        for (var i = 0; i < Executions; i++)
        {
            handles.Add(crew.StartBackground(new ReviewTopic("topic " + i)));
        }

        return (
            handles.Select(h => h.ExecutionId).ToHashSet(),
            handles.Select(h => new WeakReference(h.Run)).ToList(),
            handles.Select(h => h.WaitAsync()).ToArray(),
            handles.Select(h => (Task)h.ResultAsync()).ToArray());
    }
}
