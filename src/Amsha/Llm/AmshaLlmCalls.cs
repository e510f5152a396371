using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// The runtime side of generated <c>[AmshaLlmCall]</c> methods; every member goes through the one
/// LLM call path (resilience, telemetry, usage, events). Usable by hand as well.
/// </summary>
/// <remarks>
/// Such a call runs outside any crew execution: its events go to the session's observers
/// (<see cref="ExecutionSession.Subscribe"/>) with <see cref="ExecutionEvent.ExecutionId"/> set to a
/// fresh id per method invocation and <see cref="ExecutionEvent.Sequence"/> counting that invocation's events.
/// </remarks>
public static class AmshaLlmCalls
{
    /// <summary>The messages of a call: the system prompt, then the conversation, then the user prompt (each when present).</summary>
    public static IList<ChatMessage> Messages(string? system, string? prompt, IEnumerable<ChatMessage>? conversation = null)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(system))
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        if (conversation is not null)
        {
            messages.AddRange(conversation);
        }

        if (!string.IsNullOrEmpty(prompt))
        {
            messages.Add(new ChatMessage(ChatRole.User, prompt));
        }

        return messages;
    }

    /// <summary>Asks <paramref name="useCase"/> and returns the answer text.</summary>
    public static async Task<string> GetTextAsync(ExecutionSession session, string useCase, LlmCallSettings settings, IList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(session, useCase, settings, messages, null, null, cancellationToken).ConfigureAwait(false);
        return result.Text;
    }

    /// <summary>Asks <paramref name="useCase"/> and returns the whole response (usage, model, finish reason).</summary>
    public static async Task<ChatResponse> GetResponseAsync(ExecutionSession session, string useCase, LlmCallSettings settings, IList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(session, useCase, settings, messages, null, null, cancellationToken).ConfigureAwait(false);
        return result.Response;
    }

    /// <summary>
    /// Asks <paramref name="useCase"/> for JSON of <typeparamref name="T"/>'s schema (from its registered
    /// <see cref="JsonCodec{T}"/>) and parses it; an answer that does not parse is asked for again up to
    /// <paramref name="outputRepairs"/> times, then fails with a non-recoverable <see cref="LlmCallException"/>.
    /// </summary>
    public static async Task<T> GetObjectAsync<T>(ExecutionSession session, string useCase, LlmCallSettings settings, int outputRepairs, IList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var format = outputRepairs == 0 ? JsonOutputFormat<T>.Shared : new JsonOutputFormat<T>(outputRepairs);
        var conversation = new List<ChatMessage>(messages);
        using var scope = EnterScope(session);
        var attempts = 0;
        try
        {
            var (value, _) = await OutputRepair.AskAsync(conversation, format, typeof(T).Name, async asked =>
            {
                var result = await LlmCallPath.CallAsync(session.Llm, useCase, asked, format.ResponseFormat, settings, null, cancellationToken).ConfigureAwait(false);
                attempts += result.Attempts;
                return result.Text;
            }).ConfigureAwait(false);
            return (T)value!;
        }
        catch (OutputParseException ex)
        {
            throw new LlmCallException(
                $"LLM use case '{useCase}' answered with no valid {typeof(T).Name} after {outputRepairs + 1} answer(s): at {ex.JsonPath}: {ex.Problem} Raise OutputRepairs or make the prompt clearer about the expected JSON.",
                scope.ExecutionId, ExecutionMode.Interactive, recoverable: false, useCase, "schema", null, attempts, scope.Usage, ex);
        }
    }

    /// <summary>
    /// Streams the answer of <paramref name="useCase"/> as text deltas. Faults before the first delta
    /// are retried; after it, the stream ends with the <see cref="LlmCallException"/>.
    /// </summary>
    public static async IAsyncEnumerable<string> StreamTextAsync(ExecutionSession session, string useCase, LlmCallSettings settings, IList<ChatMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await CallAsync(session, useCase, settings, messages, null, delta => channel.Writer.TryWrite(delta), stop.Token).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var delta in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return delta;
            }
        }
        finally
        {
            // The consumer stopped early or the stream ended: stop the call and wait for it to wind down.
            stop.Cancel();
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Canceled on purpose.
            }
        }
    }

    private static async Task<LlmCallResult> CallAsync(ExecutionSession session, string useCase, LlmCallSettings settings, IList<ChatMessage> messages, ChatResponseFormat? format, Action<string>? onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(messages);
        using var scope = EnterScope(session);
        return await LlmCallPath.CallAsync(session.Llm, useCase, messages, format, settings, onDelta, cancellationToken).ConfigureAwait(false);
    }

    private static LlmCallScope EnterScope(ExecutionSession session)
    {
        var invocationId = Guid.NewGuid().ToString("N");
        long sequence = 0;
        return LlmCallScope.EnterStandalone(invocationId, e => session.Observe(e with
        {
            ExecutionId = invocationId,
            Sequence = Interlocked.Increment(ref sequence),
            Timestamp = DateTimeOffset.UtcNow,
        }));
    }
}
