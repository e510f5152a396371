using System.Threading;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;

namespace Amsha.Orleans;

/// <summary>Stops the worker first when the silo shuts down, while its grains still answer their watchers.</summary>
internal sealed class AmshaWorkerLifecycle : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly AmshaWorker _worker;

    public AmshaWorkerLifecycle(AmshaWorker worker) => _worker = worker;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AmshaWorker), ServiceLifecycleStage.Active, static _ => Task.CompletedTask, StopAsync);

    private Task StopAsync(CancellationToken cancellationToken) => _worker.StopAsync(cancellationToken);
}
