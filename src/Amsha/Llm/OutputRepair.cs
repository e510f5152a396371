using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Amsha.Generated;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// Asks for a structured answer and, when it does not parse, asks again with the parse error, up to
/// the format's <see cref="TaskOutputFormat.OutputRepairs"/> times. <c>[AmshaLlmCall]</c> methods use the loop, crew
/// tasks (<see cref="TaskInvoker"/>) its repair request; every re-ask is an ordinary call of the LLM call path (retried, observed).
/// </summary>
internal static class OutputRepair
{
    /// <param name="conversation">The messages so far; failed answers and repair requests are appended to it.</param>
    /// <param name="format">Parses the answer.</param>
    /// <param name="name">The task or method, for the parse error.</param>
    /// <param name="ask">Sends the conversation and returns the answer text.</param>
    /// <exception cref="OutputParseException">The last allowed answer did not parse either.</exception>
    public static async ValueTask<(object? Value, string Text)> AskAsync(List<ChatMessage> conversation, TaskOutputFormat format, string name, Func<List<ChatMessage>, ValueTask<string>> ask)
    {
        for (var repair = 0; ; repair++)
        {
            var text = await ask(conversation).ConfigureAwait(false);
            try
            {
                return (format.Parse(name, text), text);
            }
            catch (OutputParseException ex) when (repair < format.OutputRepairs)
            {
                AskAgain(conversation, text, ex);
            }
        }
    }

    /// <summary>Adds the answer that did not parse and the request to correct it to <paramref name="conversation"/>.</summary>
    public static void AskAgain(List<ChatMessage> conversation, string answer, OutputParseException problem)
    {
        conversation.Add(new ChatMessage(ChatRole.Assistant, answer));
        conversation.Add(new ChatMessage(ChatRole.User, $"Your answer could not be used: at {problem.JsonPath}: {problem.Problem} Answer again with only the corrected JSON, following the schema exactly."));
    }
}
