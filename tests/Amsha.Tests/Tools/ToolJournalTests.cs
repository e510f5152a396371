using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Tests.Tools;

/// <summary>How a resumed task's calls are matched to the journal, and what content capture adds to tool events.</summary>
public sealed class ToolJournalTests
{
    private static string Canonical(string json) => ToolJournal.Canonical(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Arguments_that_differ_only_in_order_or_spacing_are_the_same_call()
    {
        Assert.Equal("""{"a":1,"b":{"x":[1,2],"y":"é"}}""", Canonical("""{ "b": { "y": "é", "x": [1, 2] }, "a": 1 }"""));
        Assert.NotEqual(Canonical("""{"a":1}"""), Canonical("""{"a":2}"""));
        Assert.NotEqual(Canonical("""{"list":[1,2]}"""), Canonical("""{"list":[2,1]}""")); // order inside arrays matters
    }

    [Fact]
    public async Task Each_journal_entry_answers_one_identical_call_in_order()
    {
        var written = new List<JournaledToolCall>();
        var journaled = new List<JournaledToolCall>
        {
            new("T", "send", "c1", Canonical("""{"to":"ada"}"""), "first", DateTimeOffset.UnixEpoch),
            new("T", "send", "c2", Canonical("""{"to":"ada"}"""), "second", DateTimeOffset.UnixEpoch),
        };
        var journal = new ToolJournal("T", journaled, call => { written.Add(call); return Task.CompletedTask; }, TimeProvider.System);

        Assert.True(journal.TryReplay("send", Canonical("""{ "to": "ada" }"""), out var first));
        Assert.True(journal.TryReplay("send", Canonical("""{"to":"ada"}"""), out var second));
        Assert.False(journal.TryReplay("send", Canonical("""{"to":"ada"}"""), out _)); // a third identical call is new
        Assert.False(journal.TryReplay("other", Canonical("""{"to":"ada"}"""), out _));
        Assert.Equal(("first", "second"), (first, second));

        await journal.RecordAsync("send", "c3", Canonical("""{"to":"ada"}"""), "third");
        Assert.Equal(("T", "send", "third"), (written.Single().TaskName, written.Single().ToolName, written.Single().Result));
    }

    [Fact]
    public async Task Content_capture_puts_arguments_and_results_in_tool_events()
    {
        var options = new AmshaOptions { CaptureMessageContent = true };
        await using var session = new ExecutionSession(options);
        session.AddToolbox(new ProbeTools());
        var handle = new ToolCrew(session).Start(new ToolQuestion("tides"), TestContext.Current.CancellationToken);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var add = events.OfType<ToolCallStartedEvent>().Single(e => e.ToolName == "Add");
        Assert.StartsWith("{\"a\":", add.Arguments, StringComparison.Ordinal);
        var completed = events.OfType<ToolCallCompletedEvent>().Single(e => e.CallId == add.CallId);
        Assert.Matches("^-?[0-9]+$", completed.Result);
    }

    /// <summary>A store that refuses records holding a journal entry, as a full disk or a lost connection would.</summary>
    private sealed class JournalRefusingStore : IExecutionStore
    {
        private readonly InMemoryExecutionStore _inner = new();

        public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => _inner.GetAsync(executionId, cancellationToken);

        public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default) =>
            record.ToolCalls.Count > 0 ? throw new InvalidOperationException("the disk is full") : _inner.SaveAsync(record, cancellationToken);

        public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => _inner.ListAsync(crewName, cancellationToken);
    }

    [Fact]
    public async Task A_journal_that_cannot_be_written_fails_the_task_instead_of_telling_the_model_the_tool_failed()
    {
        await using var session = new ExecutionSession(new AmshaOptions(), new JournalRefusingStore());
        var tools = new ProbeTools();
        session.AddToolbox(tools);

        var handle = new ToolCrew(session).StartBackground(new ToolQuestion("tides"));
        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => handle.ResultAsync(TestContext.Current.CancellationToken));

        Assert.Contains("the disk is full", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Failed, handle.Status);
        Assert.NotEmpty(tools.Calls); // the tools ran; the model was never told they failed
    }
}
