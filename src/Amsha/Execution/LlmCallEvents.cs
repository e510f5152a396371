using System;

namespace Amsha;

// LLM call events flow through the execution's event log when the call belongs to a crew task
// (TaskName is set). An [AmshaLlmCall] method runs outside any execution: its events go to the
// session's observers only, with ExecutionId set to the call id and Sequence counting that call's events.

/// <summary>An LLM call started.</summary>
/// <param name="CallId">Identifies the call across its events (and its attempts).</param>
/// <param name="UseCase">The LLM use case.</param>
/// <param name="Provider">The provider name.</param>
/// <param name="Model">The requested model, if known.</param>
/// <param name="TaskName">The crew task the call serves; <see langword="null"/> for <c>[AmshaLlmCall]</c> methods.</param>
public sealed record LlmCallStartedEvent(string CallId, string UseCase, string Provider, string? Model, string? TaskName) : ExecutionEvent;

/// <summary>An attempt of an LLM call failed with a transient fault; the call tries again after <paramref name="Delay"/>.</summary>
/// <param name="CallId">The call.</param>
/// <param name="UseCase">The LLM use case.</param>
/// <param name="Attempt">The attempt that failed, starting at 1.</param>
/// <param name="Delay">The wait before the next attempt (the server's <c>Retry-After</c> when it sent one).</param>
/// <param name="Reason">Why the attempt failed, e.g. <c>HTTP 429</c> or <c>timeout</c>.</param>
/// <param name="Usage">Tokens the failed attempt spent (often zero).</param>
/// <param name="TaskName">The crew task the call serves, if any.</param>
public sealed record LlmCallRetryingEvent(string CallId, string UseCase, int Attempt, TimeSpan Delay, string Reason, TokenUsage Usage, string? TaskName) : ExecutionEvent;

/// <summary>An LLM call produced its answer.</summary>
/// <param name="CallId">The call.</param>
/// <param name="UseCase">The LLM use case.</param>
/// <param name="Model">The model that answered, if reported.</param>
/// <param name="Attempts">Attempts made, the successful one included.</param>
/// <param name="Usage">Tokens of all attempts together.</param>
/// <param name="Duration">Time from start to answer, retries included.</param>
/// <param name="TaskName">The crew task the call serves, if any.</param>
public sealed record LlmCallCompletedEvent(string CallId, string UseCase, string? Model, int Attempts, TokenUsage Usage, TimeSpan Duration, string? TaskName) : ExecutionEvent;

/// <summary>An LLM call gave up: a non-transient fault, retries exhausted, a timeout or an open circuit.</summary>
/// <param name="CallId">The call.</param>
/// <param name="UseCase">The LLM use case.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Usage">Tokens of all attempts together.</param>
/// <param name="ErrorType">A low-cardinality error kind: an HTTP status code, <c>timeout</c>, <c>circuit_open</c>, or an exception type.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Recoverable">Whether calling again later may succeed.</param>
/// <param name="TaskName">The crew task the call serves, if any.</param>
public sealed record LlmCallFailedEvent(string CallId, string UseCase, int Attempts, TokenUsage Usage, string ErrorType, string Message, bool Recoverable, string? TaskName) : ExecutionEvent;
