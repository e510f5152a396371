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

    /// <summary>Finished with a result.</summary>
    Succeeded = 2,

    /// <summary>Stopped by an error.</summary>
    Failed = 3,

    /// <summary>Stopped by cancellation.</summary>
    Canceled = 4,
}
