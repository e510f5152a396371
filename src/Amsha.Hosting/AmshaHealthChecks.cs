using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Amsha.Hosting;

/// <summary>Whether the session's execution store answers a read.</summary>
internal sealed class ExecutionStoreHealthCheck(ExecutionSession session) : IHealthCheck
{
    // An id no execution has: the read exercises the store (directory, database file, connection) without writing.
    internal const string ProbeId = "amsha-health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = session.Store;
        try
        {
            await store.GetAsync(ProbeId, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The execution store ({store.GetType().Name}) answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The execution store ({store.GetType().Name}) cannot be read: {ex.Message}", ex);
        }
    }
}

/// <summary>The circuit of one use case: failing while open (calls fail fast), degraded while a trial call decides.</summary>
internal sealed class UseCaseCircuitHealthCheck(ExecutionSession session, string useCase) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = session.Llm.GetCircuitState(useCase);
        var data = new Dictionary<string, object> { ["useCase"] = useCase, ["circuit"] = state.ToString() };
        var result = state switch
        {
            LlmCircuitState.Closed => HealthCheckResult.Healthy($"Use case '{useCase}': circuit closed.", data),
            LlmCircuitState.HalfOpen => HealthCheckResult.Degraded($"Use case '{useCase}': circuit half-open, a trial call decides.", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"Use case '{useCase}': circuit {state.ToString().ToLowerInvariant()}, calls fail fast after repeated provider faults.", data: data),
        };
        return Task.FromResult(result);
    }
}
