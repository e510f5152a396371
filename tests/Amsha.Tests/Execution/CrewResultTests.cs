using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

public sealed class CrewResultTests
{
    private static CrewResult<string> Result() => new(
        "exec-1",
        "ArticleCrew",
        "the article",
        new[] { new TaskOutput("Research", "Researcher", "notes", "notes"), new TaskOutput("WriteArticle", "Writer", "the article", "the article") },
        new AmshaMetrics { ExecutionId = "exec-1", CrewName = "ArticleCrew", Tokens = new TokenUsage(3, 4, 7) });

    [Fact]
    public void GetTaskOutput_finds_a_task_by_name()
    {
        var output = Result().GetTaskOutput("Research");

        Assert.Equal(("Researcher", "notes"), (output.AgentName, output.Text));
    }

    [Fact]
    public void GetTaskOutput_of_an_unknown_task_names_the_crew_and_the_task()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Result().GetTaskOutput("research"));

        Assert.Contains("'ArticleCrew'", error.Message);
        Assert.Contains("'research'", error.Message);
    }

    [Fact]
    public void As_returns_the_typed_value()
    {
        Assert.Equal("notes", Result().TaskOutputs[0].As<string>());
        Assert.Equal(42, new TaskOutput("Count", "Counter", "42", 42).As<int>());
    }

    [Fact]
    public void As_of_another_type_explains_what_the_output_is()
    {
        var error = Assert.Throws<InvalidCastException>(() => Result().TaskOutputs[0].As<int>());

        Assert.Equal("The output of task 'Research' is a String, not a Int32.", error.Message);
        var nullError = Assert.Throws<InvalidCastException>(() => new TaskOutput("Empty", "Agent", "", null).As<string>());
        Assert.Contains("is a null", nullError.Message);
    }

    [Fact]
    public async Task Run_result_lists_every_task_output_and_passes_context_forward()
    {
        var prompts = new List<string>();
        var client = new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = conversation =>
            {
                prompts.Add(conversation[^1].Text);
                return $"answer {prompts.Count}";
            },
        });

        var result = await TestCrews.Session(client).RunAsync(TestCrews.ResearchAndWrite(), "Rust").WaitAsync(TestCrews.Timeout);

        Assert.Equal("answer 1", result.GetTaskOutput("Research").Text);
        Assert.Equal("answer 2", result.Output);
        Assert.Equal("Task: Write about Rust.\n\nContext from Research:\nanswer 1", prompts[1]);
    }
}
