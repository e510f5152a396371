using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Llm;

/// <summary>A streamed answer put back together says what Microsoft.Extensions.AI's ToChatResponse says of the same updates.</summary>
public sealed class StreamedAnswerTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_plain_text_stream_is_joined_as_ToChatResponse_joins_it()
    {
        var updates = new List<ChatResponseUpdate>
        {
            new(ChatRole.Assistant, "The ") { ResponseId = "r1", MessageId = "m1", ModelId = "m", CreatedAt = Created },
            new(null, "answer ") { ResponseId = "r1", MessageId = "m1" },
            new(null, "is 42.") { ResponseId = "r1", MessageId = "m1" },
            new(null, [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 4, TotalTokenCount = 14, CachedInputTokenCount = 3 })]) { FinishReason = ChatFinishReason.Stop, ResponseId = "r1" },
        };

        var ours = Assemble(updates);
        var theirs = updates.ToChatResponse();

        Assert.Equal(theirs.Text, ours.Text);
        Assert.Equal("The answer is 42.", ours.Text);
        Assert.Equal((theirs.ResponseId, theirs.ModelId, theirs.FinishReason, theirs.CreatedAt), (ours.ResponseId, ours.ModelId, ours.FinishReason, ours.CreatedAt));
        Assert.Equal(
            (theirs.Usage!.InputTokenCount, theirs.Usage.OutputTokenCount, theirs.Usage.TotalTokenCount, theirs.Usage.CachedInputTokenCount),
            (ours.Usage!.InputTokenCount, ours.Usage.OutputTokenCount, ours.Usage.TotalTokenCount, ours.Usage.CachedInputTokenCount));
        var message = Assert.Single(ours.Messages);
        Assert.Equal((ChatRole.Assistant, "m1"), (message.Role, message.MessageId));
    }

    [Fact]
    public void Usage_reported_twice_is_summed_as_ToChatResponse_sums_it_without_changing_the_reports()
    {
        var first = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1, TotalTokenCount = 11 };
        var second = new UsageDetails { InputTokenCount = 0, OutputTokenCount = 3, TotalTokenCount = 3, CachedInputTokenCount = 2 };
        var updates = new List<ChatResponseUpdate>
        {
            new(ChatRole.Assistant, [new TextContent("Hi"), new UsageContent(first)]),
            new(null, [new TextContent(" there"), new UsageContent(second)]) { FinishReason = ChatFinishReason.Stop },
        };

        var ours = Assemble(updates);
        var theirs = updates.ToChatResponse();

        Assert.Equal(
            (theirs.Usage!.InputTokenCount, theirs.Usage.OutputTokenCount, theirs.Usage.TotalTokenCount, theirs.Usage.CachedInputTokenCount),
            (ours.Usage!.InputTokenCount, ours.Usage.OutputTokenCount, ours.Usage.TotalTokenCount, ours.Usage.CachedInputTokenCount));
        Assert.Equal((10L, 4L, 14L), (ours.Usage.InputTokenCount!.Value, ours.Usage.OutputTokenCount!.Value, ours.Usage.TotalTokenCount!.Value));

        // The provider's reports are its own: the sum is a copy, the first report still says what it said.
        Assert.NotSame(first, ours.Usage);
        Assert.Equal((10L, 1L, 11L), (first.InputTokenCount!.Value, first.OutputTokenCount!.Value, first.TotalTokenCount!.Value));
    }

    [Fact]
    public void A_stream_with_a_tool_call_is_merged_by_ToChatResponse()
    {
        var call = new FunctionCallContent("call-1", "GetWeather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        var updates = new List<ChatResponseUpdate>
        {
            new(ChatRole.Assistant, "Let me look. "),
            new(null, [call]) { FinishReason = ChatFinishReason.ToolCalls },
        };

        var ours = Assemble(updates);

        Assert.Same(call, ours.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single());
        Assert.Equal(updates.ToChatResponse().Text, ours.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, ours.FinishReason);
    }

    [Fact]
    public void A_stream_without_a_finish_reason_is_not_finished_and_one_without_text_has_an_empty_answer()
    {
        var cut = new StreamedAnswer();
        cut.Add(new ChatResponseUpdate(ChatRole.Assistant, "partial"), "partial");
        Assert.False(cut.Finished);

        var empty = Assemble([new ChatResponseUpdate(ChatRole.Assistant, []) { FinishReason = ChatFinishReason.Stop }]);
        Assert.Equal("", empty.Text);
        Assert.Empty(Assert.Single(empty.Messages).Contents);
    }

    private static ChatResponse Assemble(IEnumerable<ChatResponseUpdate> updates)
    {
        var answer = new StreamedAnswer();
        foreach (var update in updates)
        {
            answer.Add(update, update.Text);
        }

        Assert.True(answer.Finished);
        return answer.ToResponse();
    }
}
