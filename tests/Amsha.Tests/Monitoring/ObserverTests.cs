using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Tests.Monitoring;

public sealed class ObserverTests
{
    [Fact]
    public async Task Observer_receives_every_event_in_order_per_execution_across_concurrent_executions()
    {
        var observer = new RecordingObserver();
        await using var session = new ExecutionSession(new AmshaOptions(), observers: new[] { observer });
        var crew = TestCrews.ResearchAndWrite();

        var handles = Enumerable.Range(0, 4).Select(i => session.Start(crew, $"topic{i}")).ToArray();
        var streams = await Task.WhenAll(handles.Select(TestCrews.ReadAllEventsAsync));
        await session.FlushObserversAsync().WaitAsync(TestCrews.Timeout);

        for (var i = 0; i < handles.Length; i++)
        {
            var observed = observer.Events.Where(e => e.ExecutionId == handles[i].ExecutionId).ToList();

            // The observer sees exactly what the handle streams, in the same order.
            Assert.Equal(streams[i], observed);
            Assert.Equal(Enumerable.Range(1, observed.Count).Select(n => (long)n), observed.Select(e => e.Sequence));
            Assert.IsType<ExecutionStartedEvent>(observed[0]);
            Assert.IsType<ExecutionCompletedEvent>(observed[^1]);
        }

        Assert.Equal(streams.Sum(s => s.Count), observer.Events.Count);
    }

    [Fact]
    public async Task A_throwing_observer_does_not_change_the_result_and_is_logged_once()
    {
        var logs = new CapturingLoggerFactory();
        var throwing = new ThrowingObserver();
        await using var observed = new ExecutionSession(new AmshaOptions(), observers: new[] { throwing }, loggerFactory: logs);
        await using var plain = new ExecutionSession();
        var crew = TestCrews.ResearchAndWrite();

        var handle = observed.Start(crew, "Rust");
        var result = await handle.ResultWithinTimeoutAsync();
        var expected = await plain.RunAsync(crew, "Rust").WaitAsync(TestCrews.Timeout);
        await observed.FlushObserversAsync().WaitAsync(TestCrews.Timeout);

        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Equal(expected.Output, result.Output);
        Assert.True(throwing.Calls > 3, $"the observer kept receiving events after failing ({throwing.Calls} calls)");
        var failure = Assert.Single(logs.Entries, e => e.EventId == 1050);
        Assert.Equal("Amsha.Monitoring", failure.Category);
        Assert.IsType<InvalidOperationException>(failure.Exception);
        Assert.Contains(nameof(ThrowingObserver), failure.Message);
    }

    [Fact]
    public async Task A_blocked_observer_does_not_stall_the_run_and_later_gets_every_event()
    {
        var gated = new GatedObserver();
        await using var session = new ExecutionSession();
        session.AddObserver(gated);

        var handle = session.Start(TestCrews.ResearchAndWrite(), "Rust");

        // The observer is stuck on the first event, yet the execution runs to its end.
        await gated.Blocked.WaitAsync(TestCrews.Timeout);
        var result = await handle.ResultWithinTimeoutAsync();
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.Empty(gated.Events);

        gated.Open();
        await session.FlushObserversAsync().WaitAsync(TestCrews.Timeout);
        var events = gated.Events;
        Assert.IsType<ExecutionStartedEvent>(events[0]);
        Assert.IsType<ExecutionCompletedEvent>(events[^1]);
        Assert.Equal(result.ExecutionId, events[^1].ExecutionId);
    }

    [Fact]
    public async Task Overflow_drops_events_for_that_observer_only_and_is_logged_once()
    {
        var logs = new CapturingLoggerFactory();
        var gated = new GatedObserver();
        await using var session = new ExecutionSession(new AmshaOptions { ObserverBufferCapacity = 2 }, observers: new IExecutionObserver[] { gated }, loggerFactory: logs);

        var handle = session.Start(TestCrews.ResearchAndWrite(), "Rust");
        var stream = await TestCrews.ReadAllEventsAsync(handle);
        await handle.ResultWithinTimeoutAsync();

        gated.Open();
        await session.FlushObserversAsync().WaitAsync(TestCrews.Timeout);
        Assert.Equal(ExecutionStatus.Succeeded, handle.Status);
        Assert.True(gated.Events.Count < stream.Count, $"{gated.Events.Count} of {stream.Count} events delivered through a buffer of 2");
        var overflow = Assert.Single(logs.Entries, e => e.EventId == 1051);
        Assert.Equal("Amsha.Monitoring", overflow.Category);
    }

    [Fact]
    public async Task DisposeAsync_delivers_every_buffered_event()
    {
        var recorder = new SlowRecordingObserver();
        var session = new ExecutionSession(new AmshaOptions(), observers: new[] { recorder });
        var handle = session.Start(TestCrews.ResearchAndWrite(), "Rust");
        var stream = await TestCrews.ReadAllEventsAsync(handle);

        await session.DisposeAsync().AsTask().WaitAsync(TestCrews.Timeout);

        Assert.Equal(stream, recorder.Events);
    }

    [Fact]
    public async Task Observers_registered_in_DI_observe_the_session_and_a_logger_factory_is_picked_up()
    {
        var observer = new RecordingObserver();
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection()
            .AddSingleton<IExecutionObserver>(observer)
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(logs);
        services.AddAmsha().AddObserver<RecordingObserver>();
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ExecutionSession>();

        var result = await session.RunAsync(TestCrews.ResearchAndWrite(), "Rust").WaitAsync(TestCrews.Timeout);
        await session.FlushObserversAsync().WaitAsync(TestCrews.Timeout);

        Assert.Contains(observer.Events, e => e is ExecutionCompletedEvent && e.ExecutionId == result.ExecutionId);
        var second = provider.GetServices<IExecutionObserver>().OfType<RecordingObserver>().Single(o => !ReferenceEquals(o, observer));
        Assert.Equal(observer.Events, second.Events);
        Assert.Contains(logs.Entries, e => e.EventId == 1001 && e.Category == "Amsha.Execution");
    }

    private sealed class SlowRecordingObserver : IExecutionObserver
    {
        private readonly RecordingObserver _inner = new();

        public System.Collections.Generic.IReadOnlyList<ExecutionEvent> Events => _inner.Events;

        public async ValueTask OnEventAsync(ExecutionEvent executionEvent, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            Thread.Sleep(1);
            await _inner.OnEventAsync(executionEvent, cancellationToken);
        }
    }
}
