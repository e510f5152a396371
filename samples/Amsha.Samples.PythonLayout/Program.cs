// A Python Amsha project's config/ folder run by Amsha for .NET (see docs/migration-from-python.md):
//  1. config/llm_config.yaml is configuration: AddAmshaLlmConfigYaml maps it onto Amsha:Llm.
//  2. config/agents, config/tasks and config/job_config.yaml are compiled into the crew class ArticleCrew
//     (<AmshaDefinitions> in the project file); a typo in a {placeholder} fails the build at its YAML line.
//  3. The same folder, copied next to the executable, is read again at run time by FileDefinitionSource.
// Offline by default: llm_config.yaml's models answer from the built-in OfflineChatClient (see its header).
using System;
using System.IO;
using Amsha;
using Amsha.OpenAI;
using Amsha.Samples.PythonLayout;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var configDirectory = Path.Combine(AppContext.BaseDirectory, "config");

// 1. llm_config.yaml → Amsha:Llm:UseCases:creative and :evaluation (default model, models, parameters).
var configuration = new ConfigurationBuilder()
    .AddAmshaLlmConfigYaml(Path.Combine(configDirectory, "llm_config.yaml"))
    .Build();

var services = new ServiceCollection();
services.AddAmsha(configuration.GetSection("Amsha"))  // the section llm_config.yaml's keys are under
    .AddOpenAIProvider()                              // for models with provider: OpenAI (none, by default)
    .AddAmshaCrews();                                 // generated: registers ArticleCrew
await using var provider = services.BuildServiceProvider();
var session = provider.GetRequiredService<ExecutionSession>();

foreach (var useCase in new[] { "evaluation", "creative" })
{
    var model = session.Llm.GetChatClient(useCase).GetService<ChatClientMetadata>();
    Console.WriteLine($"Use case {useCase}: {model?.ProviderName}/{model?.DefaultModelId}");
}

// 2. Compile time: job_config.yaml's article_crew is the class ArticleCrew, with a typed input.
var crew = provider.GetRequiredService<ArticleCrew>();
CrewResult<Article> compiled = await crew.RunAsync(new ArticleRequest("Rust", "backend engineers"));
Console.WriteLine();
Console.WriteLine("article_crew, compiled from config/*.yaml:");
Console.WriteLine($"  Research Topic: {FirstLine(compiled.GetTaskOutput("Research Topic").Text)}");
Console.WriteLine($"  Write Article:  {compiled.Output.Title} ({compiled.Output.WordCount} words)");
Console.WriteLine(compiled.Metrics.ToSummary());

// 3. Run time: the same folder as a definition source, overlaying the compiled crew (edit a text, no rebuild) (Python Amsha's "file mode"; SqliteDefinitionSource is its
//    "DB mode"), reloaded when a file changes, and the crew run by its name with a JSON input (its typed output as JSON).
session.AddDefinitionSource(new FileDefinitionSource(configDirectory));
CrewResult<string> byName = await session.RunAsync("article_crew", """{"topic": "Go", "audience": "data engineers"}""");
Console.WriteLine();
Console.WriteLine("article_crew, read from config/ at run time and run by name:");
Console.WriteLine($"  Research Topic: {FirstLine(byName.GetTaskOutput("Research Topic").Text)}");
Console.WriteLine($"  Write Article:  {FirstLine(byName.Output)}");
Console.WriteLine(byName.Metrics.ToSummary());
return 0;

static string FirstLine(string text)
{
    var trimmed = text.Trim();
    var end = trimmed.IndexOfAny(['\r', '\n']);
    var line = end < 0 ? trimmed : trimmed[..end];
    return line.Length > 110 ? line[..107] + "..." : line;
}
