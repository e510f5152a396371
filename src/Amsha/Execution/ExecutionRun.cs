using System;
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
        try
        {
            SetStatus(ExecutionStatus.Running);
            var result = await ExecuteAsync(_cancellation.Token).ConfigureAwait(false);
            SetStatus(ExecutionStatus.Succeeded);
            Events.Append(new ExecutionCompletedEvent(clock.Elapsed), terminal: true);
            result.Metrics = MetricsCollector?.Take(ExecutionId);
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            SetStatus(ExecutionStatus.Canceled);
            Events.Append(new ExecutionCanceledEvent(), terminal: true);
            _completion.TrySetCanceled(_cancellation.Token);
        }
        catch (Exception ex)
        {
            var failure = ex as ExecutionException
                ?? new ExecutionException($"Execution '{ExecutionId}' failed: {ex.Message}", ExecutionId, Mode, IsTransient(ex), ex);
            SetStatus(ExecutionStatus.Failed);
            Events.Append(new ExecutionFailedEvent((failure.InnerException ?? failure).GetType().FullName ?? "Exception", failure.Message, failure.Recoverable), terminal: true);
            _completion.TrySetException(failure);
        }
        finally
        {
            MetricsCollector?.Take(ExecutionId);
            _cancellation.Dispose();
        }
    }

    protected abstract Task<CrewResult<TOutput>> ExecuteAsync(CancellationToken cancellationToken);

    private void SetStatus(ExecutionStatus status) => Volatile.Write(ref _status, (int)status);

    private static bool IsTransient(Exception ex) => ex is TimeoutException or System.Net.Http.HttpRequestException or System.IO.IOException;
}

/// <summary>Runs a crew's plan: renders each task's prompt, calls its agent's use case, collects outputs.</summary>
internal sealed class CrewRun<TInput, TOutput> : ExecutionRun<TOutput>
{
    private readonly CrewDefinition<TInput, TOutput> _crew;
    private readonly TInput _input;
    private readonly TaskInvoker _invoker;

    public CrewRun(ExecutionSession session, CrewDefinition<TInput, TOutput> crew, TInput input, string executionId, ExecutionMode mode, CancellationToken callerToken)
        : base(executionId, mode, crew.Tasks.Count, callerToken, session.Observe)
    {
        _invoker = new TaskInvoker(session);
        MetricsCollector = session.Monitor.Metrics;
        _crew = crew;
        _input = input;
    }

    protected override async Task<CrewResult<TOutput>> ExecuteAsync(CancellationToken cancellationToken)
    {
        Events.Append(new ExecutionStartedEvent(_crew.Name, Mode, _crew.Tasks.Count));
        var outputs = new TaskOutput?[_crew.Tasks.Count];
        var context = new CrewTaskContext(outputs);

        // The generator emits tasks in a valid order (dependencies first), so running them in
        // declared order honours every Context dependency.
        for (var index = 0; index < _crew.Tasks.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var task = _crew.Tasks[index];
            Progress = Progress with { CurrentTask = task.Name };
            Events.Append(new TaskStartedEvent(task.Name, task.Agent.Name, index));

            var prompt = task.BuildPrompt(_input, context);
            var output = await _invoker.InvokeAsync(task.Name, task.Agent, task.OutputFormat, prompt, Events, cancellationToken).ConfigureAwait(false);
            outputs[index] = output;

            Progress = new ExecutionProgress(index + 1, _crew.Tasks.Count, null);
            Events.Append(new TaskCompletedEvent(task.Name, output.Text));
        }

        var last = outputs[outputs.Length - 1]!;
        return new CrewResult<TOutput>(ExecutionId, _crew.Name, (TOutput)last.Value!, outputs!);
    }
}
