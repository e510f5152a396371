using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Amsha;

/// <summary>The state every handle reads: id, mode, status, progress, events, completion.</summary>
internal abstract class ExecutionRun<TOutput>
{
    private readonly TaskCompletionSource<CrewResult<TOutput>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancellation;
    private int _status = (int)ExecutionStatus.Pending;
    private ExecutionProgress _progress;

    protected ExecutionRun(string executionId, ExecutionMode mode, int totalTasks, CancellationToken callerToken, Action<ExecutionEvent>? observe)
    {
        ExecutionId = executionId;
        Mode = mode;
        _progress = new ExecutionProgress(0, totalTasks, null);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        Events = new ExecutionEventLog(executionId, observe);
    }

    public string ExecutionId { get; }

    public ExecutionMode Mode { get; }

    public ExecutionStatus Status => (ExecutionStatus)Volatile.Read(ref _status);

    public ExecutionProgress Progress
    {
        get { lock (_completion) { return _progress; } }
        protected set { lock (_completion) { _progress = value; } }
    }

    public ExecutionEventLog Events { get; }

    public Task<CrewResult<TOutput>> Completion => _completion.Task;

    public virtual ExecutionState? State => null;

    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The session's metrics collector; the result carries what it computed.</summary>
    protected MetricsCollector? MetricsCollector { get; init; }

    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The execution has ended; nothing is left to cancel.
        }
    }

    /// <summary>Runs the execution to its end; never throws, the outcome goes to <see cref="Completion"/>.</summary>
    public async Task RunToEndAsync()
    {
        var clock = Stopwatch.StartNew();
        using var llmCalls = LlmCallScope.EnterExecution(ExecutionId, Mode, Events);
        try
        {
            SetStatus(ExecutionStatus.Running);
            var result = await ExecuteAsync(_cancellation.Token).ConfigureAwait(false);
            await OnEndingAsync(ExecutionStatus.Succeeded, null).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Succeeded);
            Events.Append(new ExecutionCompletedEvent(clock.Elapsed), terminal: true);
            result.Metrics = MetricsCollector?.Take(ExecutionId);
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            await TryEndAsync(ExecutionStatus.Canceled, null).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Canceled);
            Events.Append(new ExecutionCanceledEvent(), terminal: true);
            _completion.TrySetCanceled(_cancellation.Token);
        }
        catch (Exception ex)
        {
            var failure = ex as ExecutionException
                ?? new ExecutionException($"Execution '{ExecutionId}' failed: {ex.Message}", ExecutionId, Mode, IsTransient(ex), ex);
            await TryEndAsync(ExecutionStatus.Failed, failure).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Failed);
            Events.Append(new ExecutionFailedEvent(ErrorTypeOf(failure), failure.Message, failure.Recoverable), terminal: true);
            _completion.TrySetException(failure);
        }
        finally
        {
            MetricsCollector?.Take(ExecutionId);
            _cancellation.Dispose();
        }
    }

    /// <summary>Ends an execution that already succeeded earlier (a resumed finished execution) with its stored result.</summary>
    public void CompleteWithStoredResult(CrewResult<TOutput> result)
    {
        SetStatus(ExecutionStatus.Succeeded);
        Progress = new ExecutionProgress(Progress.TotalTasks, Progress.TotalTasks, null);
        _completion.TrySetResult(result);
        _cancellation.Dispose();
    }

    /// <summary>Records the outcome (e.g. the final checkpoint) before status, terminal event and result are published.</summary>
    protected virtual Task OnEndingAsync(ExecutionStatus status, ExecutionException? failure) => Task.CompletedTask;

    private async Task TryEndAsync(ExecutionStatus status, ExecutionException? failure)
    {
        try
        {
            await OnEndingAsync(status, failure).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The run already ended badly; failing to record that leaves the record at its last checkpoint, which resume handles.
        }
    }

    protected abstract Task<CrewResult<TOutput>> ExecuteAsync(CancellationToken cancellationToken);

    private void SetStatus(ExecutionStatus status) => Volatile.Write(ref _status, (int)status);

    // An LLM call failure already names its fault kind (status code, timeout, provider exception type).
    private static string ErrorTypeOf(ExecutionException failure) => failure is LlmCallException call
        ? call.ErrorType
        : (failure.InnerException ?? failure).GetType().FullName ?? "Exception";

    private static bool IsTransient(Exception ex) => ex is TimeoutException or System.Net.Http.HttpRequestException or System.IO.IOException;
}

/// <summary>
/// Runs a crew's plan: renders each task's prompt, calls its agent's use case, collects outputs.
/// Sequential crews run tasks in declared order; Graph crews start each task as soon as its
/// dependencies are done. Durable (background) runs checkpoint after every task.
/// </summary>
internal sealed class CrewRun<TInput, TOutput> : ExecutionRun<TOutput>, ICrewNamed
{
    private readonly CrewDefinition<TInput, TOutput> _crew;
    private readonly TInput _input;
    private readonly TaskInvoker _invoker;
    private readonly TaskOutput?[] _outputs;
    private readonly ExecutionCheckpoints? _checkpoints;
    private readonly ExecutionState? _state;
    private int _completedTasks;

    public CrewRun(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, string executionId, ExecutionMode mode, CancellationToken callerToken, ExecutionState? state = null, ExecutionCheckpoints? checkpoints = null)
        : base(executionId, mode, crew.Tasks.Count, callerToken, session.Observe)
    {
        _invoker = new TaskInvoker(session);
        MetricsCollector = session.Monitor.Metrics;
        var metrics = session.Monitor.Metrics;
        checkpoints?.MeasureWith(status => metrics.Snapshot(executionId, status));
        _crew = crew;
        _input = input;
        _state = state;
        _checkpoints = checkpoints;
        _outputs = checkpoints is null ? new TaskOutput?[crew.Tasks.Count] : checkpoints.RestoreOutputs(crew);
        foreach (var output in _outputs)
        {
            _completedTasks += output is null ? 0 : 1;
        }

        Progress = new ExecutionProgress(_completedTasks, crew.Tasks.Count, null);
    }

    public string CrewName => _crew.Name;

    public override ExecutionState? State => _state;

    /// <summary>The result rebuilt from the restored outputs, when every task had already finished.</summary>
    public CrewResult<TOutput>? StoredResult => _completedTasks == _crew.Tasks.Count ? BuildResult() : null;

    protected override async Task<CrewResult<TOutput>> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var workflowSpan = AmshaTelemetry.StartWorkflow(_crew.Name, ExecutionId);
        Events.Append(new ExecutionStartedEvent(_crew.Name, Mode, _crew.Tasks.Count));
        if (_checkpoints is not null)
        {
            Events.Append(await _checkpoints.BeginAsync(State).ConfigureAwait(false));
        }

        if (_crew.Process == CrewProcess.Graph)
        {
            await RunGraphAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
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

        return BuildResult();
    }

    protected override async Task OnEndingAsync(ExecutionStatus status, ExecutionException? failure)
    {
        if (_checkpoints is not null)
        {
            Events.Append(await _checkpoints.EndAsync(status, failure, State).ConfigureAwait(false));
        }
    }

    private async Task RunTaskAsync(int index, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var task = _crew.Tasks[index];
        Progress = Progress with { CurrentTask = task.Name };
        Events.Append(new TaskStartedEvent(task.Name, task.Agent.Name, index));
        var clock = Stopwatch.StartNew();

        var prompt = task.BuildPrompt(_input, new CrewTaskContext(_outputs));
        var output = await _invoker.InvokeAsync(task.Name, task.Agent, task.OutputFormat, prompt, Events, cancellationToken).ConfigureAwait(false);
        _outputs[index] = output;

        var completed = Interlocked.Increment(ref _completedTasks);
        Progress = new ExecutionProgress(completed, _crew.Tasks.Count, null);
        Events.Append(new TaskCompletedEvent(task.Name, output.Text));
        if (_checkpoints is not null && await _checkpoints.TaskFinishedAsync(index, output, clock.Elapsed, State, isLast: completed == _crew.Tasks.Count).ConfigureAwait(false) is { } checkpoint)
        {
            Events.Append(checkpoint);
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

    private CrewResult<TOutput> BuildResult()
    {
        var last = _outputs[_outputs.Length - 1]!;
        return new CrewResult<TOutput>(ExecutionId, _crew.Name, (TOutput)last.Value!, _outputs!);
    }
}
