using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>The in-memory event hub: numbering across runs, bounds, eviction and waking readers.</summary>
public sealed class ExecutionEventHubTests
{
    [Fact]
    public void A_resumed_run_is_numbered_after_the_previous_run()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session);
        Run(hub, "a", 1, cancel: true);
        Run(hub, "a", 1, cancel: false);

        Assert.True(hub.TryGet("a", out var stream));
        var events = ReadAll(stream);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), events.Select(e => e.Id));
        Assert.IsType<ExecutionCanceledEvent>(events[3].Event);
        Assert.True(events[3].Terminal);
        Assert.IsType<ExecutionStartedEvent>(events[4].Event);
        Assert.Equal(1, events[4].Event.Sequence);
        Assert.True(stream.IsEnded);
    }

    [Fact]
    public void The_oldest_events_of_an_execution_are_dropped_beyond_the_bound_and_a_reader_is_told()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session, maxEventsPerExecution: 5, maxExecutions: 10);
        for (var i = 1; i <= 12; i++)
        {
            hub.Observe(new TokenDeltaEvent("t", "x") { ExecutionId = "a", Sequence = i });
        }

        hub.TryGet("a", out var stream);
        var into = new List<StreamedEvent>();
        var read = stream.Read(0, into, 100);
        Assert.Equal(7, read.Dropped);
        Assert.Equal(new long[] { 8, 9, 10, 11, 12 }, into.Select(e => e.Id));

        into.Clear();
        read = stream.Read(9, into, 100);
        Assert.Equal(0, read.Dropped);
        Assert.Equal(new long[] { 10, 11, 12 }, into.Select(e => e.Id));
    }

    [Fact]
    public void Beyond_the_execution_bound_the_least_recently_active_ended_execution_goes_first()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session, maxEventsPerExecution: 100, maxExecutions: 2);
        hub.Observe(new ExecutionStartedEvent("C", ExecutionMode.Background, 1) { ExecutionId = "running", Sequence = 1 });
        Run(hub, "ended", 1, cancel: false);

        // "running" is the least recently active, but it still runs: the ended one goes.
        Run(hub, "new", 1, cancel: false);
        Assert.Equal(2, hub.Count);
        Assert.True(hub.TryGet("running", out _));
        Assert.False(hub.TryGet("ended", out _));
        Assert.True(hub.TryGet("new", out _));
    }

    [Fact]
    public void A_stream_that_starts_late_keeps_the_runs_numbers()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session);
        hub.Observe(new TaskStartedEvent("t", "a", 0) { ExecutionId = "late", Sequence = 7 });
        hub.TryGet("late", out var stream);
        Assert.Equal(7, Assert.Single(ReadAll(stream)).Id);
    }

    [Fact]
    public void An_event_outside_any_run_keeps_an_ended_stream_ended()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session);
        hub.Observe(new ExecutionSuspendedEvent(ExecutionStatus.WaitingForInput, ["r1"]) { ExecutionId = "w", Sequence = 1 });
        hub.Observe(new InputExpiredEvent("r1", "t", DateTimeOffset.UnixEpoch) { ExecutionId = "w", Sequence = 0 });
        hub.TryGet("w", out var stream);
        Assert.True(stream.IsEnded);
        Assert.Equal(new long[] { 1, 2 }, ReadAll(stream).Select(e => e.Id));
    }

    [Fact]
    public void Llm_call_events_outside_executions_are_not_kept()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session);
        hub.Observe(new LlmCallStartedEvent("call", "default", "offline", null, null) { ExecutionId = "call", Sequence = 1 });
        Assert.Equal(0, hub.Count);
    }

    [Fact]
    public async Task A_waiting_reader_is_woken_by_the_next_event()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session);
        var stream = hub.GetOrAdd("x");
        var into = new List<StreamedEvent>();
        var read = stream.Read(0, into, 10);
        Assert.Empty(into);
        Assert.False(read.Ended);
        Assert.False(read.Changed!.IsCompleted);

        hub.Observe(new ExecutionStartedEvent("C", ExecutionMode.Background, 1) { ExecutionId = "x", Sequence = 1 });
        await read.Changed.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Single(ReadAll(stream));
    }

    [Fact]
    public void The_hub_follows_the_sessions_events_from_its_creation()
    {
        using var session = NewSession();
        using var hub = new ExecutionEventHub(session);
        Assert.Same(session, hub.Session);
        Assert.Equal(AmshaEventStreamOptions.DefaultMaxEventsPerExecution, hub.MaxEventsPerExecution);
        Assert.Equal(AmshaEventStreamOptions.DefaultMaxExecutions, hub.MaxExecutions);
    }

    [Fact]
    public async Task The_hubs_limits_are_the_apps_options()
    {
        await using var app = AppWith(builder => builder.Services.AddAmshaEndpoints(o =>
        {
            o.MaxEventsPerExecution = 3;
            o.MaxExecutions = 2;
        }));
        app.MapAmshaExecutions();

        var hub = app.Services.GetRequiredService<ExecutionEventHub>();
        Assert.Equal(3, hub.MaxEventsPerExecution);
        Assert.Equal(2, hub.MaxExecutions);

        // The limit holds for events the session raises.
        for (var i = 1; i <= 5; i++)
        {
            hub.Observe(new TokenDeltaEvent("t", "x") { ExecutionId = "a", Sequence = i });
        }

        hub.TryGet("a", out var stream);
        Assert.Equal(new long[] { 3, 4, 5 }, ReadAll(stream).Select(e => e.Id));
    }

    [Fact]
    public async Task The_hubs_limits_bind_from_the_Amsha_EventStreams_section_and_code_wins_over_it()
    {
        var settings = new Dictionary<string, string?> { ["Amsha:EventStreams:MaxEventsPerExecution"] = "250", ["Amsha:EventStreams:MaxExecutions"] = "40" };
        await using (var app = AppWith(builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddAmshaEndpoints();
        }))
        {
            app.MapAmshaExecutions();
            var hub = app.Services.GetRequiredService<ExecutionEventHub>();
            Assert.Equal(250, hub.MaxEventsPerExecution);
            Assert.Equal(40, hub.MaxExecutions);
        }

        await using (var app = AppWith(builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddAmshaEndpoints(o => o.MaxExecutions = 7);
        }))
        {
            app.MapAmshaExecutions();
            var hub = app.Services.GetRequiredService<ExecutionEventHub>();
            Assert.Equal(250, hub.MaxEventsPerExecution);
            Assert.Equal(7, hub.MaxExecutions);
        }
    }

    [Fact]
    public async Task A_second_AddAmshaEndpoints_keeps_the_limits_the_first_set_in_code()
    {
        await using var app = AppWith(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Amsha:EventStreams:MaxExecutions"] = "40" });
            builder.Services.AddAmshaEndpoints(o => o.MaxExecutions = 7);
            builder.Services.AddAmshaEndpoints();
            Assert.Single(builder.Services, d => d.ServiceType == typeof(ExecutionEventHub));
        });
        app.MapAmshaExecutions();

        Assert.Equal(7, app.Services.GetRequiredService<ExecutionEventHub>().MaxExecutions);
    }

    [Fact]
    public async Task The_hubs_limits_bind_from_a_section_of_the_apps_choosing()
    {
        await using var app = AppWith(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Streams:MaxEventsPerExecution"] = "250" });
            builder.Services.Configure<AmshaEventStreamOptions>(builder.Configuration.GetSection("Streams"));
            builder.Services.AddAmshaEndpoints();
        });
        app.MapAmshaExecutions();

        var hub = app.Services.GetRequiredService<ExecutionEventHub>();
        Assert.Equal(250, hub.MaxEventsPerExecution);
        Assert.Equal(AmshaEventStreamOptions.DefaultMaxExecutions, hub.MaxExecutions);
    }

    [Fact]
    public async Task A_misspelt_key_in_the_Amsha_EventStreams_section_fails_mapping_and_names_it()
    {
        await using var app = AppWith(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Amsha:EventStreams:MaxEvents"] = "5" });
            builder.Services.AddAmshaEndpoints();
        });

        var error = Assert.Throws<OptionsValidationException>(() => app.MapAmshaExecutions());
        Assert.Equal("Amsha:EventStreams:MaxEvents is not a known setting. Known settings here: MaxEventsPerExecution, MaxExecutions.", error.Message);
    }

    [Theory]
    [InlineData(0, 10, "AmshaEventStreamOptions.MaxEventsPerExecution must be at least 1; it is 0.")]
    [InlineData(10, -1, "AmshaEventStreamOptions.MaxExecutions must be at least 1; it is -1.")]
    public async Task A_limit_below_one_fails_mapping_and_names_the_option(int events, int executions, string message)
    {
        await using var app = AppWith(builder => builder.Services.AddAmshaEndpoints(o =>
        {
            o.MaxEventsPerExecution = events;
            o.MaxExecutions = executions;
        }));

        var error = Assert.Throws<OptionsValidationException>(() => app.MapAmshaExecutions());
        Assert.Equal(message, error.Message);
    }

    // An app with Amsha and what configure adds (the endpoints' services, their options), built but not mapped.
    private static WebApplication AppWith(Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAmsha();
        configure(builder);
        return builder.Build();
    }

    private static ExecutionSession NewSession() => new(new AmshaOptions(), store: new InMemoryExecutionStore());

    // One run: started, a task started and completed, then canceled or completed (4 events, numbered from 1).
    private static void Run(ExecutionEventHub hub, string id, int tasks, bool cancel)
    {
        hub.Observe(new ExecutionStartedEvent("C", ExecutionMode.Background, tasks) { ExecutionId = id, Sequence = 1 });
        hub.Observe(new TaskStartedEvent("t", "a", 0) { ExecutionId = id, Sequence = 2 });
        hub.Observe(new TaskCompletedEvent("t", "out") { ExecutionId = id, Sequence = 3 });
        hub.Observe(cancel
            ? new ExecutionCanceledEvent { ExecutionId = id, Sequence = 4 }
            : new ExecutionCompletedEvent(TimeSpan.FromSeconds(1)) { ExecutionId = id, Sequence = 4 });
    }

    private static List<StreamedEvent> ReadAll(ExecutionEventStream stream)
    {
        var into = new List<StreamedEvent>();
        stream.Read(0, into, int.MaxValue);
        return into;
    }
}
