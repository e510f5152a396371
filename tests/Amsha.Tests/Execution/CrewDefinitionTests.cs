using System;
using Amsha.Tests.Support;

namespace Amsha.Tests.Execution;

public sealed class CrewDefinitionTests
{
    private static CrewTaskDefinition<string> Task(string name, params int[] dependsOn) =>
        new(name, new AgentDefinition("Agent", LlmUseCases.Default), dependsOn, static (_, _) => new TaskPrompt("s", "u"));

    [Fact]
    public void Crew_without_tasks_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new CrewDefinition<string, string>("Empty", CrewProcess.Sequential, Array.Empty<CrewTaskDefinition<string>>()));

        Assert.Equal("tasks", error.ParamName);
        Assert.Contains("'Empty' declares no tasks", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(1)]
    public void Dependency_on_a_task_outside_the_crew_or_on_itself_is_rejected(int dependency)
    {
        var error = Assert.Throws<ArgumentException>(() => new CrewDefinition<string, string>("Crew", CrewProcess.Sequential, new[] { Task("First"), Task("Second", dependency) }));

        Assert.Contains("'Second'", error.Message);
        Assert.Contains($"index {dependency}", error.Message);
    }

    [Fact]
    public void Blank_crew_name_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new CrewDefinition<string, string>(" ", CrewProcess.Sequential, new[] { Task("Only") }));
    }

    [Fact]
    public void Valid_definition_keeps_its_plan_and_defaults_to_text_output()
    {
        var crew = TestCrews.ResearchAndWrite("evaluation", "creative");

        Assert.Equal(new[] { "Research", "Write" }, new[] { crew.Tasks[0].Name, crew.Tasks[1].Name });
        Assert.Equal(new[] { 0 }, crew.Tasks[1].DependsOn);
        Assert.Same(TaskOutputFormat.Text, crew.Tasks[0].OutputFormat);
        Assert.Equal("creative", crew.Tasks[1].Agent.Llm);
    }

    [Fact]
    public async System.Threading.Tasks.Task Prompt_asking_for_an_unfinished_task_fails_the_execution()
    {
        var crew = new CrewDefinition<string, string>("Crew", CrewProcess.Sequential, new[]
        {
            new CrewTaskDefinition<string>("First", new AgentDefinition("Agent", LlmUseCases.Default), Array.Empty<int>(), static (_, context) =>
                new TaskPrompt("s", context.GetOutput(1).Text)),
            Task("Second"),
        });

        var error = await Assert.ThrowsAnyAsync<ExecutionException>(() => new ExecutionSession().RunAsync(crew, "x").WaitAsync(TestCrews.Timeout));

        var cause = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("#1", cause.Message);
    }
}
