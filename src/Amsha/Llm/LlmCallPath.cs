using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Timeout;

namespace Amsha;

/// <summary>What one LLM call produced.</summary>
/// <param name="Response">The whole response (the streamed updates combined).</param>
/// <param name="Text">The answer text.</param>
/// <param name="Usage">Tokens of all attempts together.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="ChatActivity">The call's <c>chat</c> span, ended (null when not traced).</param>
internal readonly record struct LlmCallResult(ChatResponse Response, string Text, TokenUsage Usage, int Attempts, System.Diagnostics.Activity? ChatActivity = null)
{
    /// <summary>
    /// The context of the call's <c>chat</c> span (default when not traced): the parent of the tool calls it asks for.
    /// Read from the span when needed rather than kept: the result passes through every awaiting layer of a call, and
    /// a reference is a fifth of the context's size.
    /// </summary>
    public System.Diagnostics.ActivityContext ChatSpan => ChatActivity?.Context ?? default;
}

/// <summary>
/// Where an LLM call belongs and where its events go: a task of an execution (its event log) or an
/// <c>[AmshaLlmCall]</c> invocation (the session's observers). Passed explicitly, never ambient.
/// </summary>
internal sealed class LlmCallContext
{
    private readonly Action<ExecutionEvent>? _emit;
    private readonly bool _shared;
    private string? _executionId;

    /// <summary>A call of a crew task: its events join the execution's event log.</summary>
    public LlmCallContext(string executionId, ExecutionMode mode, string crewName, string taskName, ExecutionEventLog events, LlmOverrideOptions? overrides, bool captureContent)
    {
        _executionId = executionId;
        Mode = mode;
        CrewName = crewName;
        TaskName = taskName;
        Events = events;
        Overrides = overrides;
        CaptureContent = captureContent;
    }

    /// <summary>A call outside any execution: <paramref name="emit"/> receives its events; the invocation's id is made when first asked for when null.</summary>
    public LlmCallContext(string? invocationId, Action<ExecutionEvent>? emit, bool captureContent)
    {
        _executionId = invocationId;
        Mode = ExecutionMode.Interactive;
        _emit = emit;
        CaptureContent = captureContent;
    }

    /// <summary>
    /// A context for calls whose events nobody would see, shared by all of them: it holds nothing of one call, and
    /// names each failure with an id of its own (see <see cref="ExecutionId"/>).
    /// </summary>
    public static LlmCallContext Unobserved(bool captureContent) => captureContent ? s_unobservedCapturing : s_unobserved;

    private static readonly LlmCallContext s_unobserved = new(captureContent: false);
    private static readonly LlmCallContext s_unobservedCapturing = new(captureContent: true);

    private LlmCallContext(bool captureContent)
    {
        Mode = ExecutionMode.Interactive;
        CaptureContent = captureContent;
        _shared = true;
    }

    /// <summary>The execution's id, or the invocation's (made when first asked for); a shared context makes one per ask.</summary>
    public string ExecutionId => _executionId ?? (_shared ? CallIds.Next() : _executionId = CallIds.Next());

    public ExecutionMode Mode { get; }

    public string? CrewName { get; }

    public string? TaskName { get; }

    public ExecutionEventLog? Events { get; }

    public LlmOverrideOptions? Overrides { get; }

    public bool CaptureContent { get; }

    /// <summary>The task's <c>invoke_agent</c> span, which sums the usage of the task's calls (null outside a task or untraced).</summary>
    public System.Diagnostics.Activity? AgentSpan { get; set; }

    /// <summary>Whether reported events go anywhere; callers skip building events that would not.</summary>
    public bool Reports => Events is not null || _emit is not null;

    public void Report(ExecutionEvent e)
    {
        if (Events is not null)
        {
            Events.Append(e);
        }
        else
        {
            _emit?.Invoke(e);
        }
    }
}

/// <summary>A response stream that ended without a finish reason: the connection or a proxy cut the answer short.</summary>
internal sealed class IncompleteResponseException : Exception
{
    public IncompleteResponseException(int characters)
        : base($"The response stream ended without a finish reason after {characters.ToString(CultureInfo.InvariantCulture)} character(s) of text: the answer is incomplete.")
    {
    }
}

/// <summary>
/// The one path every LLM call of Amsha takes: generated crews and <c>[AmshaLlmCall]</c> methods alike.
/// Every call goes through the use case's cached resilience pipeline (streaming from the provider when someone reads
/// its text as it comes, asking for the whole answer otherwise), inside
/// a <c>chat {model}</c> span, and reports its events to its <see cref="LlmCallContext"/>.
/// </summary>
/// <remarks>
/// <para>Usage is reported once per attempt: each <see cref="LlmCallRetryingEvent"/> carries the tokens of the attempt
/// that failed, the <see cref="LlmCallCompletedEvent"/> or <see cref="LlmCallFailedEvent"/> those of the last one.
/// Metrics sum the events; nothing is summed twice.</para>
/// <para>Streaming and retries: an attempt that fails before any text reached <c>onDelta</c> is retried;
/// once text was delivered the call fails instead (a retry would repeat delivered text), with
/// <see cref="ExecutionException.Recoverable"/> true when the fault itself was transient. A stream that ends
/// without a finish reason is such a transient fault: its partial text is never an answer.</para>
/// </remarks>
internal static class LlmCallPath
{
    /// <summary>
    /// Calls <paramref name="useCaseName"/> with <paramref name="callOptions"/>; <paramref name="onDelta"/> (optional) sees text as it streams.
    /// <paramref name="output"/> says how the answer is asked for (its response format, and whether its schema may be sent
    /// as strict); null for free text.
    /// </summary>
    /// <exception cref="LlmCallException">The call failed (non-transient fault, retries or time exhausted, open circuit).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static ValueTask<LlmCallResult> CallAsync(LlmFactory llm, string useCaseName, IList<ChatMessage> messages, TaskOutputFormat? output, LlmCallOptions callOptions, Action<string>? onDelta, LlmCallContext context, CancellationToken cancellationToken, IList<AITool>? tools = null)
    {
        Call call;
        try
        {
            call = Begin(llm, useCaseName, messages, output, callOptions, onDelta, context, tools);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<LlmCallResult>(ex); // as an awaiting method would: invalid arguments fault the call
        }

        ValueTask<LlmCallResult> result;
        try
        {
            result = call.RunAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            result = ValueTask.FromException<LlmCallResult>(ex);
        }

        if (call.Span is { } span)
        {
            // The call's span was the ambient one while the request started (the client's own spans nest in it); the
            // caller's flow gets its own back, as an awaiting method would leave it.
            System.Diagnostics.Activity.Current = span.Parent;
        }

        return result;
    }

    // Everything up to the request: the use case, its options, the call's telemetry, and its start reported.
    private static Call Begin(LlmFactory llm, string useCaseName, IList<ChatMessage> messages, TaskOutputFormat? output, LlmCallOptions callOptions, Action<string>? onDelta, LlmCallContext context, IList<AITool>? tools)
    {
        ArgumentNullException.ThrowIfNull(callOptions);
        callOptions.Validate(useCaseName);
        var overrides = context.Overrides?.For(useCaseName);
        var useCase = overrides?.ModelKey is { } modelKey ? llm.Resolve(useCaseName, modelKey) : llm.Resolve(useCaseName);

        // Null when the request carries nothing: the client's own model, no parameter, no format, no tools.
        var options = useCase.CreateChatOptions();
        Apply(overrides, ref options);
        if (output?.ResponseFormat is { } format)
        {
            (options ??= new ChatOptions()).ResponseFormat = format;
        }

        if (tools is not null)
        {
            (options ??= new ChatOptions()).Tools = tools;
        }
        else if (output is { StrictSchema: true } && useCase.StrictOutputs)
        {
            // Microsoft.Extensions.AI.OpenAI sends "strict": true with the schema. It applies the same key to every function
            // tool of the request, so a call that offers tools (whose schemas need not be strict) is sent without it.
            ((options ??= new ChatOptions()).AdditionalProperties ??= new AdditionalPropertiesDictionary())[StrictOutputSchema.StrictKey] = true;
        }

        var time = llm.TimeProvider;
        var started = time.GetTimestamp();

        // Null when nothing listens: an unobserved call does no telemetry work.
        var telemetry = ChatTelemetry.Start(useCase, options, time, streams: onDelta is not null);
        var captureContent = telemetry?.Span is not null && context.CaptureContent;
        if (captureContent)
        {
            telemetry!.RecordInput(messages);
        }

        // The call is also its state: the attempts' totals, which the cached retry pipeline reaches.
        var call = new Call(useCase, messages, options, onDelta, telemetry, captureContent, context, llm.Pipelines, callOptions, time, started);
        if (context.Reports)
        {
            context.Report(new LlmCallStartedEvent(call.CallId, useCase.Name, useCase.Provider, call.RequestModel, context.TaskName));
        }

        return call;
    }

    private static void Apply(LlmOverrideOptions? overrides, ref ChatOptions? options)
    {
        if (overrides is null)
        {
            return;
        }

        if (overrides.Model is { Length: > 0 } model)
        {
            (options ??= new ChatOptions()).ModelId = model;
        }

        if (overrides.Parameters is { IsEmpty: false } parameters)
        {
            parameters.ApplyTo(options ??= new ChatOptions());
        }
    }

    private static string Describe(LlmUseCase useCase, string? requestModel, LlmFault fault, Exception ex, LlmCallState state, LlmCallOptions callOptions)
    {
        var target = $"LLM use case '{useCase.Name}' ({useCase.Provider}/{requestModel ?? "default model"})";
        var attempts = state.Attempts.ToString(CultureInfo.InvariantCulture);
        return fault.ErrorType switch
        {
            "circuit_open" => $"{target} is failing: its circuit breaker is open after repeated transient faults. Calls are refused for a while; try again later.",
            "timeout" when ex is TimeoutRejectedException => $"{target} did not answer in time ({attempts} attempt(s); limits {callOptions.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s per attempt, {callOptions.TotalTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s in all). Raise TimeoutSeconds/TotalTimeoutSeconds or check the server.",
            _ when state.Delivered && fault.Transient => $"{target} failed mid-stream after text was delivered ({fault.Reason}: {ex.Message}); not retried, so the text is not repeated. Running it again may succeed.",
            _ when fault.Transient => $"{target} failed after {attempts} attempt(s) with a transient fault ({fault.Reason}): {ex.Message} Try again later, or raise MaxAttempts.",
            _ when fault.StatusCode is 401 or 403 => $"{target} refused the credentials ({fault.Reason}): {ex.Message} Check the ApiKey of the use case's model. Not retried.",
            _ => $"{target} failed with a non-transient fault ({fault.Reason}): {ex.Message} Not retried.",
        };
    }

    /// <summary>Removes the API key from text bound for messages, events and telemetry.</summary>
    internal static string Scrub(string text, string? secret) =>
        secret is { Length: >= 4 } ? text.Replace(secret, "***", StringComparison.Ordinal) : text;

    /// <summary>
    /// One call through the use case's resilience: each attempt asks for the answer (or streams it, passing deltas on) and
    /// counts its tokens even when it fails; each retry is reported.
    /// </summary>
    private sealed class Call : LlmCallState
    {
        private readonly LlmUseCase _useCase;
        private readonly IList<ChatMessage> _messages;
        private readonly ChatOptions? _options;
        private readonly Action<string>? _onDelta;
        private readonly ChatTelemetry? _telemetry;
        private readonly bool _captureContent;
        private readonly LlmCallContext _context;
        private readonly LlmCallOptions _callOptions;
        private string? _callId;
        private readonly LlmPipelines _pipelines;
        private readonly int _maxAttempts;
        private readonly LlmCircuitBreaker _breaker;
        private readonly TimeSpan _attemptTimeout;
        private readonly TimeSpan _totalTimeout;
        private readonly TimeProvider _time;
        private Exception? _firstFault;

        // When the call started: the first attempt's timeout counts from there (it starts within the same microsecond),
        // so that it takes no clock read of its own; each retry reads the clock.
        private readonly long _callStarted;
        private bool _attempted;

        public Call(LlmUseCase useCase, IList<ChatMessage> messages, ChatOptions? options, Action<string>? onDelta, ChatTelemetry? telemetry, bool captureContent, LlmCallContext context, LlmPipelines pipelines, LlmCallOptions callOptions, TimeProvider time, long started)
        {
            _useCase = useCase;
            _messages = messages;
            _options = options;
            _onDelta = onDelta;
            _callStarted = started;
            _telemetry = telemetry;
            _captureContent = captureContent;
            _context = context;
            _callOptions = callOptions;
            _pipelines = pipelines;
            _maxAttempts = callOptions.MaxAttempts;
            _breaker = useCase.BreakerIn(pipelines);
            _attemptTimeout = LlmPipelines.Clamp(callOptions.AttemptTimeout);
            _totalTimeout = LlmPipelines.Clamp(callOptions.TotalTimeout);
            _time = time;
        }

        /// <summary>The id of the call's events, made when the first of them is.</summary>
        public string CallId => _callId ??= CallIds.Next();

        /// <summary>The call's <c>chat</c> span; null when not traced.</summary>
        public System.Diagnostics.Activity? Span => _telemetry?.Span;

        /// <summary>The model the request asks for: the one it names, else the client's own.</summary>
        public string? RequestModel => _options?.ModelId ?? _useCase.Model;

        /// <summary>Reports the answer (telemetry and the completed event, which see its duration) and ends the call's span.</summary>
        public LlmCallResult Completed(ChatResponse response)
        {
            var activity = _telemetry?.Span;
            try
            {
                var text = response.Text;
                if (_telemetry is not null || _context.Reports)
                {
                    // Read the clock only for someone who sees the duration.
                    var duration = _time.GetElapsedTime(_callStarted);
                    _telemetry?.Completed(response, Usage, Attempts, duration, _captureContent, _context.AgentSpan);
                    if (_context.Reports)
                    {
                        _context.Report(new LlmCallCompletedEvent(CallId, _useCase.Name, response.ModelId ?? RequestModel, Attempts, TakeUnreportedUsage(), duration, _context.TaskName));
                    }
                }

                return new LlmCallResult(response, text, Usage, Attempts, activity);
            }
            finally
            {
                activity?.Dispose();
            }
        }

        /// <summary>
        /// Reports the fault and ends the call's span; returns the <see cref="LlmCallException"/> to throw, or null when the
        /// caller canceled (its exception goes on as it is).
        /// </summary>
        private LlmCallException? Failed(Exception ex, CancellationToken cancellationToken)
        {
            try
            {
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    _telemetry?.Failed("canceled", Usage, Attempts, _time.GetElapsedTime(_callStarted), _context.AgentSpan);
                    return null;
                }

                var fault = LlmFault.Classify(ex);
                var recoverable = fault.Transient || fault.ErrorType == "circuit_open";
                var message = Scrub(Describe(_useCase, RequestModel, fault, ex, this, _callOptions), _useCase.ApiKey);
                _telemetry?.Failed(fault.ErrorType, Usage, Attempts, _time.GetElapsedTime(_callStarted), _context.AgentSpan);
                _context.Report(new LlmCallFailedEvent(CallId, _useCase.Name, Attempts, TakeUnreportedUsage(), fault.ErrorType, message, recoverable, _context.TaskName));
                return new LlmCallException(message, _context.ExecutionId, _context.Mode, recoverable, _useCase.Name, fault.ErrorType, fault.StatusCode, Attempts, Usage, ex is LlmProviderException or TimeoutRejectedException or IncompleteResponseException ? ex : null);
            }
            finally
            {
                _telemetry?.Span?.Dispose();
            }
        }

        /// <summary>
        /// The call's attempts, each through the breaker and within the attempt timeout, all within the total timeout,
        /// then its end (<see cref="Completed"/>, or the fault reported). The first attempt runs within its attempt
        /// timeout alone: the total never undercuts it (<see cref="LlmCallOptions"/> refuses a total below it, and both
        /// count from the call's start), so no timer of the total runs beside it. A fault of it enters the retry pipeline
        /// as the pipeline's first outcome, which decides, reports and waits before the next attempt as for any other,
        /// within what is left of the total time. An answer that is there at once completes the call before this returns.
        /// </summary>
        public ValueTask<LlmCallResult> RunAsync(CancellationToken cancellationToken)
        {
            if (!TryStartAttempt(cancellationToken, out var first, out var probe, out var timeout))
            {
                // A refusal of the circuit is not retried (no retry could pass it: LlmFault.Classify calls it not transient).
                return EndAsync(first, timeout, firstAttempt: false, probe, cancellationToken);
            }

            return first.IsCompletedSuccessfully && !timeout.IsArmed
                ? new ValueTask<LlmCallResult>(Completed(first.Result))
                : EndAsync(first, timeout, firstAttempt: true, probe, cancellationToken);
        }

        // The one frame a call waiting for its answer holds: the first attempt (within its timeout, counted with the
        // breaker), the retries after a fault of it, and the call's end. Not firstAttempt: running is an outcome already
        // decided (a refusal).
        private async ValueTask<LlmCallResult> EndAsync(ValueTask<ChatResponse> running, DeferredTimeout.Pending timeout, bool firstAttempt, bool probe, CancellationToken cancellationToken)
        {
            ChatResponse response;
            try
            {
                var retry = false;
                try
                {
                    try
                    {
                        response = await running.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException canceled) when (timeout.TimedOut)
                    {
                        throw DeferredTimeout.Expired(timeout.Timeout, canceled);
                    }
                    finally
                    {
                        await timeout.DisposeAsync().ConfigureAwait(false);
                    }

                    if (firstAttempt)
                    {
                        Answered(response);
                        _breaker.Succeeded(probe);
                    }
                }
                catch (Exception ex) when (firstAttempt)
                {
                    CountFault(ex, probe, cancellationToken);
                    if (_maxAttempts <= 1)
                    {
                        throw;
                    }

                    _firstFault = ex;
                    retry = true;
                    response = null!;
                }

                if (retry)
                {
                    response = await RetriesAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                if (Failed(ex, cancellationToken) is { } failure)
                {
                    throw failure;
                }

                throw; // the caller canceled: its own exception, as it was thrown
            }

            return Completed(response);
        }

        // After the first attempt's fault (in _firstFault): the retry pipeline, within what is left of the total time.
        private ValueTask<ChatResponse> RetriesAsync(CancellationToken cancellationToken)
        {
            // The total timeout counts from the call's start: a first attempt that used it up leaves no retry.
            if (_time.GetElapsedTime(_callStarted) >= _totalTimeout && !cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromException<ChatResponse>(DeferredTimeout.Expired(_totalTimeout, _firstFault!));
            }

            return DeferredTimeout.RunAsync(static (token, c) => c.RetryAsync(token), this, _totalTimeout, _time, _callStarted, cancellationToken);
        }

        private async ValueTask<ChatResponse> RetryAsync(CancellationToken cancellationToken)
        {
            // The retry pipeline is looked up only now: a call whose first attempt answers never needs it.
            var retry = _pipelines.Retry(_maxAttempts)!;
            var resilience = ResilienceContextPool.Shared.Get(cancellationToken);
            resilience.Properties.Set<LlmCallState>(LlmPipelines.StateKey, this);
            try
            {
                return await retry.ExecuteAsync(static (ctx, call) => call.ReplayFirstOrAttemptAsync(ctx.CancellationToken), resilience, this).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(resilience);
            }
        }

        private ValueTask<ChatResponse> ReplayFirstOrAttemptAsync(CancellationToken cancellationToken)
        {
            if (_firstFault is { } fault)
            {
                _firstFault = null;
                return ValueTask.FromException<ChatResponse>(fault);
            }

            if (!TryStartAttempt(cancellationToken, out var running, out var probe, out var timeout) || (running.IsCompletedSuccessfully && !timeout.IsArmed))
            {
                return running;
            }

            return ObserveAsync(DeferredTimeout.Awaiting(running, timeout), probe, cancellationToken);
        }

        /// <summary>
        /// Starts an attempt through the breaker and within the attempt timeout: false (and <paramref name="running"/>
        /// the refusal) when the circuit refuses it. An attempt answered at once is counted by the breaker here; one
        /// still running comes with its armed <paramref name="timeout"/>, for its caller to end, and its outcome for the
        /// caller to count (<see cref="CountFault"/>).
        /// </summary>
        private bool TryStartAttempt(CancellationToken cancellationToken, out ValueTask<ChatResponse> running, out bool probe, out DeferredTimeout.Pending timeout)
        {
            timeout = default;
            if (!_breaker.TryEnter(out probe, out var refused))
            {
                running = ValueTask.FromException<ChatResponse>(refused!);
                return false;
            }

            var started = _attempted ? _time.GetTimestamp() : _callStarted;
            _attempted = true;
            try
            {
                running = DeferredTimeout.Start(static (token, c) => c.AttemptAsync(token), this, _attemptTimeout, _time, started, cancellationToken, out timeout);
            }
            catch (Exception ex)
            {
                running = ValueTask.FromException<ChatResponse>(ex);
            }

            if (running.IsCompletedSuccessfully && !timeout.IsArmed)
            {
                try
                {
                    Answered(running.Result);
                }
                catch (Exception ex)
                {
                    running = ValueTask.FromException<ChatResponse>(ex); // an answer that is not one: a fault of the attempt
                    return true;
                }

                // Completed before returning: the breaker counts it at its start, which for an answer that was there at
                // once is its end too, and saves a clock read.
                _breaker.Succeeded(probe, started);
            }

            return true;
        }

        // Counts a retry's outcome with the breaker, once it is there.
        private async ValueTask<ChatResponse> ObserveAsync(ValueTask<ChatResponse> running, bool probe, CancellationToken cancellationToken)
        {
            try
            {
                var response = await running.ConfigureAwait(false);
                Answered(response);
                _breaker.Succeeded(probe);
                return response;
            }
            catch (Exception ex)
            {
                CountFault(ex, probe, cancellationToken);
                throw;
            }
        }

        // An attempt its caller canceled counts neither way; only a provider's fault counts against the circuit.
        private void CountFault(Exception ex, bool probe, CancellationToken cancellationToken)
        {
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                _breaker.Abandoned(probe);
            }
            else if (LlmPipelines.IsProviderFault(ex, cancellationToken))
            {
                _breaker.Failed(probe);
            }
            else
            {
                _breaker.Succeeded(probe);
            }
        }

        public override void OnRetry(int attempt, TimeSpan delay, Exception? exception)
        {
            var fault = LlmFault.Classify(exception);
            _telemetry?.Retrying(attempt, delay, fault.ErrorType);
            AmshaTelemetry.RecordRetryCount(_context.CrewName, _context.TaskName ?? "");
            _context.Report(new LlmCallRetryingEvent(CallId, _useCase.Name, attempt, delay, fault.Reason, TakeUnreportedUsage(), _context.TaskName));
        }

        // One attempt: the request, and the answer as a whole or streamed.
        private ValueTask<ChatResponse> AttemptAsync(CancellationToken cancellationToken) =>
            _onDelta is null ? AskAsync(cancellationToken) : StreamAsync(cancellationToken);

        // Nobody reads the answer as it comes: one request for the whole answer. A response body cut short does not
        // parse, so (unlike a stream, see StreamAsync) a response without a finish reason is still a whole answer. No
        // frame of its own: whoever awaits the attempt counts the answer's usage (Answered), so a call waiting for its
        // model holds one frame less.
        private ValueTask<ChatResponse> AskAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Attempts);
            _telemetry?.AttemptStarting();
            return new ValueTask<ChatResponse>(_useCase.Client.GetResponseAsync(_messages, _options, cancellationToken));
        }

        // Counts a whole answer's usage once its attempt has it (a streamed answer counts its own as it comes).
        private void Answered(ChatResponse response)
        {
            if (_onDelta is null)
            {
                _telemetry?.UsageReported(response.Usage);
                AddAttemptUsage(TokenUsage.From(response.Usage));
            }
        }

        private async ValueTask<ChatResponse> StreamAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Attempts);
            var usage = TokenUsage.Zero;
            var answer = new StreamedAnswer();
            var characters = 0;
            _telemetry?.AttemptStarting();
            try
            {
                await foreach (var update in _useCase.Client.GetStreamingResponseAsync(_messages, _options, cancellationToken).ConfigureAwait(false))
                {
                    _telemetry?.ChunkReceived();
                    var contents = update.Contents;
                    for (var i = 0; i < contents.Count; i++) // indexed: a foreach would box the list's enumerator per token
                    {
                        if (contents[i] is UsageContent reported)
                        {
                            usage += TokenUsage.From(reported.Details);
                            _telemetry?.UsageReported(reported.Details);
                        }
                    }

                    var delta = update.Text;
                    answer.Add(update, delta);
                    characters += delta.Length;
                    if (delta.Length > 0 && _onDelta is not null)
                    {
                        Delivered = true;
                        _onDelta(delta);
                    }
                }
            }
            finally
            {
                AddAttemptUsage(usage);
            }

            // A provider ends every complete answer with a finish reason; a stream closed without one was cut short.
            return answer.Finished ? answer.ToResponse() : throw new IncompleteResponseException(characters);
        }
    }
}
