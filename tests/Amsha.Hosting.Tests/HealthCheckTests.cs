using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Amsha.Hosting.Tests;

public sealed class HealthCheckTests
{
    [Fact]
    public async Task A_readable_store_and_closed_circuits_are_healthy_with_one_check_per_use_case()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = TestHosts.Create(new OfflineChatClient(), new InMemoryExecutionStore(), configure: services =>
        {
            services.AddAmsha().UseChatClient("creative", new OfflineChatClient());
            services.AddHealthChecks().AddAmsha();
        });

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(["amsha-llm-creative", "amsha-llm-default", "amsha-store"], Sorted(report.Entries.Keys));
        Assert.Equal("Closed", report.Entries["amsha-llm-creative"].Data["circuit"]);
        Assert.Contains("amsha", report.Entries["amsha-store"].Tags);
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_is_unhealthy_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = TestHosts.Create(new OfflineChatClient(), new BrokenStore(), configure: services => services.AddHealthChecks().AddAmsha());

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);

        var store = report.Entries["amsha-store"];
        Assert.Equal(HealthStatus.Unhealthy, store.Status);
        Assert.Contains("disk is gone", store.Description, StringComparison.Ordinal);
        Assert.IsType<System.IO.IOException>(store.Exception);
    }

    [Theory]
    [InlineData(null, HealthStatus.Degraded)]
    [InlineData(HealthStatus.Unhealthy, HealthStatus.Unhealthy)]
    public async Task An_open_circuit_reports_its_use_case_with_the_chosen_status(HealthStatus? failureStatus, HealthStatus expected)
    {
        var ct = TestContext.Current.CancellationToken;

        // The clock stands still: the open circuit cannot time out into half-open during the test.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var host = TestHosts.Create(new UnavailableChatClient(), new InMemoryExecutionStore(), configure: services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddAmsha().Configure(options =>
            {
                options.Llm.Resilience.MaxAttempts = 1;
                options.Llm.Resilience.CircuitBreakerMinimumThroughput = 2;
            });
            services.AddHealthChecks().AddAmsha(circuitFailureStatus: failureStatus);
        });
        var session = host.Services.GetRequiredService<ExecutionSession>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(ct)).Entries["amsha-llm-default"].Status);

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAnyAsync<ExecutionException>(() => session.RunAsync(HostCrew.Definition, new HostTopic("outage"), cancellationToken: ct));
        }

        Assert.Equal(LlmCircuitState.Open, session.Llm.GetCircuitState("default"));
        var entry = (await health.CheckHealthAsync(ct)).Entries["amsha-llm-default"];
        Assert.Equal(expected, entry.Status);
        Assert.Equal("Open", entry.Data["circuit"]);
        Assert.Contains("fail fast", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_half_open_circuit_is_degraded_while_its_trial_call_runs_and_healthy_once_it_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var provider = new RecoveringChatClient();
        using var host = TestHosts.Create(provider, new InMemoryExecutionStore(), configure: services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddAmsha().Configure(options =>
            {
                options.Llm.Resilience.MaxAttempts = 1;
                options.Llm.Resilience.CircuitBreakerMinimumThroughput = 2;
                options.Llm.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
            });
            services.AddHealthChecks().AddAmsha();
        });
        var session = host.Services.GetRequiredService<ExecutionSession>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAnyAsync<ExecutionException>(() => session.RunAsync(HostCrew.Definition, new HostTopic("outage"), cancellationToken: ct));
        }

        Assert.Equal(LlmCircuitState.Open, session.Llm.GetCircuitState("default"));

        // The outage is over and the break has passed: the next call is the circuit's trial, held here while it runs.
        provider.Recover();
        time.Advance(TimeSpan.FromSeconds(31));
        var run = session.RunAsync(HostCrew.Definition, new HostTopic("recovered"), cancellationToken: ct);
        await provider.TrialEntered.WaitAsync(ct);
        var trial = (await health.CheckHealthAsync(ct)).Entries["amsha-llm-default"];
        Assert.Equal(HealthStatus.Degraded, trial.Status);
        Assert.Equal("HalfOpen", trial.Data["circuit"]);
        Assert.Contains("half-open", trial.Description, StringComparison.Ordinal);

        provider.ReleaseTrial();
        await run;
        Assert.Equal(LlmCircuitState.Closed, session.Llm.GetCircuitState("default"));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(ct)).Entries["amsha-llm-default"].Status);
    }

    private static List<string> Sorted(IEnumerable<string> names)
    {
        var list = new List<string>(names);
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private sealed class BrokenStore : IExecutionStore
    {
        public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => throw new System.IO.IOException("The disk is gone.");

        public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => throw new System.IO.IOException("The disk is gone.");

        public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default) => throw new System.IO.IOException("The disk is gone.");
    }

    /// <summary>A provider in an outage (HTTP 503) until it recovers; its first call after that waits to be released.</summary>
    private sealed class RecoveringChatClient : IChatClient
    {
        private readonly OfflineChatClient _healthy = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _recovered;

        public Task TrialEntered => _entered.Task;

        public void Recover() => _recovered = true;

        public void ReleaseTrial() => _released.TrySetResult();

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await PassAsync(cancellationToken);
            return await _healthy.GetResponseAsync(messages, options, cancellationToken);
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await PassAsync(cancellationToken);
            await foreach (var update in _healthy.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        private async Task PassAsync(CancellationToken cancellationToken)
        {
            if (!_recovered)
            {
                throw new HttpRequestException("Service unavailable.", null, HttpStatusCode.ServiceUnavailable);
            }

            _entered.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A provider in an outage: every call is an HTTP 503.</summary>
    private sealed class UnavailableChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw Outage();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw Outage();
#pragma warning disable CS0162 // an async iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        private static HttpRequestException Outage() => new("Service unavailable.", null, HttpStatusCode.ServiceUnavailable);
    }
}
