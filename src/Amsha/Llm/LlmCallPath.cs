using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Timeout;

namespace Amsha;

/// <summary>What one LLM call produced.</summary>
/// <param name="Response">The whole response (the streamed updates combined).</param>
/// <param name="Text">The answer text.</param>
/// <param name="Usage">Tokens of all attempts together.</param>
/// <param name="Attempts">Attempts made.</param>
internal sealed record LlmCallResult(ChatResponse Response, string Text, TokenUsage Usage, int Attempts);

/// <summary>
/// The one path every LLM call of Amsha takes: generated crews and <c>[AmshaLlmCall]</c> methods alike.
/// Every call streams from the provider through the use case's cached resilience pipeline, inside
/// a <c>chat {model}</c> span, and reports events and usage to the ambient <see cref="LlmCallScope"/>.
/// </summary>
/// <remarks>
/// Streaming and retries: an attempt that fails before any text reached <c>onDelta</c> is retried;
/// once text was delivered the call fails instead (a retry would repeat delivered text), with
/// <see cref="ExecutionException.Recoverable"/> true when the fault itself was transient.
/// </remarks>
internal static class LlmCallPath
{
    /// <summary>Streams an answer from <paramref name="useCaseName"/>, reporting each text delta, and returns the whole text.</summary>
    public static async Task<string> StreamTextAsync(LlmFactory llm, string useCaseName, IList<ChatMessage> messages, ChatResponseFormat? responseFormat, Action<string> onDelta, CancellationToken cancellationToken)
    {
        var result = await CallAsync(llm, useCaseName, messages, responseFormat, llm.Options.Resilience.CrewCallSettings, onDelta, cancellationToken).ConfigureAwait(false);
        return result.Text;
    }

    /// <summary>Calls <paramref name="useCaseName"/> with <paramref name="settings"/>; <paramref name="onDelta"/> (optional) sees text as it streams.</summary>
    /// <exception cref="LlmCallException">The call failed (non-transient fault, retries or time exhausted, open circuit).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<LlmCallResult> CallAsync(LlmFactory llm, string useCaseName, IList<ChatMessage> messages, ChatResponseFormat? responseFormat, LlmCallSettings settings, Action<string>? onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate($"use case '{useCaseName}'");
        var overrides = LlmOverrides.Current?.For(useCaseName);
        var useCase = overrides?.ModelKey is { } modelKey ? llm.Resolve(useCaseName, modelKey) : llm.Resolve(useCaseName);
        var options = useCase.CreateChatOptions();
        Apply(overrides, options);
        options.ResponseFormat = responseFormat;

        var scope = LlmCallScope.Current;
        var callId = Guid.NewGuid().ToString("N");
        var executionId = scope?.ExecutionId is { Length: > 0 } id ? id : callId;
        var taskName = scope?.TaskName;
        var clock = Stopwatch.StartNew();

        using var activity = AmshaTelemetry.StartChat(useCase, options);
        var captureContent = activity is not null && AmshaTelemetry.CaptureContent(llm.Options);
        if (captureContent)
        {
            AmshaTelemetry.RecordInput(activity, messages);
        }

        scope?.Emit?.Invoke(new LlmCallStartedEvent(callId, useCase.Name, useCase.Provider, options.ModelId, taskName));

        var state = new LlmCallState();
        state.Retrying = (attempt, delay, exception) =>
        {
            var reason = LlmFault.Classify(exception).Reason;
            AmshaTelemetry.RecordRetry(activity, attempt, delay, reason);
            scope?.Emit?.Invoke(new LlmCallRetryingEvent(callId, useCase.Name, attempt, delay, reason, state.LastAttemptUsage, taskName));
        };

        var pipeline = llm.Pipelines.Get(useCase.Name, settings);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LlmPipelines.StateKey, state);
        var attempt = new Attempt(useCase.Client, messages, options, onDelta, state, scope);
        try
        {
            var response = await pipeline.ExecuteAsync(static (ctx, a) => a.RunAsync(ctx.CancellationToken), context, attempt).ConfigureAwait(false);
            var text = response.Text;
            AmshaTelemetry.RecordResponse(activity, response, state.Usage, state.Attempts);
            if (captureContent)
            {
                AmshaTelemetry.RecordOutput(activity, text);
            }

            AmshaTelemetry.RecordMetrics(useCase, options.ModelId, state.Usage, clock.Elapsed, null);
            scope?.Emit?.Invoke(new LlmCallCompletedEvent(callId, useCase.Name, response.ModelId ?? options.ModelId, state.Attempts, state.Usage, clock.Elapsed, taskName));
            return new LlmCallResult(response, text, state.Usage, state.Attempts);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AmshaTelemetry.RecordUsage(activity, state.Usage, state.Attempts);
            activity?.SetTag("error.type", "canceled");
            AmshaTelemetry.RecordMetrics(useCase, options.ModelId, state.Usage, clock.Elapsed, "canceled");
            throw;
        }
        catch (Exception ex)
        {
            var fault = LlmFault.Classify(ex);
            var recoverable = fault.Transient || fault.ErrorType == "circuit_open";
            var message = Scrub(Describe(useCase, options, fault, ex, state, settings), useCase.ApiKey);
            activity?.SetStatus(ActivityStatusCode.Error, fault.Reason);
            activity?.SetTag("error.type", fault.ErrorType);
            AmshaTelemetry.RecordUsage(activity, state.Usage, state.Attempts);
            AmshaTelemetry.RecordMetrics(useCase, options.ModelId, state.Usage, clock.Elapsed, fault.ErrorType);
            scope?.Emit?.Invoke(new LlmCallFailedEvent(callId, useCase.Name, state.Attempts, state.Usage, fault.ErrorType, message, recoverable, taskName));
            throw new LlmCallException(message, executionId, scope?.Mode ?? ExecutionMode.Interactive, recoverable, useCase.Name, fault.ErrorType, fault.StatusCode, state.Attempts, state.Usage, ex is LlmProviderException or TimeoutRejectedException ? ex : null);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static void Apply(LlmOverrides? overrides, ChatOptions options)
    {
        if (overrides is null)
        {
            return;
        }

        if (overrides.Model is { Length: > 0 } model)
        {
            options.ModelId = model;
        }

        overrides.Parameters?.ApplyTo(options);
    }

    private static string Describe(LlmUseCase useCase, ChatOptions options, LlmFault fault, Exception ex, LlmCallState state, LlmCallSettings settings)
    {
        var target = $"LLM use case '{useCase.Name}' ({useCase.Provider}/{options.ModelId ?? "default model"})";
        var attempts = state.Attempts.ToString(CultureInfo.InvariantCulture);
        return fault.ErrorType switch
        {
            "circuit_open" => $"{target} is failing: its circuit breaker is open after repeated transient faults. Calls are refused for a while; try again later.",
            "timeout" when ex is TimeoutRejectedException => $"{target} did not answer in time ({attempts} attempt(s); limits {settings.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s per attempt, {settings.TotalTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s in all). Raise TimeoutSeconds/TotalTimeoutSeconds or check the server.",
            _ when state.Delivered && fault.Transient => $"{target} failed mid-stream after text was delivered ({fault.Reason}: {ex.Message}); not retried, so the text is not repeated. Running it again may succeed.",
            _ when fault.Transient => $"{target} failed after {attempts} attempt(s) with a transient fault ({fault.Reason}): {ex.Message} Try again later, or raise MaxAttempts.",
            _ when fault.StatusCode is 401 or 403 => $"{target} refused the credentials ({fault.Reason}): {ex.Message} Check the ApiKey of the use case's model. Not retried.",
            _ => $"{target} failed with a non-transient fault ({fault.Reason}): {ex.Message} Not retried.",
        };
    }

    /// <summary>Removes the API key from text bound for messages, events and telemetry.</summary>
    internal static string Scrub(string text, string? secret) =>
        secret is { Length: >= 4 } ? text.Replace(secret, "***", StringComparison.Ordinal) : text;

    /// <summary>One attempt: streams the answer, passes deltas on, and counts the attempt's tokens even when it fails.</summary>
    private sealed class Attempt
    {
        private readonly IChatClient _client;
        private readonly IList<ChatMessage> _messages;
        private readonly ChatOptions _options;
        private readonly Action<string>? _onDelta;
        private readonly LlmCallState _state;
        private readonly LlmCallScope? _scope;

        public Attempt(IChatClient client, IList<ChatMessage> messages, ChatOptions options, Action<string>? onDelta, LlmCallState state, LlmCallScope? scope)
        {
            _client = client;
            _messages = messages;
            _options = options;
            _onDelta = onDelta;
            _state = state;
            _scope = scope;
        }

        public async ValueTask<ChatResponse> RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _state.Attempts);
            var usage = TokenUsage.Zero;
            var updates = new List<ChatResponseUpdate>();
            try
            {
                await foreach (var update in _client.GetStreamingResponseAsync(_messages, _options, cancellationToken).ConfigureAwait(false))
                {
                    updates.Add(update);
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent reported)
                        {
                            usage += TokenUsage.From(reported.Details);
                        }
                    }

                    var delta = update.Text;
                    if (delta.Length > 0 && _onDelta is not null)
                    {
                        _state.Delivered = true;
                        _onDelta(delta);
                    }
                }
            }
            finally
            {
                _state.LastAttemptUsage = usage;
                _state.Usage += usage;
                _scope?.AddUsage(usage);
            }

            return updates.ToChatResponse();
        }
    }
}
