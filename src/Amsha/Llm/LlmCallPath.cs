using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>The one path every LLM call of Amsha takes: generated crews and <c>[AmshaLlmCall]</c> methods alike.</summary>
internal static class LlmCallPath
{
    /// <summary>Streams an answer from <paramref name="useCaseName"/>, reporting each text delta, and returns the whole text.</summary>
    public static async Task<string> StreamTextAsync(LlmFactory llm, string useCaseName, IList<ChatMessage> messages, ChatResponseFormat? responseFormat, Action<string> onDelta, CancellationToken cancellationToken)
    {
        var useCase = llm.Resolve(useCaseName);
        var options = useCase.CreateChatOptions();
        options.ResponseFormat = responseFormat;

        var text = new StringBuilder();
        await foreach (var update in useCase.Client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            var delta = update.Text;
            if (delta.Length > 0)
            {
                text.Append(delta);
                onDelta(delta);
            }
        }

        return text.ToString();
    }
}
