using System;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha.Generated;

/// <summary>
/// Runs a crew's <see cref="CrewDefinition{TInput, TOutput}"/> in a session: what the generated crew members
/// (<c>RunAsync</c>, <c>Start</c>, <c>StartBackground</c>, <c>StartBackgroundAsync</c>, <c>Resume</c>,
/// <c>ResumeAsync</c>) call. None of these blocks: the synchronous forms return at once and the run does
/// its I/O on its own path; the <c>Async</c> forms complete once the execution is durably stored.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CrewExecution
{
    /// <summary>Runs <paramref name="crew"/> interactively and waits for its result.</summary>
    public static Task<CrewResult<TOutput>> RunAsync<TInput, TOutput>(this ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfNull(input);
        return session.RunInteractiveAsync(crew, input, options, cancellationToken);
    }

    /// <summary>Starts an interactive execution of <paramref name="crew"/>; its token cancels the execution.</summary>
    public static InteractiveExecutionHandle<TOutput> Start<TInput, TOutput>(this ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfNull(input);
        return session.StartInteractiveRun(crew, input, options, cancellationToken);
    }

    /// <summary>
    /// Starts a background execution of <paramref name="crew"/> and returns at once; its first record is
    /// written on the execution's own path (a failure to write it fails the execution, seen through the handle).
    /// </summary>
    /// <exception cref="InvalidOperationException">The input type has no registered JSON codec, so the input cannot be stored.</exception>
    public static ExecutionHandle<TOutput> StartBackground<TInput, TOutput>(this ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfNull(input);
        return session.StartBackgroundRun(crew, input, options).Handle;
    }

    /// <summary>Starts a background execution of <paramref name="crew"/>; completes once its first record is stored, so its id resolves from any process.</summary>
    /// <param name="session">The session.</param>
    /// <param name="crew">The crew's plan.</param>
    /// <param name="input">The crew's input.</param>
    /// <param name="options">State, store and LLM overrides of the execution.</param>
    /// <param name="cancellationToken">Stops waiting for the first write; does not cancel the execution.</param>
    /// <exception cref="ExecutionException">The first record could not be stored.</exception>
    public static Task<ExecutionHandle<TOutput>> StartBackgroundAsync<TInput, TOutput>(this ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        // A missing input throws here, at the call, as the synchronous forms do.
        ThrowIfNull(input);
        return StartedAsync(session, crew, input, options, cancellationToken);

        static async Task<ExecutionHandle<TOutput>> StartedAsync(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, ExecutionOptions? options, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(session);
            var run = session.StartBackgroundRun(crew, input, options);
            await ThrowIfNotReadyAsync(run, cancellationToken).ConfigureAwait(false);
            return run.Handle;
        }
    }

    /// <summary>
    /// Continues the background execution <paramref name="executionId"/> from its last checkpoint and returns at
    /// once: finished tasks keep their stored outputs, only unfinished tasks run, with the stored input and state.
    /// The record is read on the execution's own path: an unknown id, a record of another crew or a damaged
    /// record fails the execution, seen through the handle. Amsha never resumes on its own.
    /// </summary>
    public static ExecutionHandle<TOutput> Resume<TInput, TOutput>(this ExecutionSession session, CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.ResumeRun(crew, executionId, options).Handle;
    }

    /// <summary>Continues the background execution <paramref name="executionId"/>; completes once its record is read and the resume accepted.</summary>
    /// <param name="session">The session.</param>
    /// <param name="crew">The crew's plan; it must be the crew that started the execution.</param>
    /// <param name="executionId">The id of a background execution in the store.</param>
    /// <param name="options">The store to read (the session's when null), a state used only if the record has none, LLM overrides.</param>
    /// <param name="cancellationToken">Stops waiting; does not cancel the execution.</param>
    /// <exception cref="ExecutionNotFoundException">The store has no execution with that id.</exception>
    /// <exception cref="ExecutionCrewMismatchException">The execution was started by another crew.</exception>
    /// <exception cref="ExecutionStoreCorruptedException">The stored record is damaged.</exception>
    public static async Task<ExecutionHandle<TOutput>> ResumeAsync<TInput, TOutput>(this ExecutionSession session, CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var run = session.ResumeRun(crew, executionId, options);
        await ThrowIfNotReadyAsync(run, cancellationToken).ConfigureAwait(false);
        return run.Handle;
    }

    // The generated members pass the caller's input here; a value-type input is never null.
    private static void ThrowIfNull<TInput>(TInput input)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }
    }

    private static async Task ThrowIfNotReadyAsync<TOutput>(ExecutionRun<TOutput> run, CancellationToken cancellationToken)
    {
        if (await run.Ready.WaitAsync(cancellationToken).ConfigureAwait(false) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }
}
