using System;
using Amsha;
using Amsha.Samples.Quickstart;
using Microsoft.Extensions.DependencyInjection;

if (Array.IndexOf(args, "--background") >= 0)
{
    return await BackgroundDemo.RunAsync(args);
}

// --tools: an agent that calls tools (declared in ToolsDemo.cs), still offline.
if (Array.IndexOf(args, "--tools") >= 0)
{
    return await ToolsDemo.RunAsync();
}

// --review: the crew waits for a person at the console: a draft to review, a tool call to approve (ReviewDemo.cs).
if (Array.IndexOf(args, "--review") >= 0)
{
    return await ReviewDemo.RunAsync();
}

// --yaml: crews defined in YAML files, compiled at build time and read at run time (YamlDemo.cs).
if (Array.IndexOf(args, "--yaml") >= 0)
{
    return await YamlDemo.RunAsync();
}

// --telemetry exports Amsha's spans and metrics to the console through OpenTelemetry.
using var telemetry = QuickstartTelemetry.StartIfRequested(args);

// Nothing is configured, so every LLM use case answers from the built-in offline model.
var services = new ServiceCollection();
services.AddAmsha().AddAmshaCrews();
using var provider = services.BuildServiceProvider();

var crew = provider.GetRequiredService<ArticleCrew>();
var handle = crew.Start(new ArticleRequest("Rust"));

await foreach (var e in handle.StreamAsync())
{
    switch (e)
    {
        case ExecutionStartedEvent started:
            Console.WriteLine($"▶ {started.CrewName} started ({started.TotalTasks} tasks, execution {started.ExecutionId})");
            break;
        case TaskStartedEvent task:
            Console.Write($"\n● {task.TaskName} ({task.AgentName}): ");
            break;
        case TokenDeltaEvent token:
            Console.Write(token.Text);
            break;
        case TaskCompletedEvent task:
            Console.WriteLine($"\n✔ {task.TaskName} done");
            break;
        case ExecutionFailedEvent failed:
            Console.WriteLine($"\n✖ failed: {failed.Message}");
            break;
    }
}

var result = await handle.ResultAsync();
Console.WriteLine();
Console.WriteLine($"Status: {handle.Status}");
Console.WriteLine($"Result of {result.CrewName}:");
Console.WriteLine($"{result.Output.Title} ({result.Output.WordCount} words)");
Console.WriteLine(result.Output.Body);
Console.WriteLine($"Facts: {string.Join("; ", result.GetTaskOutput<ResearchNotes>("Research").Facts)}");

// The figures every execution reports (AmshaMetrics); run with --telemetry to export spans and metrics too.
Console.WriteLine(result.Metrics.ToSummary());
return handle.Status == ExecutionStatus.Succeeded ? 0 : 1;
