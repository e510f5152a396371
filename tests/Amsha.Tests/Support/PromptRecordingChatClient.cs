using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Support;

/// <summary>The offline model, recording the system and user text of every prompt it is sent.</summary>
internal sealed class PromptRecordingChatClient() : DelegatingChatClient(new OfflineChatClient())
{
    public ConcurrentQueue<(string System, string User)> Prompts { get; } = new();

    public IReadOnlyList<(string System, string User)> All => Prompts.ToList();

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages);
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private void Record(IEnumerable<ChatMessage> messages)
    {
        var list = messages.ToList();
        // The first round of a task only: repairs and tool rounds resend the same prompt with more messages.
        if (list.Count(m => m.Role == ChatRole.User) == 1)
        {
            Prompts.Enqueue((list.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? "", list.First(m => m.Role == ChatRole.User).Text));
        }
    }
}
