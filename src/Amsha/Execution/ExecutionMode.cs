namespace Amsha;

/// <summary>How an execution behaves towards its caller.</summary>
public enum ExecutionMode
{
    /// <summary>Runs while the caller watches: streams events and tokens, cancelable.</summary>
    Interactive = 0,

    /// <summary>Runs detached from the caller: pollable through its handle or id, cancelable, never streamed.</summary>
    Background = 1,
}

/// <summary>Where an execution is in its life.</summary>
public enum ExecutionStatus
{
    /// <summary>Created, not yet started.</summary>
    Pending = 0,

    /// <summary>Running its tasks.</summary>
    Running = 1,

    /// <summary>
    /// Stopped until a person answers an input request (a task's review, a tool's approval): see
    /// <see cref="ExecutionHandle.PendingInput"/> and <c>SubmitInputAsync</c>. A background execution is stored
    /// while it waits and holds no thread, timer or memory.
    /// </summary>
    WaitingForInput = 5,

    /// <summary>An input request passed its deadline unanswered. Nothing runs on its own: resuming opens the request again.</summary>
    InputExpired = 6,

    /// <summary>Finished with a result.</summary>
    Succeeded = 2,

    /// <summary>Stopped by an error.</summary>
    Failed = 3,

    /// <summary>Stopped by cancellation.</summary>
    Canceled = 4,

    /// <summary>
    /// A background execution stopped because its session stopped (the host shut down, see
    /// <see cref="ExecutionSession.StopAsync"/>): neither failed nor canceled. Its record keeps every finished task;
    /// resuming it runs the rest.
    /// </summary>
    Interrupted = 7,
}
