using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Tests.Execution;

/// <summary>
/// Readers of an execution's event log read without its lock while writers append: every reader, however it is
/// scheduled against the writers, sees every event exactly once, in sequence order, and stops at the terminal one.
/// </summary>
public sealed class EventLogReadingTests
{
    [Fact]
    public async Task Readers_racing_two_writers_see_every_event_once_in_order()
    {
        const int PerWriter = 20_000;
        var log = new ExecutionEventLog("exec-1", TimeProvider.System, null);
        using var start = new Barrier(6);

        // Four readers and two writers start together on threads of their own; the arrays grow many times meanwhile.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return ReadSequencesAsync(log);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                for (var i = 0; i < PerWriter; i++)
                {
                    log.Append(new TokenDeltaEvent("task-" + w, "t"));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        await Task.WhenAll(writers);
        log.Append(new ExecutionCompletedEvent(TimeSpan.FromSeconds(1)), terminal: true);
        var seen = await Task.WhenAll(readers);

        var expected = Enumerable.Range(1, (2 * PerWriter) + 1).Select(i => (long)i);
        Assert.All(seen, sequences => Assert.Equal(expected, sequences));
    }

    [Fact]
    public async Task A_reader_sees_every_event_of_bursts_with_pauses_between_them_once_in_order()
    {
        // Bursts read while they come (the reader looking for more every few microseconds), and pauses long enough
        // that it parks between them: each way of waiting hands over to the other without losing or repeating one.
        var log = new ExecutionEventLog("exec-1", TimeProvider.System, null);
        var reading = Task.Run(() => ReadSequencesAsync(log), TestContext.Current.CancellationToken);
        for (var burst = 0; burst < 20; burst++)
        {
            for (var i = 0; i < 50; i++)
            {
                log.Append(new TokenDeltaEvent("task", "t"));
            }

            await Task.Delay(burst % 2 == 0 ? 1 : 0, TestContext.Current.CancellationToken);
        }

        log.Append(new ExecutionCompletedEvent(TimeSpan.FromSeconds(1)), terminal: true);

        Assert.Equal(Enumerable.Range(1, 1_001).Select(i => (long)i), await reading);
    }

    [Fact]
    public async Task A_reader_that_starts_after_the_end_replays_everything_and_stops()
    {
        var log = new ExecutionEventLog("exec-1", TimeProvider.System, null);
        for (var i = 0; i < 100; i++)
        {
            log.Append(new TokenDeltaEvent("task", "t"));
        }

        log.Append(new ExecutionCanceledEvent(), terminal: true);

        Assert.Equal(Enumerable.Range(1, 101).Select(i => (long)i), await ReadSequencesAsync(log));
    }

    private static async Task<List<long>> ReadSequencesAsync(ExecutionEventLog log)
    {
        var sequences = new List<long>();
        await foreach (var e in log.ReadAllAsync(CancellationToken.None))
        {
            sequences.Add(e.Sequence);
        }

        return sequences;
    }
}
