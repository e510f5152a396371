using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;

namespace Amsha;

// Human input: answering requests of executions waiting in memory (interactive) or in the store (background),
// and finding stored requests whose deadline passed.
public sealed partial class ExecutionSession
{
    // Interactive runs of this session waiting for an answer right now; only those, so a run that never asks costs nothing here.
    private readonly Dictionary<string, ILiveRun> _waitingInteractiveRuns = new(StringComparer.Ordinal);

    /// <summary>
    /// Answers an input request of execution <paramref name="executionId"/> and resumes it. An interactive execution of
    /// this session waiting in memory goes on at once. A background execution, of any crew and started by any process
    /// sharing the store, has the answer recorded and is resumed in this session (by the crew name in its record).
    /// </summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="response">The answer to one of its <see cref="ExecutionRecord.PendingInput"/> requests.</param>
    /// <param name="options">Options of the resumed run (its store, state, LLM overrides, input timeout).</param>
    /// <param name="cancellationToken">Stops waiting for the store; does not cancel the execution.</param>
    /// <returns>The handle that follows the execution from here.</returns>
    /// <exception cref="ExecutionNotFoundException">No execution of this session waits in memory with that id, and the store has none.</exception>
    /// <exception cref="InputResponseException">The execution does not wait on that request (not waiting, answered already, expired, unknown), or
    /// the answer does not fit it (an edit that does not parse names the member); nothing changed.</exception>
    public async Task<ExecutionHandle> SubmitInputAsync(string executionId, InputResponse response, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        ArgumentNullException.ThrowIfNull(response);
        ILiveRun? waiting;
        lock (_waitingInteractiveRuns)
        {
            _waitingInteractiveRuns.TryGetValue(executionId, out waiting);
        }

        if (waiting is not null)
        {
            return await waiting.SubmitInputAsync(response, options, cancellationToken).ConfigureAwait(false);
        }

        var store = options?.Store ?? Store;
        var record = await store.GetAsync(executionId, cancellationToken).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(executionId);
        var crew = await CrewOfRecordAsync(record, options, cancellationToken).ConfigureAwait(false);
        await AnswerStoredAsync(store, executionId, response, crew, cancellationToken).ConfigureAwait(false);
        return await CrewExecution.ResumeAsync(this, crew, executionId, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the stored executions whose input requests passed their deadline <see cref="ExecutionStatus.InputExpired"/>
    /// and reports an <see cref="InputExpiredEvent"/> for each request. Reading an execution does the same for it; call
    /// this from a timer of your own to have expiries reported without reads. Nothing is resumed.
    /// </summary>
    /// <returns>The records that expired now.</returns>
    public async Task<IReadOnlyList<ExecutionRecord>> ExpireOverdueInputAsync(CancellationToken cancellationToken = default)
    {
        var expired = new List<ExecutionRecord>();
        foreach (var record in await Store.ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            var current = await ExpireIfOverdueAsync(Store, record, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(current, record) && current.Status == ExecutionStatus.InputExpired)
            {
                expired.Add(current);
            }
        }

        return expired;
    }

    /// <summary>Answers a stored execution of <paramref name="crew"/> and resumes it; the handle follows the resumed run.</summary>
    internal async Task<ExecutionHandle> SubmitStoredInputAsync<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, string executionId, InputResponse response, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        var store = options?.Store ?? Store;
        var resolved = await ResolveDefinitionAsync(crew, cancellationToken).ConfigureAwait(false);
        await AnswerStoredAsync(store, executionId, response, resolved, cancellationToken).ConfigureAwait(false);
        return await CrewExecution.ResumeAsync(this, crew, executionId, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps an interactive run findable by id while it waits for an answer.</summary>
    internal void TrackWaiting(ILiveRun run, bool waiting)
    {
        if (run.Mode != ExecutionMode.Interactive)
        {
            return;
        }

        lock (_waitingInteractiveRuns)
        {
            if (waiting)
            {
                _waitingInteractiveRuns[run.ExecutionId] = run;
            }
            else
            {
                _waitingInteractiveRuns.Remove(run.ExecutionId);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="record"/> as <see cref="ExecutionStatus.InputExpired"/> when it waits on a request whose deadline
    /// passed, and reports the expiry to observers; returns the record as it is now.
    /// </summary>
    internal async Task<ExecutionRecord> ExpireIfOverdueAsync(IExecutionStore store, ExecutionRecord record, CancellationToken cancellationToken)
    {
        if (record.Status != ExecutionStatus.WaitingForInput || record.PendingInput.Count == 0)
        {
            return record;
        }

        var now = TimeProvider.GetUtcNow();
        var overdue = new List<InputRequest>();
        foreach (var request in record.PendingInput)
        {
            if (request.IsExpiredAt(now))
            {
                overdue.Add(request);
            }
        }

        if (overdue.Count == 0)
        {
            return record;
        }

        ExecutionRecord saved;
        try
        {
            saved = await store.SaveAsync(record with { Status = ExecutionStatus.InputExpired, StatusHistory = [.. record.StatusHistory, new ExecutionStatusChange(ExecutionStatus.InputExpired, now)], UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
        }
        catch (ExecutionConflictException)
        {
            // Someone wrote in between (an answer, a resume): their record is the truth.
            return await store.GetAsync(record.ExecutionId, cancellationToken).ConfigureAwait(false) ?? record;
        }

        foreach (var request in overdue)
        {
            Observe(new InputExpiredEvent(request.RequestId, request.TaskName, request.Deadline!.Value) { ExecutionId = record.ExecutionId, Timestamp = now });
        }

        return saved;
    }

    // Records the answer in the execution's record (once: a concurrent second answer finds it answered), after checking it
    // fits the request: a decision it allows, an edit that parses as the task's output.
    private async Task AnswerStoredAsync<TInput, TOutput>(IExecutionStore store, string executionId, InputResponse response, CrewDefinition<TInput, TOutput> crew, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = await store.GetAsync(executionId, cancellationToken).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(executionId);
            record = await ExpireIfOverdueAsync(store, record, cancellationToken).ConfigureAwait(false);
            var request = Find(record.PendingInput, response.RequestId);
            if (request is null)
            {
                AnsweredInput? answered = null;
                foreach (var entry in record.InputHistory)
                {
                    answered = entry.Request.RequestId == response.RequestId ? entry : answered;
                }

                if (answered is null && record.Status is not (ExecutionStatus.WaitingForInput or ExecutionStatus.InputExpired))
                {
                    throw NotWaiting(record, response.RequestId);
                }

                throw InputGate.NotWaitingOn(executionId, ExecutionMode.Background, response.RequestId, answered, expired: false);
            }

            if (record.Status == ExecutionStatus.InputExpired || request.IsExpiredAt(TimeProvider.GetUtcNow()))
            {
                throw InputGate.NotWaitingOn(executionId, ExecutionMode.Background, response.RequestId, null, expired: true);
            }

            if (record.Status != ExecutionStatus.WaitingForInput)
            {
                throw NotWaiting(record, response.RequestId);
            }

            InputGate.Check(executionId, ExecutionMode.Background, request, response, EditParser(crew, request.TaskName));
            var now = TimeProvider.GetUtcNow();
            var remaining = new List<InputRequest>(record.PendingInput.Count);
            foreach (var open in record.PendingInput)
            {
                if (open.RequestId != request.RequestId)
                {
                    remaining.Add(open);
                }
            }

            try
            {
                await store.SaveAsync(record with { PendingInput = remaining, InputHistory = [.. record.InputHistory, new AnsweredInput(request, response, now)], UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ExecutionConflictException) when (attempt < 5)
            {
                // Another writer (an answer from another process, an expiry) came first: read again and decide again.
            }
        }
    }

    private static InputResponseException NotWaiting(ExecutionRecord record, string requestId) =>
        new(record.ExecutionId, ExecutionMode.Background, requestId, InputResponseProblem.NotWaiting, $"Execution '{record.ExecutionId}' is not waiting for input (status {record.Status}); nothing changed.");

    // Parses an edit as the task's output, when the crew still declares the task.
    private static Func<string, object?>? EditParser<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, string taskName)
    {
        foreach (var task in crew.Tasks)
        {
            if (task.Name == taskName)
            {
                var format = task.OutputFormat;
                return text => format.Parse(taskName, text);
            }
        }

        return null;
    }

    private static InputRequest? Find(IReadOnlyList<InputRequest> requests, string requestId)
    {
        foreach (var request in requests)
        {
            if (request.RequestId == requestId)
            {
                return request;
            }
        }

        return null;
    }
}
