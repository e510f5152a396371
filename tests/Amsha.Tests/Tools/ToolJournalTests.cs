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
}
