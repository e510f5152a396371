using System.Collections.Generic;
using System.Text;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// Puts a streamed answer back together. A plain text answer (text and usage in one message, the common case) is
/// joined as its tokens arrive; an answer with anything else (tool calls, reasoning, annotated text, provider
/// properties) is left to Microsoft.Extensions.AI's <see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/>,
/// which merges every kind of content.
/// </summary>
internal sealed class StreamedAnswer
{
    private readonly List<ChatResponseUpdate> _updates = new();
    private string? _firstText;
    private StringBuilder? _text;
    private UsageDetails? _usage;

    // Whether _usage is the provider's own (the one report of most answers, taken as it is): a second report sums into a copy.
    private bool _usageIsReported;
    private string? _messageId;
    private bool _plain = true;

    /// <summary>Whether an update carried a finish reason: a stream closed without one was cut short.</summary>
    public bool Finished { get; private set; }

    /// <summary>Adds the next update; <paramref name="delta"/> is its text.</summary>
    public void Add(ChatResponseUpdate update, string delta)
    {
        _updates.Add(update);
        Finished |= update.FinishReason is not null;
        if (!_plain)
        {
            return;
        }

        _plain = update.AdditionalProperties is null && SameMessage(update.MessageId);
        // Indexed: a foreach over the IList would box its enumerator, once per streamed token.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            if (content is UsageContent reported)
            {
                AddUsage(reported.Details);
            }
            else if (content is not TextContent { Annotations: null or { Count: 0 }, AdditionalProperties: null })
            {
                _plain = false;
            }
        }

        if (delta.Length == 0)
        {
            return;
        }

        if (_firstText is null)
        {
            _firstText = delta;
        }
        else
        {
            (_text ??= new StringBuilder(_firstText)).Append(delta);
        }
    }

    /// <summary>The whole answer.</summary>
    public ChatResponse ToResponse()
    {
        if (!_plain)
        {
            return _updates.ToChatResponse();
        }

        ChatRole? role = null;
        string? authorName = null, responseId = null, conversationId = null, modelId = null;
        System.DateTimeOffset? createdAt = null;
        ChatFinishReason? finishReason = null;
        foreach (var update in _updates)
        {
            role ??= update.Role;
            authorName ??= update.AuthorName;
            createdAt ??= update.CreatedAt;
            responseId = update.ResponseId ?? responseId;
            conversationId = update.ConversationId ?? conversationId;
            modelId = update.ModelId ?? modelId;
            finishReason = update.FinishReason ?? finishReason;
        }

        var text = _text?.ToString() ?? _firstText;
        var message = new ChatMessage(role ?? ChatRole.Assistant, text is null ? new List<AIContent>() : new List<AIContent> { new TextContent(text) })
        {
            AuthorName = authorName,
            MessageId = _messageId,
            CreatedAt = createdAt,
        };
        return new ChatResponse(message)
        {
            ResponseId = responseId,
            ConversationId = conversationId,
            ModelId = modelId,
            CreatedAt = createdAt,
            FinishReason = finishReason,
            Usage = _usage,
        };
    }

    private void AddUsage(UsageDetails reported)
    {
        if (_usage is null)
        {
            _usage = reported;
            _usageIsReported = true;
            return;
        }

        if (_usageIsReported)
        {
            var sum = new UsageDetails();
            sum.Add(_usage);
            _usage = sum;
            _usageIsReported = false;
        }

        _usage.Add(reported);
    }

    // One message per answer: updates of a second message are merged the general way.
    private bool SameMessage(string? messageId)
    {
        if (messageId is null || messageId == _messageId)
        {
            return true;
        }

        if (_messageId is null)
        {
            _messageId = messageId;
            return true;
        }

        return false;
    }
}
