using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.CrashHost;
using Amsha.Sqlite;
using Microsoft.Extensions.AI;

// Usage: start <file|sqlite> <store> <calls-file> <latency-ms> [hold-task]
//        resume <file|sqlite> <store> <calls-file> <latency-ms> <execution-id>
// Prints one line per fact the test reads: "started <id>", "checkpoint <tasks> <status>",
// "holding <task>", "result <output>", "history <status,...>".
// With a hold task, the model records that task's call, prints "holding <task>" and never answers:
// the process is then certainly mid-call in that task, with every earlier task checkpointed.
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: start|resume file|sqlite <store> <calls-file> <latency-ms> [hold-task|execution-id]");
    return 2;
}

IExecutionStore store = args[1] == "sqlite" ? new SqliteExecutionStore(args[2]) : new FileExecutionStore(args[2]);
var latency = TimeSpan.FromMilliseconds(int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
var hold = args[0] == "start" && args.Length > 5 ? args[5] : null;
var model = new CallCountingChatClient(args[3], hold, new OfflineChatClient(new OfflineChatClientOptions { Latency = latency }));
var options = new AmshaOptions();
options.Llm.UseDefaultChatClient(model);
var session = new ExecutionSession(options, store);
using var subscription = session.Subscribe(e =>
{
    if (e is CheckpointWrittenEvent checkpoint)
    {
        Console.WriteLine($"checkpoint {checkpoint.CompletedTasks} {checkpoint.Status}");
    }
});

var crew = new CrashCrew(session);
var handle = args[0] == "resume" ? await crew.ResumeAsync(args[5]) : await crew.StartBackgroundAsync(new CrashRequest("durable executions"));
Console.WriteLine($"started {handle.ExecutionId}");
var result = await handle.ResultAsync();
Console.WriteLine($"result {result.Output}");
var record = await session.GetExecutionAsync(handle.ExecutionId);
Console.WriteLine($"history {string.Join(",", record.StatusHistory.Select(h => h.Status))}");
return 0;

/// <summary>
/// Appends the task line of every call to a file before answering, so calls survive a SIGKILL; never
/// answers the call of the task named <paramref name="holdTask"/>.
/// </summary>
internal sealed class CallCountingChatClient(string path, string? holdTask, IChatClient inner) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        await RecordAsync(list, cancellationToken);
        return await inner.GetResponseAsync(list, options, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        await RecordAsync(list, cancellationToken);
        await foreach (var update in inner.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();

    private async Task RecordAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var user = messages.Last(m => m.Role == ChatRole.User).Text;
        var firstLine = user.Split('\n')[0];
        using (var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        using (var writer = new StreamWriter(file))
        {
            writer.WriteLine(firstLine);
            writer.Flush();
            file.Flush(flushToDisk: true);
        }

        if (holdTask is not null && firstLine.StartsWith("Task: " + holdTask, StringComparison.Ordinal))
        {
            Console.WriteLine($"holding {holdTask}");
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }
}
