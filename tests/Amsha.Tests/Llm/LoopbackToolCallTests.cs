using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Llm;

/// <summary>The loopback server's tool calls, seen through the OpenAI provider's <see cref="IChatClient"/> (no crew).</summary>
public sealed class LoopbackToolCallTests
{
    private static readonly LoopbackReply TwoCalls = LoopbackReply.CallTools(
        new LoopbackToolCall("call_1", "search", """{"query":"gravity \"waves\" ü","limit":3}"""),
        new LoopbackToolCall("call_2", "lookup", """{"id":"x\n1","count":42}"""));

    [Fact]
    public async Task Non_streaming_reply_with_two_tool_calls_yields_two_function_calls()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(TwoCalls);
        using var client = Client(server);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Find it.")], cancellationToken: TestContext.Current.CancellationToken);

        AssertTwoCalls(response);
        Assert.Equal(7, response.Usage?.InputTokenCount);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
        Assert.False(Assert.Single(server.Requests).Streaming);
    }

    [Fact]
    public async Task Streaming_reply_with_two_tool_calls_yields_two_function_calls()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(TwoCalls);
        using var client = Client(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Find it.")], cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();

        AssertTwoCalls(response);
        Assert.Equal(7, response.Usage?.InputTokenCount);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
        Assert.True(Assert.Single(server.Requests).Streaming);
    }

    [Fact]
    public async Task Plain_request_offers_no_tools_and_carries_no_tool_results()
    {
        await using var server = LoopbackChatServer.Start();
        using var client = Client(server);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi.")], cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.False(request.OffersTools);
        Assert.Empty(request.OfferedToolNames);
        Assert.Empty(request.ToolResults);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Follow_up_request_shows_the_offered_tools_and_the_tool_results(bool streaming)
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success("Gravity waves exist."));
        using var client = Client(server);
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string q) => q, "search")] };
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Find it."),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "search", new Dictionary<string, object?> { ["q"] = "gravity" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "result text")]),
        ];

        ChatResponse response;
        if (streaming)
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in client.GetStreamingResponseAsync(messages, options, TestContext.Current.CancellationToken))
            {
                updates.Add(update);
            }

            response = updates.ToChatResponse();
        }
        else
        {
            response = await client.GetResponseAsync(messages, options, TestContext.Current.CancellationToken);
        }

        Assert.Equal("Gravity waves exist.", response.Text);
        var request = Assert.Single(server.Requests);
        Assert.Equal(streaming, request.Streaming);
        Assert.True(request.OffersTools);
        Assert.Equal(["search"], request.OfferedToolNames);
        Assert.Equal(["result text"], request.ToolResults);
    }

    private static IChatClient Client(LoopbackChatServer server) =>
        Amsha.OpenAI.OpenAIProvider.CreateChatClient(new LlmModelOptions { Provider = "OpenAI", Model = "loopback-model", BaseUrl = server.BaseUrl });

    private static void AssertTwoCalls(ChatResponse response)
    {
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("", response.Text);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(2, calls.Count);

        Assert.Equal("call_1", calls[0].CallId);
        Assert.Equal("search", calls[0].Name);
        Assert.Null(calls[0].Exception);
        Assert.Equal(2, calls[0].Arguments!.Count);
        Assert.Equal("gravity \"waves\" ü", Text(calls[0].Arguments!["query"]));
        Assert.Equal(3, Integer(calls[0].Arguments!["limit"]));

        Assert.Equal("call_2", calls[1].CallId);
        Assert.Equal("lookup", calls[1].Name);
        Assert.Null(calls[1].Exception);
        Assert.Equal(2, calls[1].Arguments!.Count);
        Assert.Equal("x\n1", Text(calls[1].Arguments!["id"]));
        Assert.Equal(42, Integer(calls[1].Arguments!["count"]));
    }

    // The OpenAI client parses arguments into JsonElements; accept plain values too.
    private static string? Text(object? value) => value is JsonElement element ? element.GetString() : (string?)value;

    private static long Integer(object? value) => value is JsonElement element ? element.GetInt64() : System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
}
