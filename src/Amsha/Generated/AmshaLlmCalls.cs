using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Generated;

/// <summary>
/// The runtime side of generated <c>[AmshaLlmCall]</c> methods; every member goes through the one
/// LLM call path (resilience, telemetry, usage, events).
/// </summary>
/// <remarks>
/// Such a call runs outside any crew execution: its events go to the session's observers
/// (<see cref="ExecutionSession.Subscribe"/>) with <see cref="ExecutionEvent.ExecutionId"/> set to a
/// fresh id per method invocation and <see cref="ExecutionEvent.Sequence"/> counting that invocation's events.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AmshaLlmCalls
{
    /// <summary>The messages of a call: the system prompt, then the conversation, then the user prompt (each when present).</summary>
    public static IList<ChatMessage> Messages(string? system, string? prompt, IEnumerable<ChatMessage>? conversation = null)
    {
        // Sized for what it holds: a one-prompt call allocates no four-slot array it fills one of.
        var count = (string.IsNullOrEmpty(system) ? 0 : 1) + (string.IsNullOrEmpty(prompt) ? 0 : 1) + (conversation is ICollection<ChatMessage> known ? known.Count : 0);
        var messages = new List<ChatMessage>(count);
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
    public static Task<string> GetTextAsync(ExecutionSession session, string useCase, LlmCallOptions callOptions, IList<ChatMessage> messages, CancellationToken cancellationToken = default) =>
        AnswerAsync(session, useCase, callOptions, messages, static result => result.Text, cancellationToken);

    /// <summary>Asks <paramref name="useCase"/> and returns the whole response (usage, model, finish reason).</summary>
    public static Task<ChatResponse> GetResponseAsync(ExecutionSession session, string useCase, LlmCallOptions callOptions, IList<ChatMessage> messages, CancellationToken cancellationToken = default) =>
        AnswerAsync(session, useCase, callOptions, messages, static result => result.Response, cancellationToken);

    /// <summary>
    /// Asks <paramref name="useCase"/> for JSON of <typeparamref name="T"/>'s schema (from its registered
    /// <see cref="Serialization.JsonCodec{T}"/>) and parses it; an answer that does not parse is asked for again up to
    /// <paramref name="outputRepairs"/> times, then fails with a non-recoverable <see cref="LlmCallException"/>.
    /// </summary>
    public static async Task<T> GetObjectAsync<T>(ExecutionSession session, string useCase, LlmCallOptions callOptions, int outputRepairs, IList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(messages);
        var format = outputRepairs == 0 ? JsonOutputFormat<T>.Shared : new JsonOutputFormat<T>(outputRepairs);
        var conversation = new List<ChatMessage>(messages);
        // Several calls (the answer and its repairs) and the schema failure of one invocation share one id.
        var context = StandaloneContext(session, singleCall: false);
        var attempts = 0;
        var usage = TokenUsage.Zero;
        try
        {
            var (value, _) = await OutputRepair.AskAsync(conversation, format, typeof(T).Name, async asked =>
            {
                var result = await LlmCallPath.CallAsync(session.Llm, useCase, asked, format, callOptions, null, context, cancellationToken).ConfigureAwait(false);
                attempts += result.Attempts;
                usage += result.Usage;
                return result.Text;
            }).ConfigureAwait(false);
            return (T)value!;
        }
        catch (OutputParseException ex)
        {
            throw new LlmCallException(
                $"LLM use case '{useCase}' answered with no valid {typeof(T).Name} after {outputRepairs + 1} answer(s): at {ex.JsonPath}: {ex.Problem} Raise OutputRepairs or make the prompt clearer about the expected JSON.",
                context.ExecutionId, ExecutionMode.Interactive, recoverable: false, useCase, "schema", null, attempts, usage, ex);
        }
    }

    /// <summary>
    /// Streams the answer of <paramref name="useCase"/> as text deltas. Faults before the first delta
    /// are retried; after it, the stream ends with the <see cref="LlmCallException"/>.
    /// </summary>
    public static async IAsyncEnumerable<string> StreamTextAsync(ExecutionSession session, string useCase, LlmCallOptions callOptions, IList<ChatMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await CallAsync(session, useCase, callOptions, messages, delta => channel.Writer.TryWrite(delta), stop.Token).ConfigureAwait(false);
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

    // An answer that is there at once (a cache, a local model) skips the awaiting method's machinery.
    private static Task<T> AnswerAsync<T>(ExecutionSession session, string useCase, LlmCallOptions callOptions, IList<ChatMessage> messages, Func<LlmCallResult, T> part, CancellationToken cancellationToken)
    {
        ValueTask<LlmCallResult> call;
        try
        {
            call = CallAsync(session, useCase, callOptions, messages, null, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex); // as an awaiting method would: invalid arguments fault the task
        }

        return call.IsCompletedSuccessfully ? Task.FromResult(part(call.Result)) : PartOfAsync(call, part);

        static async Task<T> PartOfAsync(ValueTask<LlmCallResult> call, Func<LlmCallResult, T> part) => part(await call.ConfigureAwait(false));
    }

    private static ValueTask<LlmCallResult> CallAsync(ExecutionSession session, string useCase, LlmCallOptions callOptions, IList<ChatMessage> messages, Action<string>? onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(callOptions);
        ArgumentNullException.ThrowIfNull(messages);
        return LlmCallPath.CallAsync(session.Llm, useCase, messages, null, callOptions, onDelta, StandaloneContext(session), cancellationToken);
    }

    // One invocation's events share a fresh id and count from 1; they go to the session's observers only.
    // Nobody would see an unobserved call's events: none are made, and an id only if a failure names it. A single
    // call shares the unobserved context; an invocation of several calls keeps its own, so they share its id.
    private static LlmCallContext StandaloneContext(ExecutionSession session, bool singleCall = true) =>
        session.WantsLlmCallEvents ? ObservedContext(session)
        : singleCall ? LlmCallContext.Unobserved(session.Options.CaptureMessageContent)
        : new LlmCallContext(null, null, session.Options.CaptureMessageContent);

    // Kept apart from StandaloneContext so that an unobserved call does not allocate the closure.
    private static LlmCallContext ObservedContext(ExecutionSession session)
    {
        var invocationId = CallIds.Next();
        long sequence = 0;
        return new LlmCallContext(
            invocationId,
            e => session.Observe(e with
            {
                ExecutionId = invocationId,
                Sequence = Interlocked.Increment(ref sequence),
                Timestamp = session.TimeProvider.GetUtcNow(),
            }),
            session.Options.CaptureMessageContent);
    }
}
