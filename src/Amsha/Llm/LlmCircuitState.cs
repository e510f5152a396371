namespace Amsha;

/// <summary>The state of a use case's circuit breaker (see <see cref="LlmFactory.GetCircuitState"/>).</summary>
public enum LlmCircuitState
{
    /// <summary>Calls go to the provider.</summary>
    Closed = 0,

    /// <summary>Too many provider faults: calls fail fast with <c>circuit_open</c> until the break ends.</summary>
    Open = 1,

    /// <summary>The break ended: the next call is a trial that closes or reopens the circuit.</summary>
    HalfOpen = 2,

    /// <summary>Held open by hand.</summary>
    Isolated = 3,
}
