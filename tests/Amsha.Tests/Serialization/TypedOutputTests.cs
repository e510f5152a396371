using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Serialization;

public sealed record ReviewRequest(string Subject);

[Agent(Role = "Reviewer", Goal = "Review {Subject}", Backstory = "Strict but fair.")]
public partial class Reviewer;

[CrewTask<Verdict>(Agent = typeof(Reviewer), Description = "Review {Subject}.", ExpectedOutput = "A verdict", OutputRepairs = 2)]
public partial class Review;

[CrewTask<Verdict>(Agent = typeof(Reviewer), Description = "Review {Subject} once.", ExpectedOutput = "A verdict")]
public partial class ReviewWithoutRepairs;

[CrewTask(Agent = typeof(Reviewer), Description = "Summarize the review of {Subject}.", ExpectedOutput = "One line", Context = [typeof(Review)])]
public partial class Summarize;

[Crew<ReviewRequest>(Tasks = [typeof(Review)])]
public partial class ReviewCrew;

[Crew<ReviewRequest>(Tasks = [typeof(ReviewWithoutRepairs)])]
public partial class StrictReviewCrew;

[Crew<ReviewRequest>(Tasks = [typeof(Review), typeof(Summarize)])]
public partial class ReviewAndSummarizeCrew;

public sealed class TypedOutputTests
{
    private const string Good = """{"decision":"ship","confidence":9,"reasons":["fast"]}""";

    [Fact]
    public async Task A_typed_crew_returns_the_typed_output_of_its_last_task_offline()
    {
        var crew = new ReviewCrew(new ExecutionSession());

        CrewResult<Verdict> result = await crew.RunAsync(new ReviewRequest("the release"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrEmpty(result.Output.Decision));
        Assert.NotEmpty(result.Output.Reasons);
        Assert.Same(result.Output, result.GetTaskOutput<Verdict>("Review"));
        Assert.Contains("the release", result.Output.Decision, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_offline_answer_is_deterministic()
    {
        var first = await new ReviewCrew(new ExecutionSession()).RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken);
        var second = await new ReviewCrew(new ExecutionSession()).RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first.TaskOutputs[0].Text, second.TaskOutputs[0].Text);
    }

    [Fact]
    public async Task Structured_requests_carry_the_generated_schema()
    {
        ChatOptions? seen = null;
        var client = new RecordingClient(new OfflineChatClient(new OfflineChatClientOptions { Responder = _ => Good }), options => seen = options);
        var crew = new ReviewCrew(Session(client));

        await crew.RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken);

        var format = Assert.IsType<ChatResponseFormatJson>(seen!.ResponseFormat);
        Assert.Equal("object", format.Schema!.Value.GetProperty("type").GetString());
        Assert.True(format.Schema.Value.GetProperty("properties").TryGetProperty("confidence", out _));
    }

    [Fact]
    public async Task Answers_in_code_fences_and_prose_are_parsed()
    {
        var crew = new ReviewCrew(Session(Responder(_ => "Sure! Here is my verdict:\n```json\n" + Good + "\n```\nLet me know {if} you need more.")));

        var result = await crew.RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new Verdict("ship", 9, ["fast"]).Decision, result.Output.Decision);
        Assert.Equal(9, result.Output.Confidence);
    }

    [Fact]
    public async Task A_bad_answer_is_repaired_by_re_asking_with_the_parse_error()
    {
        var conversations = new List<IReadOnlyList<ChatMessage>>();
        var crew = new ReviewCrew(Session(Responder(conversation =>
        {
            conversations.Add(conversation.ToList());
            return conversations.Count == 1 ? """{"decision":"ship","confidence":"very","reasons":[]}""" : Good;
        })));

        var result = await crew.RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(9, result.Output.Confidence);
        Assert.Equal(2, conversations.Count);
        var repair = conversations[1];
        Assert.Equal(ChatRole.Assistant, repair[^2].Role);
        Assert.Contains("$.confidence", repair[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_repairs_run_out_OutputParseException_names_task_path_and_excerpt()
    {
        var calls = 0;
        var crew = new ReviewCrew(Session(Responder(_ =>
        {
            calls++;
            return "I think it is fine. {\"decision\":\"ship\",\"reasons\":[]} " + new string('z', 1000);
        })));

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => crew.RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken));

        var parse = Assert.IsType<OutputParseException>(error.InnerException);
        Assert.Equal(3, calls);
        Assert.Equal("Review", parse.TaskName);
        Assert.Equal("$.confidence", parse.JsonPath);
        Assert.StartsWith("I think it is fine.", parse.RawTextExcerpt, StringComparison.Ordinal);
        Assert.True(parse.RawTextExcerpt.Length <= 201);
        Assert.Contains("'Review'", parse.Message, StringComparison.Ordinal);
        Assert.Contains("$.confidence", parse.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_repairs_the_first_bad_answer_fails()
    {
        var calls = 0;
        var crew = new StrictReviewCrew(Session(Responder(_ =>
        {
            calls++;
            return "no json here";
        })));

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => crew.RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken));

        var parse = Assert.IsType<OutputParseException>(error.InnerException);
        Assert.Equal(1, calls);
        Assert.Equal("$", parse.JsonPath);
        Assert.Equal("ReviewWithoutRepairs", parse.TaskName);
    }

    [Fact]
    public async Task Typed_context_reaches_dependent_tasks_as_JSON()
    {
        var prompts = new List<string>();
        var crew = new ReviewAndSummarizeCrew(Session(Responder(conversation =>
        {
            prompts.Add(conversation[^1].Text);
            return prompts.Count == 1 ? "```\n" + Good + "\n```" : "Looks good.";
        })));

        var result = await crew.RunAsync(new ReviewRequest("x"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Looks good.", result.Output);
        Assert.Contains("Context from Review:\n" + Good, prompts[1], StringComparison.Ordinal);
        Assert.Equal(Good, result.GetTaskOutput("Review").Text);
        Assert.True(result.TryGetTaskOutput<Verdict>("Review", out var verdict));
        Assert.Equal("ship", verdict.Decision);
        Assert.False(result.TryGetTaskOutput<Verdict>("Summarize", out _));
        Assert.Throws<InvalidCastException>(() => result.GetTaskOutput<Verdict>("Summarize"));
    }

    private static OfflineChatClient Responder(Func<IReadOnlyList<ChatMessage>, string> responder) =>
        new(new OfflineChatClientOptions { Responder = responder });

    private static ExecutionSession Session(IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return new ExecutionSession(options);
    }

    private sealed class RecordingClient(IChatClient inner, Action<ChatOptions?> record) : DelegatingChatClient(inner)
    {
        public override System.Threading.Tasks.Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, System.Threading.CancellationToken cancellationToken = default)
        {
            record(options);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, System.Threading.CancellationToken cancellationToken = default)
        {
            record(options);
            return base.GetStreamingResponseAsync(messages, options, cancellationToken);
        }
    }
}
