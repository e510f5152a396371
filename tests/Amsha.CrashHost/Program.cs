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

// Usage: start <file|sqlite> <store> <calls-file> <latency-ms>
//        resume <file|sqlite> <store> <calls-file> <latency-ms> <execution-id>
// Prints one line per fact the test reads: "started <id>", "checkpoint <tasks> <status>",
// "result <output>", "history <status,...>".
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: start|resume file|sqlite <store> <calls-file> <latency-ms> [execution-id]");
    return 2;
}

IExecutionStore store = args[1] == "sqlite" ? new SqliteExecutionStore(args[2]) : new FileExecutionStore(args[2]);
var model = new CallCountingChatClient(args[3], new OfflineChatClient(new OfflineChatClientOptions { Latency = TimeSpan.FromMilliseconds(int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)) }));
var options = new AmshaOptions { Store = store };
options.Llm.UseDefaultChatClient(model);
var session = new ExecutionSession(options);
using var subscription = session.Subscribe(e =>
{
    if (e is CheckpointWrittenEvent checkpoint)
    {
        Console.WriteLine($"checkpoint {checkpoint.CompletedTasks} {checkpoint.Status}");
    }
});

var crew = new CrashCrew(session);
var handle = args[0] == "resume" ? crew.Resume(args[5]) : crew.StartBackground(new CrashRequest("durable executions"));
Console.WriteLine($"started {handle.ExecutionId}");
var result = await handle.ResultAsync();
Console.WriteLine($"result {result.Output}");
var record = await session.GetExecutionAsync(handle.ExecutionId);
Console.WriteLine($"history {string.Join(",", record.StatusHistory.Select(h => h.Status))}");
return 0;

/// <summary>Appends the task line of every call to a file before answering, so calls survive a SIGKILL.</summary>
internal sealed class CallCountingChatClient(string path, IChatClient inner) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Record(list);
        return inner.GetResponseAsync(list, options, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Record(list);
        await foreach (var update in inner.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();

    private void Record(IReadOnlyList<ChatMessage> messages)
    {
        var user = messages.Last(m => m.Role == ChatRole.User).Text;
        var firstLine = user.Split('\n')[0];
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(file);
        writer.WriteLine(firstLine);
        writer.Flush();
        file.Flush(flushToDisk: true);
    }
}
