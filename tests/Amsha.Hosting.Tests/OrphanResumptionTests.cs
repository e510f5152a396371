using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Hosting.Tests;

/// <summary>ResumeOrphans: the opt-in policy that resumes stored executions nobody runs, at its interval.</summary>
public sealed class OrphanResumptionTests
{
    [Fact]
    public async Task At_each_interval_the_policy_resumes_orphans_and_leaves_executions_whose_owner_still_renews()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var now = DateTimeOffset.UtcNow;
        var gone = await TestHosts.StartOwnedAsync(store, "worker-gone", now.AddHours(-1), ct);
        var alive = await TestHosts.StartOwnedAsync(store, "worker-alive", now, ct);

        var time = new FakeTimeProvider(now);
        var logs = new CollectingLoggerProvider();
        using var host = TestHosts.Create(new OfflineChatClient(), store, logs, services => services
            .AddSingleton<TimeProvider>(time)
            .AddAmsha().ResumeOrphans(options => options.Interval = TimeSpan.FromSeconds(10)));
        await host.StartAsync(ct);
        var session = host.Services.GetRequiredService<ExecutionSession>();

        // Nothing before the first interval.
        Assert.Empty(logs.Messages("ExecutionResumedByPolicy"));
        Assert.Equal("worker-gone", (await store.GetAsync(gone.Handle.ExecutionId, ct))!.Owner);

        time.Advance(TimeSpan.FromSeconds(10));
        var resumed = await NextResumeAsync(logs, ct);
        Assert.Contains(gone.Handle.ExecutionId, resumed, StringComparison.Ordinal);
        Assert.Contains("owner worker-gone, 0/3 tasks done", resumed, StringComparison.Ordinal);
        if (session.FindRunning(gone.Handle.ExecutionId) is { } run)
        {
            await run.WaitAsync(ct);
        }

        Assert.Equal(ExecutionStatus.Succeeded, (await store.GetAsync(gone.Handle.ExecutionId, ct))!.Status);
        var held = await store.GetAsync(alive.Handle.ExecutionId, ct);
        Assert.Equal(ExecutionStatus.Running, held!.Status);
        Assert.Equal("worker-alive", held.Owner);
        Assert.Single(logs.Messages("ExecutionResumedByPolicy"));

        await host.StopAsync(ct);
        await DisposeAsync(gone, alive);
    }

    [Fact]
    public async Task Interrupted_executions_are_resumed_only_when_asked_and_crews_outside_the_chosen_ones_never()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var interrupted = await store.SaveAsync(Record("interrupted", HostCrew.Definition.Name, ExecutionStatus.Interrupted), ct);
        var otherCrew = await store.SaveAsync(Record("other-crew", "SomeOtherCrew", ExecutionStatus.Interrupted), ct);

        var logs = new CollectingLoggerProvider();
        using (var orphansOnly = TestHosts.Create(new OfflineChatClient(), store, logs, services => services.AddAmsha().ResumeOrphans()))
        {
            await orphansOnly.StartAsync(ct);
            var policy = orphansOnly.Services.GetServices<IHostedService>().OfType<OrphanResumption>().Single();
            Assert.Equal(0, await policy.ScanAsync(ct));
            await orphansOnly.StopAsync(ct);
        }

        Assert.Equal(ExecutionStatus.Interrupted, (await store.GetAsync(interrupted.ExecutionId, ct))!.Status);

        using (var withInterrupted = TestHosts.Create(new OfflineChatClient(), store, logs, services => services
            .AddAmsha().ResumeOrphans(options =>
            {
                options.IncludeInterrupted = true;
                options.CrewNames.Add(HostCrew.Definition.Name);
            })))
        {
            await withInterrupted.StartAsync(ct);
            var policy = withInterrupted.Services.GetServices<IHostedService>().OfType<OrphanResumption>().Single();
            Assert.Equal(1, await policy.ScanAsync(ct));
            var session = withInterrupted.Services.GetRequiredService<ExecutionSession>();
            if (session.FindRunning(interrupted.ExecutionId) is { } run)
            {
                await run.WaitAsync(ct);
            }

            await withInterrupted.StopAsync(ct);
        }

        Assert.Equal(ExecutionStatus.Succeeded, (await store.GetAsync(interrupted.ExecutionId, ct))!.Status);
        Assert.Equal(ExecutionStatus.Interrupted, (await store.GetAsync(otherCrew.ExecutionId, ct))!.Status);
        Assert.Empty(logs.Messages("PolicyResumeFailed"));
    }

    [Fact]
    public async Task An_execution_that_cannot_be_resumed_is_logged_and_the_next_one_is_still_resumed()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryExecutionStore();
        var expired = DateTimeOffset.UtcNow.AddHours(-1);
        // Oldest first: a crew this app does not know, then one it does.
        await store.SaveAsync(Record("unknown-crew", "NoSuchCrew", ExecutionStatus.Running) with { Owner = "gone", LeaseExpiresAt = expired, CreatedAt = expired.AddMinutes(-2) }, ct);
        await store.SaveAsync(Record("known-crew", HostCrew.Definition.Name, ExecutionStatus.Running) with { Owner = "gone", LeaseExpiresAt = expired, CreatedAt = expired.AddMinutes(-1) }, ct);

        var logs = new CollectingLoggerProvider();
        using var host = TestHosts.Create(new OfflineChatClient(), store, logs, services => services.AddAmsha().ResumeOrphans());
        await host.StartAsync(ct);
        var policy = host.Services.GetServices<IHostedService>().OfType<OrphanResumption>().Single();
        Assert.Equal(1, await policy.ScanAsync(ct));
        Assert.Contains("unknown-crew", Assert.Single(logs.Messages("PolicyResumeFailed")), StringComparison.Ordinal);
        var session = host.Services.GetRequiredService<ExecutionSession>();
        if (session.FindRunning("known-crew") is { } run)
        {
            await run.WaitAsync(ct);
        }

        Assert.Equal(ExecutionStatus.Succeeded, (await store.GetAsync("known-crew", ct))!.Status);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task A_search_the_store_refuses_is_logged_and_the_next_search_tries_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new CollectingLoggerProvider();
        using var host = TestHosts.Create(new OfflineChatClient(), new RefusingQueriesStore(), logs, services => services.AddAmsha().ResumeOrphans());
        await host.StartAsync(ct);
        var policy = host.Services.GetServices<IHostedService>().OfType<OrphanResumption>().Single();

        Assert.Equal(0, await policy.ScanAsync(ct));
        Assert.Equal(0, await policy.ScanAsync(ct));
        Assert.Equal(2, logs.Messages("PolicySearchFailed").Count());
        Assert.Contains(logs.Entries, e => e.EventName == "PolicySearchFailed" && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        await host.StopAsync(ct);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(60 * 24 * 3600)]
    public async Task An_interval_under_a_second_or_beyond_one_timer_fails_the_host_start(double seconds)
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = TestHosts.Create(new OfflineChatClient(), new InMemoryExecutionStore(), configure: services => services
            .AddAmsha().ResumeOrphans(options => options.Interval = TimeSpan.FromSeconds(seconds)));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(ct));
        Assert.Contains("OrphanResumptionOptions.Interval must be from a second to 49.7 days (one timer).", error.Message, StringComparison.Ordinal);
    }

    // A store whose searches fail, as a database that is down.
    private sealed class RefusingQueriesStore : IExecutionStore
    {
        private readonly InMemoryExecutionStore _inner = new();

        public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => _inner.GetAsync(executionId, cancellationToken);

        public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default) => _inner.SaveAsync(record, cancellationToken);

        public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => _inner.ListAsync(crewName, cancellationToken);

        public ValueTask<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken = default) =>
            throw new System.IO.IOException("The database is down.");
    }

    private static ExecutionRecord Record(string id, string crew, ExecutionStatus status) => new()
    {
        ExecutionId = id,
        CrewName = crew,
        Status = status,
        InputJson = """{"topic":"compost"}""",
        TotalTasks = 3,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private static async Task<string> NextResumeAsync(CollectingLoggerProvider logs, CancellationToken ct)
    {
        // The scan runs on the policy's loop once the fake clock fires; its log entry is the signal.
        while (!logs.Messages("ExecutionResumedByPolicy").Any())
        {
            await Task.Delay(10, ct);
        }

        return logs.Messages("ExecutionResumedByPolicy").First();
    }


    private static async Task DisposeAsync(params (ExecutionSession Session, ExecutionHandle Handle)[] runs)
    {
        foreach (var (session, handle) in runs)
        {
            handle.Cancel();
            await handle.WaitAsync(CancellationToken.None);
            await session.DisposeAsync();
        }
    }
}
