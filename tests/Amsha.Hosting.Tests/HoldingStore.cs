using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Hosting.Tests;

/// <summary>A store whose writes wait while the test holds them: a database that stopped answering.</summary>
internal sealed class HoldingStore(IExecutionStore inner) : IExecutionStore
{
    private volatile TaskCompletionSource? _held;

    public IExecutionStore Inner => inner;

    public void HoldWrites() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseWrites() => _held?.TrySetResult();

    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => inner.GetAsync(executionId, cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => inner.ListAsync(crewName, cancellationToken);

    public async ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        if (_held is { } held)
        {
            await held.Task;
        }

        return await inner.SaveAsync(record, cancellationToken);
    }
}
