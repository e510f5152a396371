using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Tests.Execution;

/// <summary>Every delay, timestamp and duration of a session comes from its <see cref="TimeProvider"/>.</summary>
public sealed class SessionClockTests
{
    private static readonly TopicInput Input = new("Rust");

    [Fact]
    public async Task Retry_waits_timestamps_and_durations_follow_the_session_clock()
    {
        var start = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var time = new TimerWatchingTimeProvider(start);
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions { FailFirstCalls = 1, FaultStatusCode = 429, FaultRetryAfter = TimeSpan.FromSeconds(20) }));
        TopicInputCodec.EnsureRegistered();
        var store = new InMemoryExecutionStore();
        var session = new ExecutionSession(options, store, timeProvider: time);
        var retryWait = time.WaitForTimer(TimeSpan.FromSeconds(20));

        var handle = await session.StartBackgroundAsync(TestCrews.Chain("ChainCrew", 1), Input, cancellationToken: TestContext.Current.CancellationToken);
        await retryWait.WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        // The retry waits 20 s on the session's clock: nothing moves until the clock does.
        Assert.False(handle.ResultAsync(TestContext.Current.CancellationToken).IsCompleted);
        time.Advance(TimeSpan.FromSeconds(20));
        var result = await handle.ResultAsync(TestContext.Current.CancellationToken).WaitAsync(TestCrews.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(start, result.Metrics.StartedAt);
        Assert.Equal(start.AddSeconds(20), result.Metrics.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(20), result.Metrics.Duration);
        Assert.Equal(1, result.Metrics.RetryCount);
        var record = (await store.GetAsync(handle.ExecutionId, TestContext.Current.CancellationToken))!;
        Assert.Equal(start, record.CreatedAt);
        Assert.Equal(start.AddSeconds(20), record.UpdatedAt);
        Assert.Equal([start, start, start.AddSeconds(20)], record.StatusHistory.Select(h => h.At));
        Assert.Equal(TimeSpan.FromSeconds(20), record.RunTime);
    }

    /// <summary>A fake clock that says when a timer with a given due time is created, so a test advances it only then.</summary>
    private sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly object _gate = new();
        private readonly System.Collections.Generic.List<(TimeSpan DueTime, TaskCompletionSource Created)> _watches = new();

        public Task WaitForTimer(TimeSpan dueTime)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _watches.Add((dueTime, created));
            }

            return created.Task;
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            lock (_gate)
            {
                foreach (var (due, created) in _watches)
                {
                    if (due == dueTime)
                    {
                        created.TrySetResult();
                    }
                }
            }

            return timer;
        }
    }
}
