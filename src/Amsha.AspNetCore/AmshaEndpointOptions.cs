using System;

namespace Amsha.AspNetCore;

/// <summary>
/// Options of the execution endpoints mapped by <c>MapAmshaExecutions</c>: who may call them and how large a request may be.
/// </summary>
/// <remarks>
/// Nothing is anonymous: every endpoint requires <see cref="Policy"/>, or the app's default authorization policy (an
/// authenticated user) when it is null. Starting, canceling and resuming executions additionally require
/// <see cref="OperatorPolicy"/>.
/// </remarks>
public sealed class AmshaEndpointOptions
{
    /// <summary>The default for <see cref="MaxRequestBodySize"/>: 1 MiB.</summary>
    public const long DefaultMaxRequestBodySize = 1_048_576;

    /// <summary>
    /// The authorization policy every endpoint requires; null for the app's default policy (an authenticated user).
    /// </summary>
    public string? Policy { get; set; }

    /// <summary>
    /// The authorization policy that starting, canceling and resuming executions require in addition to
    /// <see cref="Policy"/>; null for the same as <see cref="Policy"/>.
    /// </summary>
    public string? OperatorPolicy { get; set; }

    /// <summary>
    /// The largest request body (a crew's input JSON) the start endpoint accepts, in bytes; a larger one is answered
    /// 413. Must be positive.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>How often an idle event stream sends a <c>: keep-alive</c> comment (a test seam).</summary>
    internal TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an event stream of an execution without live events reads its record again (a test seam).</summary>
    internal TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of keep-alives and status polls; the app's <see cref="System.TimeProvider"/> (else the system clock) when null (a test seam).</summary>
    internal TimeProvider? TimeProvider { get; set; }
}
