using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Samples.Quickstart;

/// <summary>
/// <c>--background</c>: starts a detached execution checkpointed to the file store, polls it by id,
/// interrupts it after its first task, and resumes it by id. <c>--background --resume &lt;id&gt;</c>
/// resumes an execution left unfinished by an earlier process (e.g. one stopped with Ctrl+C).
/// </summary>
internal static class BackgroundDemo
{
    public static async Task<int> RunAsync(string[] args)
    {
        // The input is stored with the run (the generator emitted its JSON codec), so the run can be resumed by id.
        // A slow offline model, so there is time to watch the execution progress.
        var services = new ServiceCollection();
        services.AddAmsha()
            .UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromMilliseconds(800) }))
            .AddAmshaCrews();
        using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ExecutionSession>();
        var crew = provider.GetRequiredService<ArticleCrew>();
        Console.WriteLine($"Execution store: {(session.Store as FileExecutionStore)?.Directory ?? session.Store.GetType().Name}");

        var resumeIndex = Array.IndexOf(args, "--resume");
        string executionId;
        if (resumeIndex >= 0 && resumeIndex + 1 < args.Length)
        {
            executionId = args[resumeIndex + 1];
        }
        else
        {
            // Returns once the first record is stored: from here on the id resolves from any process.
            var job = await crew.StartBackgroundAsync(new ArticleRequest("Go"));
            executionId = job.ExecutionId;
            Console.WriteLine($"Started background execution {executionId} (resume it later with --background --resume {executionId})");

            // Poll through the store, as another process would, until the first task is checkpointed.
            await PollAsync(session, executionId, stopAfterTasks: 1);
            job.Cancel();
            try
            {
                await job.ResultAsync();
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine($"Interrupted: {job.Status}. Finished tasks are kept in the store.");
        }

        // Explicit resume by id: only the unfinished tasks run, with the stored input. An unknown id throws here.
        var resumed = await crew.ResumeAsync(executionId);
        Console.WriteLine($"Resumed {executionId}");
        var finished = resumed.ResultAsync();
        var record = await PollAsync(session, executionId, stopAfterTasks: int.MaxValue, finished);
        var result = await finished;
        Console.WriteLine($"Status history: {string.Join(" -> ", record.StatusHistory.Select(h => h.Status))}");
        Console.WriteLine($"Result of {result.CrewName}:");
        Console.WriteLine(result.Output);
        return resumed.Status == ExecutionStatus.Succeeded ? 0 : 1;
    }

    private static async Task<ExecutionRecord> PollAsync(ExecutionSession session, string executionId, int stopAfterTasks, Task? run = null)
    {
        var last = "";
        while (true)
        {
            // A run checkpoints before it completes, so once it has ended this read is its final record.
            var runEnded = run is { IsCompleted: true };
            var record = await session.GetExecutionAsync(executionId);
            var line = $"  {record.Status}: {record.Progress.CompletedTasks}/{record.Progress.TotalTasks} tasks (revision {record.Revision})";
            if (line != last)
            {
                Console.WriteLine(line);
                last = line;
            }

            if (runEnded || record.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed || record.Progress.CompletedTasks >= stopAfterTasks)
            {
                return record;
            }

            await Task.Delay(100);
        }
    }
}
