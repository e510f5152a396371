using System;
using System.IO;
using System.Threading.Tasks;
using Amsha;

namespace Amsha.Samples.Quickstart;

/// <summary>The verdict of <c>review_task</c> (crews/tasks.yaml names it as its output).</summary>
public sealed record ReviewVerdict(bool Approved, string[] Notes);

/// <summary>
/// <c>--yaml</c>: crews defined in YAML instead of attributes. <c>crews/*.yaml</c> is compiled into the typed
/// <see cref="ReviewCrew"/> at build time; <c>definitions/briefing.yaml</c> is read at run time and run by name.
/// </summary>
internal static class YamlDemo
{
    public static async Task<int> RunAsync()
    {
        await using var session = new ExecutionSession();

        // Compile-time YAML: the generator made ReviewCrew from crews/*.yaml, typed like an attribute crew.
        var review = await new ReviewCrew(session).RunAsync(new ArticleRequest("Rust"));
        Console.WriteLine($"review_crew (compiled from YAML): approved = {review.Output.Approved}, {review.Output.Notes.Length} notes");

        // Run-time YAML: a crew that exists only in a file, run by name with a JSON input.
        session.AddDefinitionSource(new FileDefinitionSource(Path.Combine(AppContext.BaseDirectory, "definitions")));
        var briefing = await session.RunAsync("briefing", """{"topic": "Rust", "reader": "a CTO"}""");
        Console.WriteLine($"briefing (defined at run time): {briefing.Output}");
        Console.WriteLine(briefing.Metrics.ToSummary());
        return 0;
    }
}
