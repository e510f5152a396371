using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Amsha;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Samples.Quickstart;

/// <summary>What the newsletter is about.</summary>
public sealed record NewsletterRequest(string Topic);

/// <summary>A tool with a side effect a person approves first.</summary>
[Toolbox]
public partial class MailTools
{
    [Tool(Description = "Sends the newsletter to the subscribers of a list.", RequiresApproval = true)]
    public string SendNewsletter(string list, string subject)
    {
        Console.WriteLine($"📨 newsletter '{subject}' sent to list '{list}'");
        return $"sent to {list}";
    }
}

[Agent(Role = "Editor", Goal = "Write and send a newsletter about {Topic}", Backstory = "Never sends anything unchecked.")]
public partial class Editor;

// A person reads the draft before it goes on, and may replace it.
[CrewTask(Agent = typeof(Editor), Description = "Draft a short newsletter about {Topic}.", ExpectedOutput = "The newsletter text", Review = ReviewKind.Approve | ReviewKind.Edit)]
public partial class DraftNewsletter;

[CrewTask(Agent = typeof(Editor), Description = "Send the approved newsletter about {Topic}.", ExpectedOutput = "Who it was sent to", Context = [typeof(DraftNewsletter)], Tools = [typeof(MailTools)])]
public partial class SendNewsletterTask;

[Crew<NewsletterRequest>(Tasks = [typeof(DraftNewsletter), typeof(SendNewsletterTask)])]
public partial class NewsletterCrew;

/// <summary>
/// <c>--review</c>: the crew stops twice for a console answer: the draft's review, then the approval of the tool call
/// that sends it. Type <c>a</c> to approve, <c>r reason</c> to reject, <c>e new text</c> to edit (the draft only).
/// </summary>
internal static class ReviewDemo
{
    public static async Task<int> RunAsync()
    {
        var services = new ServiceCollection();
        services.AddAmsha().AddAmshaCrews();
        using var provider = services.BuildServiceProvider();

        var handle = provider.GetRequiredService<NewsletterCrew>().Start(new NewsletterRequest("home composting"));
        await foreach (var e in handle.StreamAsync())
        {
            switch (e)
            {
                case InputRequestedEvent { Request: var request }:
                    Console.WriteLine($"\n✋ {request.Question}");
                    Console.WriteLine(request.Kind == InputRequestKind.TaskReview
                        ? $"   Proposed output: {request.ProposedOutput}"
                        : $"   Tool {request.ToolName} with {request.ToolArguments}");
                    Console.Write(request.Kind == InputRequestKind.TaskReview ? "   [a]pprove, [r]eject <reason>, [e]dit <text>: " : "   [a]pprove or [r]eject <reason>: ");
                    await AnswerFromConsoleAsync(handle, request);
                    break;
                case InputAnsweredEvent answered:
                    Console.WriteLine($"✔ {answered.Decision} ({answered.TaskName})");
                    break;
                case ToolCallFailedEvent { ErrorType: "refused" } refused:
                    Console.WriteLine($"🚫 {refused.ToolName} was not run: {refused.Message}");
                    break;
                case TaskCompletedEvent task:
                    Console.WriteLine($"● {task.TaskName}: {task.Output}");
                    break;
            }
        }

        try
        {
            var result = await handle.ResultAsync();
            Console.WriteLine($"Status: {handle.Status}");
            Console.WriteLine($"Waited for a person {result.Metrics.InputWaitTime.TotalSeconds:0.0} s over {result.Metrics.InputRequestCount} request(s); ran {result.Metrics.Duration.TotalSeconds:0.000} s.");
            return 0;
        }
        catch (InputRejectedException rejected)
        {
            Console.WriteLine($"Status: {handle.Status} ({rejected.Message})");
            return 0;
        }
    }

    // Reads one answer; asks again when the answer is not accepted (the request stays open).
    private static async Task AnswerFromConsoleAsync(ExecutionHandle<string> handle, InputRequest request)
    {
        while (true)
        {
            var line = Console.ReadLine();
            if (line is null)
            {
                Console.WriteLine("(no console input: approving)");
                line = "a";
            }

            if (Console.IsInputRedirected)
            {
                Console.WriteLine(line); // what a terminal would have echoed
            }

            line = line.Trim();
            var response = line.Length == 0 ? null : char.ToLowerInvariant(line[0]) switch
            {
                'a' => request.Approve(),
                'r' => request.Reject(line.Length > 1 ? line[1..].Trim() : "rejected at the console"),
                'e' => request.Edit(line.Length > 1 ? line[1..].Trim() : ""),
                _ => null,
            };
            if (response is null)
            {
                Console.Write("   a, r <reason> or e <text>: ");
                continue;
            }

            try
            {
                await handle.SubmitInputAsync(response);
                return;
            }
            catch (InputResponseException notAccepted)
            {
                Console.Write($"   {notAccepted.Message}\n   again: ");
            }
        }
    }
}
