using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Llm;

public sealed class OfflineChatClientTests
{
    private static List<ChatMessage> Conversation(string user) => new()
    {
        new(ChatRole.System, "You are a careful researcher."),
        new(ChatRole.User, user),
    };

    private static async Task<(string Text, List<ChatResponseUpdate> Updates)> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options))
        {
            updates.Add(update);
        }

        return (string.Concat(updates.Select(u => u.Text)), updates);
    }

    [Fact]
    public async Task Same_conversation_gets_the_same_answer_across_clients_and_calls()
    {
        var first = await new OfflineChatClient().GetResponseAsync(Conversation("Task: Research Rust."));
        var second = await new OfflineChatClient().GetResponseAsync(Conversation("Task: Research Rust."));
        var (streamed, _) = await StreamAsync(new OfflineChatClient(), Conversation("Task: Research Rust."));

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, streamed);
        Assert.Equal(first.ResponseId, second.ResponseId);
        Assert.StartsWith("Offline answer: Research Rust.", first.Text);
    }

    [Fact]
    public async Task Different_prompts_get_different_answers()
    {
        var client = new OfflineChatClient();

        var answers = new HashSet<string>();
        foreach (var topic in new[] { "Rust", "Go", "C#", "Zig" })
        {
            answers.Add((await client.GetResponseAsync(Conversation($"Task: Research {topic}."))).Text);
        }

        Assert.Equal(4, answers.Count);

        // The system message counts too: same task, other agent, other answer.
        var other = await client.GetResponseAsync(new[] { new ChatMessage(ChatRole.System, "You are a poet."), new ChatMessage(ChatRole.User, "Task: Research Rust.") });
        Assert.DoesNotContain(other.Text, answers);
    }

    [Fact]
    public async Task Streamed_tokens_are_words_that_concatenate_to_the_answer()
    {
        var client = new OfflineChatClient();
        var whole = await client.GetResponseAsync(Conversation("Task: Explain streams."));

        var (text, updates) = await StreamAsync(client, Conversation("Task: Explain streams."));

        Assert.Equal(whole.Text, text);
        var tokens = updates.Select(u => u.Text).Where(t => t.Length > 0).ToList();
        Assert.Equal(OfflineChatClient.CountTokens(whole.Text), tokens.Count);
        Assert.All(tokens, t => Assert.Equal(1, OfflineChatClient.CountTokens(t)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task Usage_counts_words_of_the_conversation_and_the_answer()
    {
        var client = new OfflineChatClient();
        var conversation = Conversation("Task: Count   these\twords, please.");
        var expectedInput = conversation.Sum(m => OfflineChatClient.CountTokens(m.Text));

        var response = await client.GetResponseAsync(conversation);
        var (text, updates) = await StreamAsync(client, conversation);
        var streamedUsage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;

        Assert.Equal(10, expectedInput);
        Assert.Equal(expectedInput, response.Usage!.InputTokenCount);
        Assert.Equal(OfflineChatClient.CountTokens(response.Text), response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Equal(expectedInput, streamedUsage.InputTokenCount);
        Assert.Equal(OfflineChatClient.CountTokens(text), streamedUsage.OutputTokenCount);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("   \n\t", 0)]
    [InlineData("word", 1)]
    [InlineData("  two\twords\n", 2)]
    [InlineData("punctuation, counts; with words.", 4)]
    public void CountTokens_counts_whitespace_separated_words(string? text, int expected)
    {
        Assert.Equal(expected, OfflineChatClient.CountTokens(text));
    }

    [Fact]
    public async Task Responder_scripts_the_answer_in_both_modes()
    {
        var seen = new List<IReadOnlyList<ChatMessage>>();
        var client = new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = conversation =>
            {
                seen.Add(conversation);
                return "scripted  answer with\nspacing";
            },
        });

        var response = await client.GetResponseAsync(Conversation("Task: anything"));
        var (streamed, updates) = await StreamAsync(client, Conversation("Task: anything"));

        Assert.Equal("scripted  answer with\nspacing", response.Text);
        Assert.Equal(response.Text, streamed);
        Assert.Equal(4, updates.Count(u => u.Text.Length > 0));
        Assert.Equal(2, seen.Count);
        Assert.Equal("Task: anything", seen[0][1].Text);
        Assert.Equal(4, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task CallCount_counts_streaming_and_non_streaming_calls()
    {
        var client = new OfflineChatClient();
        Assert.Equal(0, client.CallCount);

        await client.GetResponseAsync(Conversation("Task: one"));
        await StreamAsync(client, Conversation("Task: two"));
        await client.GetResponseAsync(Conversation("Task: one"));

        Assert.Equal(3, client.CallCount);
    }

    [Fact]
    public async Task Model_id_comes_from_options_or_the_call()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { ModelId = "tiny" });

        Assert.Equal("tiny", (await client.GetResponseAsync(Conversation("Task: x"))).ModelId);
        Assert.Equal("override", (await client.GetResponseAsync(Conversation("Task: x"), new ChatOptions { ModelId = "override" })).ModelId);
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal(("Offline", "tiny"), (metadata!.ProviderName, metadata.DefaultModelId));
        Assert.Same(client, client.GetService<OfflineChatClient>());
        Assert.Null(client.GetService(typeof(ChatClientMetadata), serviceKey: "keyed"));
        Assert.Equal(OfflineChatClientOptions.DefaultModelId, new OfflineChatClient().GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task Empty_prompt_still_gets_an_answer()
    {
        var response = await new OfflineChatClient().GetResponseAsync(Array.Empty<ChatMessage>());

        Assert.StartsWith("Offline answer: (empty prompt)", response.Text);
    }

    [Fact]
    public async Task Latency_is_cancelable()
    {
        var client = new OfflineChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromMinutes(5) });
        using var cancellation = new CancellationTokenSource();

        var call = client.GetResponseAsync(Conversation("Task: wait"), cancellationToken: cancellation.Token);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
