using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.OpenAI;

/// <summary>
/// Turns the OpenAI SDK's <see cref="ClientResultException"/> into <see cref="LlmProviderException"/>
/// (status and <c>Retry-After</c>), so the call path can tell transient faults from others. The
/// SDK's exception is not kept as the inner exception: its message may quote request details, and
/// the key must never travel with an exception.
/// </summary>
internal sealed class OpenAIFaultMappingChatClient : DelegatingChatClient
{
    private readonly string? _apiKey;

    public OpenAIFaultMappingChatClient(IChatClient inner, string? apiKey)
        : base(inner) => _apiKey = apiKey;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientResultException ex)
        {
            throw Map(ex);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (ClientResultException ex)
        {
            throw Map(ex);
        }

        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (ClientResultException ex)
                {
                    throw Map(ex);
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    private LlmProviderException Map(ClientResultException ex)
    {
        int? status = ex.Status > 0 ? ex.Status : null;
        TimeSpan? retryAfter = null;
        var response = ex.GetRawResponse();
        if (response is not null && response.Headers.TryGetValue("Retry-After", out var header) && header is not null)
        {
            if (double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                retryAfter = TimeSpan.FromSeconds(seconds);
            }
            else if (DateTimeOffset.TryParse(header, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                // An HTTP date is the server's wall clock: compare it with the real one, not a session's (possibly fake) clock.
                var wait = when - DateTimeOffset.UtcNow;
                retryAfter = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        var message = ex.Message;
        if (_apiKey is { Length: >= 4 })
        {
            message = message.Replace(_apiKey, "***", StringComparison.Ordinal);
        }

        return new LlmProviderException(status is null ? $"No response from the OpenAI-compatible server: {message}" : message, status, retryAfter);
    }
}
