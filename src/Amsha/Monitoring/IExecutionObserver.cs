using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// Receives every <see cref="ExecutionEvent"/> of every execution of the session it is
/// registered on, in order per execution: the same events the handles stream.
/// </summary>
/// <remarks>
/// Register it with <see cref="ExecutionSession.AddObserver"/>, the session constructor, or
/// through DI (<c>services.AddSingleton&lt;IExecutionObserver, MyObserver&gt;()</c> before
/// <c>AddAmsha()</c> builds the session). Each observer has its own bounded buffer and a
/// single reader, so it is never called concurrently with itself; a slow or throwing observer
/// never stalls or fails an execution. Events that do not fit its buffer are dropped for that
/// observer, and overflow and failures are logged once per observer.
/// </remarks>
public interface IExecutionObserver
{
    /// <summary>Handles one event.</summary>
    /// <param name="executionEvent">The event, stamped with its execution id and sequence number.</param>
    /// <param name="cancellationToken">Signals that the session is being disposed.</param>
    ValueTask OnEventAsync(ExecutionEvent executionEvent, CancellationToken cancellationToken = default);
}
