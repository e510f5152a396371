using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Execution;

/// <summary>An event log stamps the events it is given; an event another log has stamped keeps its place there.</summary>
public sealed class EventLogStampingTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_new_event_is_stamped_with_the_log_s_execution_sequence_and_time()
    {
        var clock = new FakeTimeProvider(Start);
        var log = new ExecutionEventLog("exec-1", clock, null);
        log.Append(new TaskStartedEvent("research", "Writer", 0));
        clock.Advance(TimeSpan.FromSeconds(2));

        var appended = log.Append(new TaskCompletedEvent("research", "done"), terminal: true);

        Assert.Equal(("exec-1", 2L, Start.AddSeconds(2)), (appended.ExecutionId, appended.Sequence, appended.Timestamp));
        Assert.Equal([1L, 2L], await SequencesAsync(log));
    }

    [Fact]
    public async Task An_event_appended_to_a_second_log_is_copied_and_keeps_its_place_in_the_first()
    {
        var clock = new FakeTimeProvider(Start);
        var first = new ExecutionEventLog("exec-1", clock, null);
        var second = new ExecutionEventLog("exec-2", clock, null);
        second.Append(new TaskStartedEvent("other", "Writer", 0));
        var shared = new TaskStartedEvent("research", "Writer", 0);

        var inFirst = first.Append(shared, terminal: true);
        var inSecond = second.Append(shared, terminal: true);

        Assert.Equal(("exec-1", 1L), (inFirst.ExecutionId, inFirst.Sequence));
        Assert.Equal(("exec-2", 2L), (inSecond.ExecutionId, inSecond.Sequence));
        Assert.NotSame(inFirst, inSecond);
        Assert.Equal([1L], await SequencesAsync(first));
        Assert.Equal(((TaskStartedEvent)inFirst).TaskName, ((TaskStartedEvent)inSecond).TaskName);
    }

    private static async Task<List<long>> SequencesAsync(ExecutionEventLog log)
    {
        var sequences = new List<long>();
        await foreach (var e in log.ReadAllAsync(CancellationToken.None))
        {
            sequences.Add(e.Sequence);
        }

        return sequences;
    }
}
