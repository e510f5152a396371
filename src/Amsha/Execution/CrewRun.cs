using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Amsha.Serialization;

namespace Amsha;

/// <summary>
/// Runs a crew's plan: renders each task's prompt, calls its agent's use case, collects outputs.
/// Sequential crews run tasks in declared order; Graph crews start each task as soon as its
/// dependencies are done. Background runs store their first record before running and checkpoint
/// after every task; resumed runs read their record first and skip the tasks it holds.
/// </summary>
internal sealed class CrewRun<TInput, TOutput> : ExecutionRun<TOutput>
{
    private readonly CrewDefinition<TInput, TOutput> _declared;
    private CrewDefinition<TInput, TOutput> _crew;
    private readonly ExecutionOptions? _options;
    private readonly IExecutionStore? _store;
    private readonly string? _inputJson;
    private readonly bool _resume;
    private TInput _crewInput;
    // Made when the run starts (see PrepareAsync), not while it waits in the thread pool's queue.
    private TaskOutput?[] _outputs = [];
    private ExecutionCheckpoints? _checkpoints;

    // The Running write made before the run was ready: a fresh start's first record, or the claim of a resumed run by an owning session (see PrepareAsync).
    private CheckpointWrittenEvent? _claimed;
    private ExecutionState? _state;
    private InputGate? _humanInput;
    private int _completedTasks;

    private CrewRun(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionMode mode, TInput input, string? inputJson, ExecutionOptions? options, bool resume, CancellationToken callerToken)
        : base(session, executionId, crew.Name, mode, crew.Tasks.Count, callerToken)
    {
        _declared = crew;
        _crew = crew;
        _crewInput = input;
        _inputJson = inputJson;
        _options = options;
        _resume = resume;
        _state = options?.State;
        _store = mode == ExecutionMode.Background ? options?.Store ?? session.Store : null;
    }

    public override ExecutionState? State => Volatile.Read(ref _state);

    public override IReadOnlyList<InputRequest> PendingInput => _humanInput?.Pending ?? Array.Empty<InputRequest>();

    public override async Task<ExecutionHandle> SubmitInputAsync(InputResponse response, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        if (Mode == ExecutionMode.Background)
        {
            // A background execution waits in its record, not in memory: the answer goes to the store, and resumes it.
            return await Session.SubmitStoredInputAsync(_declared, ExecutionId, response, options ?? _options, cancellationToken).ConfigureAwait(false);
        }

        if (_humanInput is not { } input || Status != ExecutionStatus.WaitingForInput)
        {
            throw new InputResponseException(ExecutionId, Mode, response.RequestId, InputResponseProblem.NotWaiting, $"Execution '{ExecutionId}' is not waiting for input (status {Status}); nothing changed.");
        }

        input.Submit(response);
        return Handle;
    }

    /// <summary>An interactive run: streams, is not stored.</summary>
    public static CrewRun<TInput, TOutput> Interactive(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, string executionId, TInput input, ExecutionOptions? options, CancellationToken cancellationToken) =>
        new(session, crew, executionId, ExecutionMode.Interactive, input, null, options, resume: false, cancellationToken);

    /// <summary>A new background run; <paramref name="inputJson"/> is the input as stored for resume.</summary>
    public static CrewRun<TInput, TOutput> Background(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, string executionId, TInput input, string inputJson, ExecutionOptions? options) =>
        new(session, crew, executionId, ExecutionMode.Background, input, inputJson, options, resume: false, CancellationToken.None);

    /// <summary>A run that continues the stored background execution <paramref name="executionId"/>.</summary>
    public static CrewRun<TInput, TOutput> Resumed(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, string executionId, ExecutionOptions? options) =>
        new(session, crew, executionId, ExecutionMode.Background, default!, null, options, resume: true, CancellationToken.None);

    protected override async Task<CrewResult<TOutput>?> PrepareAsync()
    {
        // The run-time definitions in force overlay the compiled plan; a crew run by name comes already resolved.
        _crew = await Session.ResolveDefinitionAsync(_declared, CancellationToken.None).ConfigureAwait(false);
        if (!_resume)
        {
            _outputs = new TaskOutput?[_declared.Tasks.Count];
        }

        if ((_store is null || !_resume) && MayAskForInput(_crew))
        {
            if (Mode == ExecutionMode.Interactive)
            {
                // Whoever answers one of its requests (SubmitInputAsync) gets its handle, which streams: said before
                // the gate makes the run's event log, so that the log keeps its events for that reader.
                HandOutEventStream();
            }

            _humanInput = NewInputGate(null);
        }

        if (_store is null)
        {
            return null;
        }

        if (!_resume)
        {
            var now = Session.TimeProvider.GetUtcNow();
            var state = _state;
            var stateVersion = state?.Version ?? 0; // read before saving, as checkpoints do
            // The run starts as soon as this write is done, so its first record already says Running (one write, not two).
            var record = ExecutionRecord.First(ExecutionId, _crew, _inputJson!, state?.Save(), now, running: true);
            var lease = Session.Lease;
            var stored = await _store.SaveUnpublishedAsync(lease is null ? record : lease.Apply(record, now), CancellationToken.None).ConfigureAwait(false);
            _checkpoints = new ExecutionCheckpoints(_store, stored, state, stateVersion, Session.TimeProvider, lease);
            _checkpoints.MeasureWith(Metrics);
            _checkpoints.MarkAppliedWith(_humanInput is null ? null : _humanInput.TakeApplied);
            _claimed = _checkpoints.Began(stored);
            return null;
        }

        var found = await _store.GetAsync(ExecutionId, CancellationToken.None).ConfigureAwait(false) ?? throw new ExecutionNotFoundException(ExecutionId);
        if (!string.Equals(found.CrewName, _crew.Name, StringComparison.Ordinal))
        {
            throw new ExecutionCrewMismatchException(ExecutionId, found.CrewName, _crew.Name);
        }

        _crew = ChooseDefinition(found);
        _crewInput = ReadInput(found);
        var storedState = found.StateJson is null ? null : ExecutionState.Load(found.StateJson, Session.TimeProvider);
        Volatile.Write(ref _state, storedState ?? _options?.State);
        _checkpoints = new ExecutionCheckpoints(_store, found, storedState, storedState?.Version ?? 0, Session.TimeProvider, Session.Lease);
        _outputs = _checkpoints.RestoreOutputs(_crew);
        _completedTasks = 0;
        foreach (var output in _outputs)
        {
            _completedTasks += output is null ? 0 : 1;
        }

        Progress = new ExecutionProgress(_completedTasks, _crew.Tasks.Count, null);
        if (found.Status == ExecutionStatus.Succeeded && _completedTasks == _crew.Tasks.Count)
        {
            return BuildResult(found.Metrics ?? new AmshaMetrics { ExecutionId = ExecutionId, CrewName = _crew.Name, Mode = ExecutionMode.Background, Status = ExecutionStatus.Succeeded });
        }

        // Before the run's first event, so its metrics continue from the stored figures of earlier runs.
        if (found.Metrics is { } previous)
        {
            Metrics.Carry(previous);
        }

        _checkpoints.MeasureWith(Metrics);
        _humanInput = MayAskForInput(_crew) || found.PendingInput.Count > 0 || found.InputHistory.Count > 0 ? NewInputGate(found) : null;
        _checkpoints.MarkAppliedWith(_humanInput is null ? null : _humanInput.TakeApplied);
        if (found.PendingInput.Count > 0)
        {
            // Requests still open: nothing runs until they are answered. Expired ones are asked again (new ids, new deadlines).
            var open = new List<InputRequest>(found.PendingInput.Count);
            var now = Session.TimeProvider.GetUtcNow();
            foreach (var request in found.PendingInput)
            {
                open.Add(request.IsExpiredAt(now) ? _humanInput!.NewRequest(request) : request);
            }

            if (found.Status != ExecutionStatus.WaitingForInput || !open.SequenceEqual(found.PendingInput))
            {
                await _checkpoints.ReopenAsync(open).ConfigureAwait(false);
            }

            _humanInput!.HoldOpen(open);
            throw new ExecutionSuspension();
        }

        // An owning session stores its claim (Running, its lease) before the caller learns the execution runs here: a
        // process that dies from then on leaves a lease that expires, so the execution is listed orphaned. Unclaimed, a
        // worker that died between this read and its first write would leave the record as it was, owned by nobody.
        if (Session.Lease is not null)
        {
            _claimed = await _checkpoints.BeginAsync(State).ConfigureAwait(false);
        }

        return null;
    }

    protected override Task OnSuspendingAsync(IReadOnlyList<InputRequest> requests)
    {
        Metrics.CountRequestsAhead(requests.Count);
        return _checkpoints is { } checkpoints ? checkpoints.SuspendAsync(requests, State).AsTask() : Task.CompletedTask;
    }

    // A crew whose tasks are reviewed, or may call tools (one may need approval), asks through a gate.
    private static bool MayAskForInput(CrewDefinition<TInput, TOutput> crew)
    {
        // By index: a foreach over the list interface would allocate an enumerator on every run.
        var tasks = crew.Tasks;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Review != ReviewKind.None || task.Toolboxes.Count > 0 || task.ToolSources.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private InputGate NewInputGate(ExecutionRecord? record) =>
        new(ExecutionId, Mode, Events, Session.TimeProvider, _options?.InputTimeout, OnWaiting, record);

    private void OnWaiting(bool waiting)
    {
        SetWaiting(waiting);
        Session.TrackWaiting(this, waiting);
    }

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        using var workflowSpan = AmshaTelemetry.StartWorkflow(_crew.Name, ExecutionId);
        try
        {
            Events.Append(new ExecutionStartedEvent(_crew.Name, Mode, _crew.Tasks.Count));
            if (_checkpoints is not null)
            {
                Events.Append(_claimed ?? await _checkpoints.BeginAsync(State).ConfigureAwait(false));
            }

            // An owning session renews the lease while the tasks run, so other processes can tell it still lives.
            using var renewal = _checkpoints is not null && Session.Lease is { } lease
                ? Session.TimeProvider.CreateTimer(static state => ((CrewRun<TInput, TOutput>)state!).RenewLease(), this, lease.RenewalPeriod, lease.RenewalPeriod)
                : null;

            if (_crew.Process == CrewProcess.Graph)
            {
                await RunGraphAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            // The generator emits tasks in a valid order (dependencies first), so running them in
            // declared order honours every Context dependency. Restored tasks are skipped.
            for (var index = 0; index < _crew.Tasks.Count; index++)
            {
                if (_outputs[index] is null)
                {
                    await RunTaskAsync(index, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (!IsInterrupted && AmshaTelemetry.RecordFailure(workflowSpan, ex))
        {
            // The one error rule: whatever ends the run with an error (a task, a review, a checkpoint) marks the workflow span.
            // A run its host's shutdown interrupts has no error: it is stored to resume.
            throw;
        }
    }

    protected override async Task OnEndingAsync(ExecutionStatus status, ExecutionException? failure)
    {
        if (_checkpoints is not null)
        {
            Events.Append(await _checkpoints.EndAsync(status, failure, State).ConfigureAwait(false));
        }
    }

    private void RenewLease() => _ = RenewLeaseAsync();

    private async Task RenewLeaseAsync()
    {
        try
        {
            if (await _checkpoints!.RenewLeaseAsync().ConfigureAwait(false) is { } written)
            {
                Events.Append(written);
            }
        }
        catch (Exception)
        {
            // A renewal that fails (the store is down, another process took the execution over) changes nothing here:
            // the run's next checkpoint meets the same store and reports it.
        }
    }

    protected override CrewResult<TOutput> BuildResult(AmshaMetrics metrics)
    {
        var last = _outputs[_outputs.Length - 1]!;
        var value = _crew.SelectResult is { } select ? select(last) : (TOutput)last.Value!;
        return new CrewResult<TOutput>(ExecutionId, _crew.Name, value, _outputs!, metrics);
    }

    // The definitions the execution started with, when they changed since: rebuilt from its record, or the current
    // ones when the client asks for them; otherwise a clear error before anything runs.
    private CrewDefinition<TInput, TOutput> ChooseDefinition(ExecutionRecord record)
    {
        if (record.DefinitionFingerprint is not { } recorded || recorded == _crew.Fingerprint || _options?.DefinitionVersion == DefinitionVersionPolicy.Current)
        {
            return _crew;
        }

        // Started as compiled, and the compiled plan is unchanged (an overlay came into force since): still available.
        if (record.DefinitionSnapshot is null && !_declared.IsResolved && _declared.Fingerprint == recorded)
        {
            return _declared;
        }

        string? reason = null;
        if (record.DefinitionSnapshot is { } json && !_declared.IsResolved)
        {
            try
            {
                var rebuilt = DefinitionOverlay.FromSnapshot(_declared, DefinitionSnapshot.FromJson(json), Session.Llm.IsUseCase);
                if (rebuilt.Fingerprint == recorded)
                {
                    return rebuilt;
                }

                reason = "the compiled crew changed under the recorded definitions";
            }
            catch (Exception ex) when (ex is DefinitionException or JsonException)
            {
                throw new ExecutionDefinitionChangedException(ExecutionId, _crew.Name, recorded, _crew.Fingerprint, "the recorded definitions no longer fit: " + ex.Message, ex);
            }
        }

        throw new ExecutionDefinitionChangedException(ExecutionId, _crew.Name, recorded, _crew.Fingerprint, reason);
    }

    private TInput ReadInput(ExecutionRecord record)
    {
        if (!JsonCodecs.TryGet<TInput>(out var codec))
        {
            throw ExecutionSession.MissingInputCodec(_crew);
        }

        try
        {
            return JsonCodecs.Deserialize(codec, record.InputJson);
        }
        catch (JsonException ex)
        {
            throw new ExecutionStoreCorruptedException(
                ExecutionId,
                _store!.GetType().Name,
                $"its stored input is not a valid {typeof(TInput).Name} ({JsonCodecErrors.BaseMessage(ex)} at {ex.Path ?? "$"})",
                innerException: ex);
        }
    }

    private async Task RunTaskAsync(int index, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var task = _crew.Tasks[index];
        Progress = Progress with { CurrentTask = task.Name };
        Events.Append(new TaskStartedEvent(task.Name, task.Agent.Name, index));
        var started = Session.TimeProvider.GetTimestamp();

        // A reviewed task whose output was stored with its review request does not ask the model again.
        var review = task.Review != ReviewKind.None ? _humanInput : null;
        var output = review?.RecordedReview(task.Name) is { } recorded
            ? new TaskOutput(task.Name, task.Agent.Name, recorded.ProposedOutput ?? "", task.OutputFormat.Parse(task.Name, recorded.ProposedOutput ?? ""))
            : await PerformAsync(task, cancellationToken).ConfigureAwait(false);
        if (review is not null)
        {
            output = await ReviewAsync(review, task, output, cancellationToken).ConfigureAwait(false);
        }

        _outputs[index] = output;

        var completed = Interlocked.Increment(ref _completedTasks);
        Progress = new ExecutionProgress(completed, _crew.Tasks.Count, null);
        Events.Append(new TaskCompletedEvent(task.Name, output.Text));
        if (_checkpoints is not null
            && await _checkpoints.TaskFinishedAsync(index, output, Session.TimeProvider.GetElapsedTime(started), State, isLast: completed == _crew.Tasks.Count).ConfigureAwait(false) is { } checkpoint)
        {
            Events.Append(checkpoint);
        }
    }

    // Not an awaiting method itself for a task without tools: a task waiting for its model holds one frame less.
    private ValueTask<TaskOutput> PerformAsync(CrewTaskDefinition<TInput> task, CancellationToken cancellationToken)
    {
        var prompt = task.BuildPrompt(_crewInput, new CrewTaskContext(_outputs));
        var call = new LlmCallContext(ExecutionId, Mode, _crew.Name, task.Name, Events, _options?.Llm, Session.Options.CaptureMessageContent);
        var toolOptions = Session.Options.Llm.Tools;
        return ToolSet.MayOffer(task, toolOptions)
            ? PerformWithToolsAsync(task, prompt, call, toolOptions, cancellationToken)
            : TaskInvoker.InvokeAsync(Session.Llm, task, prompt, call, null, TokensMayBeRead, cancellationToken);
    }

    private async ValueTask<TaskOutput> PerformWithToolsAsync(CrewTaskDefinition<TInput> task, TaskPrompt prompt, LlmCallContext call, ToolOptions? toolOptions, CancellationToken cancellationToken)
    {
        var tools = await ToolSet.CreateAsync(task, Session.ResolveToolbox, Session.ResolveToolSource, toolOptions ?? new ToolOptions(), cancellationToken).ConfigureAwait(false);
        if (tools is not null)
        {
            tools.Input = _humanInput;
            tools.AgentName = task.Agent.Name;
            if (_checkpoints is { } checkpoints)
            {
                tools.Journal = new ToolJournal(task.Name, checkpoints.JournaledCalls(task.Name), async call => Events.Append(await checkpoints.ToolCallCompletedAsync(call, State).ConfigureAwait(false)), Session.TimeProvider);
            }
        }

        return await TaskInvoker.InvokeAsync(Session.Llm, task, prompt, call, tools, TokensMayBeRead, cancellationToken).ConfigureAwait(false);
    }

    // Asks the task's reviewer: an approved output goes on, an edit replaces it (parsed like the model's answer), a rejection fails the task.
    private async Task<TaskOutput> ReviewAsync(InputGate input, CrewTaskDefinition<TInput> task, TaskOutput output, CancellationToken cancellationToken)
    {
        var format = task.OutputFormat;
        var request = input.NewRequest(new InputRequest
        {
            RequestId = "",
            Kind = InputRequestKind.TaskReview,
            TaskName = task.Name,
            AgentName = task.Agent.Name,
            Question = $"Review the output of task '{task.Name}' before crew '{_crew.Name}' goes on.",
            Allowed = task.Review,
            ProposedOutput = output.Text,
        });
        var response = await input.AskAsync(request, text => format.Parse(task.Name, text), cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            input.ThrowIfSuspending();
            throw new InvalidOperationException("An input request was neither answered nor held open.");
        }

        switch (response.Decision)
        {
            case InputDecision.Reject:
                throw new InputRejectedException(ExecutionId, Mode, task.Name, response.RequestId, response.Reason ?? "");
            case InputDecision.Edit:
                var edited = format.Parse(task.Name, response.EditedOutput ?? "");
                return new TaskOutput(task.Name, task.Agent.Name, format.Format(edited), edited);
            default:
                return output;
        }
    }

    // Starts every task whose dependencies are done, concurrently; on a failure or cancellation the
    // running siblings are canceled and awaited, so no task outlives the execution.
    private async Task RunGraphAsync(CancellationToken cancellationToken)
    {
        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new List<int>();
        for (var index = 0; index < _crew.Tasks.Count; index++)
        {
            if (_outputs[index] is null)
            {
                pending.Add(index);
            }
        }

        // A list, not a set: tasks that complete synchronously may share one cached Task instance.
        var running = new List<Task>();
        while (pending.Count > 0 || running.Count > 0)
        {
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                if (DependenciesDone(pending[i]))
                {
                    running.Add(RunTaskAsync(pending[i], siblings.Token));
                    pending.RemoveAt(i);
                }
            }

            if (running.Count == 0)
            {
                throw new InvalidOperationException($"Crew '{_crew.Name}' has tasks whose dependencies can never finish; its plan has a cycle.");
            }

            var finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            if (!finished.IsCompletedSuccessfully)
            {
                siblings.Cancel();
                try
                {
                    await Task.WhenAll(running).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The first task to stop decides the outcome; the siblings only stopped because of it.
                }

                await finished.ConfigureAwait(false);
            }
        }
    }

    private bool DependenciesDone(int index)
    {
        foreach (var dependency in _crew.Tasks[index].DependsOn)
        {
            if (_outputs[dependency] is null)
            {
                return false;
            }
        }

        return true;
    }
}
