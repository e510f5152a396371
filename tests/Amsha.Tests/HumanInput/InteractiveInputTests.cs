using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Amsha.Tests.HumanInput;

/// <summary>Interactive executions wait in memory for a person's answer: approve, edit, reject, cancel, expire.</summary>
public sealed class InteractiveInputTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reviewed_task_waits_for_approval_then_the_crew_goes_on_with_its_output()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);

        var request = await NextRequestAsync(handle);
        Assert.Equal(ExecutionStatus.WaitingForInput, handle.Status);
        Assert.Equal((InputRequestKind.TaskReview, "ReviewedDraft", "Drafter", ReviewKind.Approve), (request.Kind, request.TaskName, request.AgentName, request.Allowed));
        Assert.False(string.IsNullOrEmpty(request.ProposedOutput));
        Assert.Equal(request, Assert.Single(handle.PendingInput));
        Assert.Equal(0, handle.Progress.CompletedTasks);

        var same = await handle.SubmitInputAsync(request.Approve(), Token);
        Assert.Same(handle, same);
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Equal(request.ProposedOutput, result.TaskOutputs[0].Text);
        Assert.Empty(handle.PendingInput);
        var events = await TestCrews.ReadAllEventsAsync(handle);
        var answered = Assert.Single(events.OfType<InputAnsweredEvent>());
        Assert.Equal((request.RequestId, InputDecision.Approve), (answered.RequestId, answered.Decision));

        // The task completes only after its review: its completion carries the output that goes on.
        Assert.True(events.IndexOf(answered) < events.FindIndex(e => e is TaskCompletedEvent { TaskName: "ReviewedDraft" }));
        Assert.Equal(1, result.Metrics.InputRequestCount);
    }

    [Fact]
    public async Task The_time_spent_waiting_is_reported_and_not_counted_as_run_time()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var session = new ExecutionSession(new AmshaOptions(), timeProvider: clock);
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);
        var request = await NextRequestAsync(handle);

        clock.Advance(TimeSpan.FromHours(3));
        await handle.SubmitInputAsync(request.Approve(), Token);
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Equal(TimeSpan.FromHours(3), result.Metrics.InputWaitTime);
        Assert.True(result.Metrics.Duration < TimeSpan.FromMinutes(1), result.Metrics.Duration.ToString());
        Assert.True(result.Metrics.GetTask("ReviewedDraft")!.Duration < TimeSpan.FromMinutes(1));
        var answered = Assert.Single((await TestCrews.ReadAllEventsAsync(handle)).OfType<InputAnsweredEvent>());
        Assert.Equal(TimeSpan.FromHours(3), answered.Waited);
    }

    [Fact]
    public async Task An_edit_replaces_the_output_after_it_parses_and_an_invalid_edit_keeps_the_request_open()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanEditCrew(session).Start(new ReviewTopic("solar sails"), cancellationToken: Token);
        var request = await NextRequestAsync(handle);
        Assert.Equal(ReviewKind.Approve | ReviewKind.Edit, request.Allowed);

        var invalid = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(request.Edit("""{"Summary":"Fine","Score":"high"}"""), Token));
        Assert.Equal(InputResponseProblem.InvalidEdit, invalid.Problem);
        Assert.Equal("$.score", invalid.MemberPath);
        Assert.Contains("ScoreIdea", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.WaitingForInput, handle.Status);
        Assert.Single(handle.PendingInput);

        await handle.SubmitInputAsync(request.Edit("""{"Summary":"Reviewed by a person","Score":9}"""), Token);
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Equal(new Verdict("Reviewed by a person", 9), result.Output);
        Assert.Contains("Reviewed by a person", result.TaskOutputs[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_reviewed_without_Edit_cannot_be_edited_and_a_rejection_needs_a_reason()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);
        var request = await NextRequestAsync(handle);

        var edit = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(request.Edit("my text"), Token));
        Assert.Equal(InputResponseProblem.NotAllowed, edit.Problem);
        var noReason = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(request.Reject(" "), Token));
        Assert.Equal(InputResponseProblem.NotAllowed, noReason.Problem);
        var unknown = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(InputResponse.Approve("not-a-request"), Token));
        Assert.Equal(InputResponseProblem.UnknownRequest, unknown.Problem);
        Assert.Equal(ExecutionStatus.WaitingForInput, handle.Status);

        await handle.SubmitInputAsync(request.Approve(), Token);
        await handle.ResultWithinTimeoutAsync();
        var twice = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(request.Approve(), Token));
        Assert.Equal(InputResponseProblem.NotWaiting, twice.Problem);
    }

    [Fact]
    public async Task A_rejection_fails_the_task_with_the_reviewers_reason()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);
        var request = await NextRequestAsync(handle);

        await handle.SubmitInputAsync(request.Reject("the tone is wrong"), Token);
        var failure = await Assert.ThrowsAsync<InputRejectedException>(() => handle.ResultWithinTimeoutAsync());

        Assert.Equal(("ReviewedDraft", "the tone is wrong", request.RequestId), (failure.TaskName, failure.Reason, failure.RequestId));
        Assert.Equal(ExecutionStatus.Failed, handle.Status);
        var failed = Assert.Single((await TestCrews.ReadAllEventsAsync(handle)).OfType<ExecutionFailedEvent>());
        Assert.Contains("the tone is wrong", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceling_a_waiting_execution_ends_it_canceled()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);
        var request = await NextRequestAsync(handle);

        handle.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultWithinTimeoutAsync());
        Assert.Equal(ExecutionStatus.Canceled, handle.Status);
        var late = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(request.Approve(), Token));
        Assert.Equal(InputResponseProblem.NotWaiting, late.Problem);
        await Assert.ThrowsAsync<ExecutionNotFoundException>(() => session.SubmitInputAsync(handle.ExecutionId, request.Approve(), cancellationToken: Token));
    }

    [Fact]
    public async Task A_request_that_passes_its_deadline_expires_and_nothing_runs_on_its_own()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var session = new ExecutionSession(new AmshaOptions(), timeProvider: clock);
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), new ExecutionOptions { InputTimeout = TimeSpan.FromHours(1) }, Token);
        var request = await NextRequestAsync(handle);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), request.Deadline);

        clock.Advance(TimeSpan.FromHours(1));
        var expired = await Assert.ThrowsAsync<InputExpiredException>(() => handle.ResultWithinTimeoutAsync());

        Assert.Equal(request.RequestId, expired.Request.RequestId);
        Assert.Equal(ExecutionStatus.InputExpired, handle.Status);
        var events = await TestCrews.ReadAllEventsAsync(handle);
        Assert.Equal(request.RequestId, Assert.Single(events.OfType<InputExpiredEvent>()).RequestId);
        Assert.Equal(ExecutionStatus.InputExpired, Assert.IsType<ExecutionSuspendedEvent>(events[^1]).Status);
        Assert.DoesNotContain(events, e => e is TaskStartedEvent { TaskName: "Publish" });
    }

    [Fact]
    public async Task A_deadline_further_ahead_than_one_timer_reaches_holds_until_it_passes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var session = new ExecutionSession(new AmshaOptions(), timeProvider: clock);
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), new ExecutionOptions { InputTimeout = TimeSpan.FromDays(90) }, Token);
        var request = await NextRequestAsync(handle);

        // One timer reaches about 49.7 days ahead: past that, and until a minute before the deadline, the request stays open.
        clock.Advance(TimeSpan.FromDays(60));
        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        Assert.Equal(ExecutionStatus.WaitingForInput, handle.Status);

        clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await Assert.ThrowsAsync<InputExpiredException>(() => handle.ResultWithinTimeoutAsync());
        Assert.Equal(request.RequestId, expired.Request.RequestId);
        Assert.Equal(clock.GetUtcNow(), request.Deadline);
    }

    [Fact]
    public async Task An_input_timeout_past_the_calendar_s_end_waits_and_the_answer_continues_the_run()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), new ExecutionOptions { InputTimeout = TimeSpan.MaxValue }, Token);
        var request = await NextRequestAsync(handle);

        Assert.Equal(DateTimeOffset.MaxValue, request.Deadline);
        await handle.SubmitInputAsync(request.Approve(), Token);
        Assert.Equal(ExecutionStatus.Succeeded, await handle.WaitAsync(Token));
    }

    [Fact]
    public async Task A_request_answered_after_the_longest_timer_step_continues_the_run()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var session = new ExecutionSession(new AmshaOptions(), timeProvider: clock);
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), new ExecutionOptions { InputTimeout = TimeSpan.FromDays(90) }, Token);
        var request = await NextRequestAsync(handle);

        clock.Advance(TimeSpan.FromDays(60));
        await handle.SubmitInputAsync(request.Approve(), Token);

        Assert.Equal(ExecutionStatus.Succeeded, await handle.WaitAsync(Token));
    }

    [Fact]
    public async Task The_session_answers_a_waiting_interactive_execution_by_id()
    {
        await using var session = new ExecutionSession();
        var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);
        var request = await NextRequestAsync(handle);

        var followed = await session.SubmitInputAsync(handle.ExecutionId, request.Approve() with { AnsweredBy = "ada" }, cancellationToken: Token);

        Assert.Same(handle, followed);
        Assert.Equal(ExecutionStatus.Succeeded, await handle.WaitAsync(Token));
    }

    [Fact]
    public async Task Whoever_answers_a_run_of_RunAsync_gets_a_handle_that_streams_its_events_from_the_first()
    {
        // RunAsync hands out no handle, so a run that cannot ask anyone keeps no record of its events; one that may ask
        // keeps them from the start for whoever answers it.
        await using var session = new ExecutionSession();
        var requested = new TaskCompletionSource<InputRequestedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = session.Subscribe(e =>
        {
            if (e is InputRequestedEvent asked)
            {
                requested.TrySetResult(asked);
            }
        });

        // AMSHA207 warns that RunAsync leaves its caller no handle to answer with; the session answers by id here.
#pragma warning disable AMSHA207
        var running = new HumanReviewCrew(session).RunAsync(new ReviewTopic("tides"), cancellationToken: Token);
#pragma warning restore AMSHA207
        var asked = await requested.Task.WaitAsync(TimeSpan.FromMinutes(1), Token);
        var followed = await session.SubmitInputAsync(asked.ExecutionId, asked.Request.Approve(), cancellationToken: Token);
        var result = await running.WaitAsync(TimeSpan.FromMinutes(1), Token);

        var stream = Assert.IsType<InteractiveExecutionHandle<string>>(followed);
        var events = new List<ExecutionEvent>();
        await foreach (var e in stream.StreamAsync(Token))
        {
            events.Add(e);
        }

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.IsType<ExecutionStartedEvent>(events[0]);
        Assert.Contains(events, e => e is InputAnsweredEvent);
        Assert.IsType<ExecutionCompletedEvent>(events[^1]);
        Assert.Equal(asked.ExecutionId, result.ExecutionId);
    }

    [Fact]
    public async Task A_tool_that_needs_approval_runs_only_once_approved()
    {
        await using var session = new ExecutionSession();
        var tools = new PaymentTools();
        session.AddToolbox(tools);
        var handle = new HumanPaymentCrew(session).Start(new ReviewTopic("dinner"), cancellationToken: Token);

        var request = await NextRequestAsync(handle);
        Assert.Equal((InputRequestKind.ToolApproval, "Pay", "Settle", "Treasurer"), (request.Kind, request.ToolName, request.TaskName, request.AgentName));
        Assert.NotNull(request.ToolArguments);
        Assert.Contains("\"amount\"", request.ToolArguments, StringComparison.Ordinal);
        Assert.Empty(tools.Payments);
        var edit = await Assert.ThrowsAsync<InputResponseException>(() => handle.SubmitInputAsync(request.Edit("{}"), Token));
        Assert.Equal(InputResponseProblem.NotAllowed, edit.Problem);

        await handle.SubmitInputAsync(request.Approve(), Token);
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Single(tools.Payments);
        Assert.Contains("paid", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_tool_call_never_runs_and_the_model_is_told_why()
    {
        await using var session = new ExecutionSession();
        var tools = new PaymentTools();
        session.AddToolbox(tools);
        var handle = new HumanPaymentCrew(session).Start(new ReviewTopic("dinner"), cancellationToken: Token);

        var request = await NextRequestAsync(handle);
        await handle.SubmitInputAsync(request.Reject("over budget"), Token);
        var result = await handle.ResultWithinTimeoutAsync();

        Assert.Empty(tools.Payments);
        Assert.Contains("refused", result.Output, StringComparison.Ordinal);
        Assert.Contains("over budget", result.Output, StringComparison.Ordinal);
        var refused = Assert.Single((await TestCrews.ReadAllEventsAsync(handle)).OfType<ToolCallFailedEvent>());
        Assert.Equal(("Pay", "refused", false), (refused.ToolName, refused.ErrorType, refused.FailsTask));
    }

    [Fact]
    public async Task The_execution_span_shows_where_the_execution_waited_and_how_it_was_answered()
    {
        await using var session = new ExecutionSession();
        var spans = new Support.ConcurrentExport<System.Diagnostics.Activity>();
        string executionId;
        using (var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource("Amsha").AddInMemoryExporter(spans).Build())
        {
            var handle = new HumanReviewCrew(session).Start(new ReviewTopic("tides"), cancellationToken: Token);
            executionId = handle.ExecutionId;
            var request = await NextRequestAsync(handle);
            await handle.SubmitInputAsync(request.Approve(), Token);
            await handle.ResultWithinTimeoutAsync();
            tracing!.ForceFlush();
        }

        // Other tests export to the same source: only this execution's workflow and its children count.
        var workflow = Assert.Single(spans, s => (string?)s.GetTagItem("amsha.execution.id") == executionId);
        // A review comes after the task's agent span ended, so it is recorded on the execution's span.
        var task = workflow;
        var names = task.Events.Select(e => e.Name).ToList();
        Assert.Equal(["amsha.input.requested", "amsha.input.answered"], names.Where(n => n.StartsWith("amsha.input.", StringComparison.Ordinal)));
        var answered = task.Events.Single(e => e.Name == "amsha.input.answered");
        Assert.Equal("approve", answered.Tags.Single(t => t.Key == "amsha.input.decision").Value);
        Assert.Equal("task_review", answered.Tags.Single(t => t.Key == "amsha.input.kind").Value);
        Assert.DoesNotContain(task.Events.SelectMany(e => e.Tags), t => t.Key.Contains("output", StringComparison.Ordinal));
    }

    internal static async Task<InputRequest> NextRequestAsync<T>(InteractiveExecutionHandle<T> handle)
    {
        var events = await TestCrews.ReadUntilAsync<InputRequestedEvent, T>(handle);
        return Assert.IsType<InputRequestedEvent>(events[^1]).Request;
    }
}
