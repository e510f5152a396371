using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>
/// A completion that most runs never have awaited (a run's readiness, its release by the session): its task is made
/// only when someone asks for it, and completes with the result set before or after that. The first result wins.
/// Keep it in a mutable field and use it in place: it is a struct so that a run that nobody waits on allocates nothing.
/// </summary>
internal struct LazyCompletion<T>
{
    private const int Pending = 0;
    private const int Setting = 1;
    private const int Set = 2;

    private TaskCompletionSource<T>? _source;
    private T _result;
    private int _state;

    public Task<T> Task
    {
        get
        {
            var source = Volatile.Read(ref _source);
            if (source is null)
            {
                var created = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                source = Interlocked.CompareExchange(ref _source, created, null) ?? created;
            }

            // Set before the source existed: the exchange above and the one in TrySetResult are full fences, so at
            // least one side sees the other's write and completes the task.
            if (Volatile.Read(ref _state) == Set)
            {
                source.TrySetResult(_result);
            }

            return source.Task;
        }
    }

    public void TrySetResult(T result)
    {
        if (Interlocked.CompareExchange(ref _state, Setting, Pending) != Pending)
        {
            return;
        }

        _result = result;
        Interlocked.Exchange(ref _state, Set);
        Volatile.Read(ref _source)?.TrySetResult(result);
    }
}
