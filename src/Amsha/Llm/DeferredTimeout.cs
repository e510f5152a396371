using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Polly.Timeout;

namespace Amsha;

/// <summary>
/// A timeout that arms its timer only when the work is still running after its synchronous part. An answer that is
/// already there (a cache, a zero-latency model) costs no timer and no linked token; one that has to wait gets the
/// timeout counted from the start of the work, and <see cref="TimeoutRejectedException"/> when it expires, as Polly's
/// timeout strategy throws.
/// </summary>
/// <remarks>
/// The work sees a token of a source of its own from the start, so cancellation reaches it either way: the caller's
/// token is linked in, and the timer armed, before anything awaits the work. Work that blocks its caller's thread
/// before it returns (a synchronous client) is timed from its start but canceled only once it has returned.
/// </remarks>
internal static class DeferredTimeout
{
    // Two idle sources per thread (a call's total timeout holds one while its attempt's takes the other). Only a source
    // that never had a timer armed is reused: a timer that fires as the work answers has its callback already on its way
    // (queued behind other work on a busy machine), and that callback would cancel whatever the source served next.
    [ThreadStatic]
    private static CancellationTokenSource? t_idle;
    [ThreadStatic]
    private static CancellationTokenSource? t_spare;

    /// <summary>Runs <paramref name="work"/> with a token canceled by <paramref name="cancellationToken"/> or after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutRejectedException">The work ended canceled because the timeout expired.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static ValueTask<T> RunAsync<T, TState>(Func<CancellationToken, TState, ValueTask<T>> work, TState state, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        RunAsync(work, state, timeout, timeProvider, timeProvider.GetTimestamp(), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> as <see cref="RunAsync{T, TState}(Func{CancellationToken, TState, ValueTask{T}}, TState, TimeSpan, TimeProvider, CancellationToken)"/>,
    /// timed from <paramref name="started"/> (a timestamp of <paramref name="timeProvider"/> the caller has already read
    /// when the work starts: a clock read costs about a tenth of a call answered at once).
    /// </summary>
    public static ValueTask<T> RunAsync<T, TState>(Func<CancellationToken, TState, ValueTask<T>> work, TState state, TimeSpan timeout, TimeProvider timeProvider, long started, CancellationToken cancellationToken)
    {
        var running = Start(work, state, timeout, timeProvider, started, cancellationToken, out var pending);
        return Awaiting(running, pending);
    }

    /// <summary>Work <see cref="Start{T, TState}"/> started, awaited within its timeout (if armed) and ended with it.</summary>
    public static ValueTask<T> Awaiting<T>(ValueTask<T> running, Pending pending) => pending.IsArmed ? AwaitAsync(running, pending) : running;

    /// <summary>
    /// Starts <paramref name="work"/> as <see cref="RunAsync{T, TState}(Func{CancellationToken, TState, ValueTask{T}}, TState, TimeSpan, TimeProvider, long, CancellationToken)"/>
    /// does, for a caller that awaits it in a frame of its own: work still running comes with its armed timeout in
    /// <paramref name="pending"/>, which the caller must end (<see cref="Pending.DisposeAsync"/>) once the work has, and
    /// whose <see cref="Pending.TimedOut"/> says whether the work's cancellation is the timeout's. Saves the frame
    /// <see cref="RunAsync{T, TState}(Func{CancellationToken, TState, ValueTask{T}}, TState, TimeSpan, TimeProvider, long, CancellationToken)"/>
    /// would hold while the work waits.
    /// </summary>
    public static ValueTask<T> Start<T, TState>(Func<CancellationToken, TState, ValueTask<T>> work, TState state, TimeSpan timeout, TimeProvider timeProvider, long started, CancellationToken cancellationToken, out Pending pending)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var source = Rent();

        ValueTask<T> running;
        try
        {
            running = work(source.Token, state);
        }
        catch
        {
            Release(source);
            throw;
        }

        if (running.IsCompleted)
        {
            Release(source);
            pending = default;
            return running;
        }

        // The caller's token is linked in, and the timer armed, before anything awaits the work.
        pending = new Pending(source, cancellationToken, Arm(source, timeout - timeProvider.GetElapsedTime(started), timeProvider), timeout);
        return running;
    }

    private static async ValueTask<T> AwaitAsync<T>(ValueTask<T> running, Pending pending)
    {
        try
        {
            return await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException canceled) when (pending.TimedOut)
        {
            throw Expired(pending.Timeout, canceled);
        }
        finally
        {
            await pending.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The armed timeout of work that did not complete at once: what its awaiting frame holds while it waits.</summary>
    public readonly struct Pending : IAsyncDisposable
    {
        private readonly CancellationTokenSource? _source;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenRegistration _callerLink;
        private readonly ITimer? _timer;

        internal Pending(CancellationTokenSource source, CancellationToken caller, ITimer? timer, TimeSpan timeout)
        {
            _source = source;
            _caller = caller;
            _callerLink = caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source);
            _timer = timer;
            Timeout = timeout;
        }

        /// <summary>Whether a timeout is armed (the work did not complete at once).</summary>
        public bool IsArmed => _source is not null;

        /// <summary>The timeout the work was given.</summary>
        public TimeSpan Timeout { get; }

        /// <summary>Whether the work's token was canceled by the timeout rather than by the caller.</summary>
        public bool TimedOut => _source is { IsCancellationRequested: true } && !_caller.IsCancellationRequested;

        /// <summary>Stops the timer and unlinks the caller's token; the source is never reused (see <c>t_idle</c>).</summary>
        public ValueTask DisposeAsync()
        {
            if (_source is not { } source)
            {
                return default;
            }

            _timer?.Dispose();
            var unlinking = _callerLink.DisposeAsync(); // waits for a cancellation by the caller that is running
            if (unlinking.IsCompletedSuccessfully)
            {
                source.Dispose();
                return default;
            }

            return DisposeWhenUnlinkedAsync(unlinking, source);
        }

        private static async ValueTask DisposeWhenUnlinkedAsync(ValueTask unlinking, CancellationTokenSource source)
        {
            await unlinking.ConfigureAwait(false);
            source.Dispose();
        }
    }

    /// <summary>The exception of work that <paramref name="timeout"/> ended (as Polly's timeout strategy throws it).</summary>
    public static TimeoutRejectedException Expired(TimeSpan timeout, Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The operation didn't complete within the allowed timeout of '{timeout}'."), timeout, inner);

    private static ITimer? Arm(CancellationTokenSource source, TimeSpan remaining, TimeProvider timeProvider)
    {
        if (remaining <= TimeSpan.Zero)
        {
            source.Cancel();
            return null;
        }

        if (timeProvider == TimeProvider.System)
        {
            source.CancelAfter(remaining);
            return null;
        }

        return timeProvider.CreateTimer(static s => CancelUnlessDisposed((CancellationTokenSource)s!), source, remaining, Timeout.InfiniteTimeSpan);
    }

    // A disposed timer's callback may still run once (it was on its way when the work answered); by then the work and its
    // source are done with.
    private static void CancelUnlessDisposed(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static CancellationTokenSource Rent()
    {
        if (t_idle is { } idle)
        {
            t_idle = t_spare;
            t_spare = null;
            return idle;
        }

        return new CancellationTokenSource();
    }

    private static void Release(CancellationTokenSource source)
    {
        if (!source.TryReset())
        {
            source.Dispose();
        }
        else if (t_idle is null)
        {
            t_idle = source;
        }
        else if (t_spare is null)
        {
            t_spare = source;
        }
        else
        {
            source.Dispose();
        }
    }
}
