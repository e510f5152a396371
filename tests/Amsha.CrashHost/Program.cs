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
// The verbs start-dynamic and resume-dynamic (sqlite only) run the crew "dyn_crash", defined only in the
// definitions table of the same database file (the test writes it), by name with a JSON input.
// The verbs start-tools and resume-tools run ToolCrashCrew instead, whose tools append to <calls-file>.sent and
// <calls-file>.peeked; its hold task "@tools" holds the first call that carries tool results (the round after the tools ran).
// Human input: "start-review" starts ApprovalCrew in the background and prints "status <status>" and "request <id>" once it
// waits (with a sixth argument "hang" it then prints "waiting" and never exits, for a SIGKILL); "answer <...> <execution-id>
// <request-id> approve|reject|edit [text]" answers by id and prints the status it ends in ("refused <problem>" when the answer is
// not accepted); "read <...> <execution-id>" prints the stored status, result and history.
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
var tools = args[0].EndsWith("-tools", StringComparison.Ordinal);
var dynamic = args[0].EndsWith("-dynamic", StringComparison.Ordinal);
var verb = args[0].Split('-')[0];
var hold = verb == "start" && args.Length > 5 ? args[5] : null;
SideEffectTools.SentFile = args[3] + ".sent";
SideEffectTools.PeekedFile = args[3] + ".peeked";
var model = new CallCountingChatClient(args[3], hold, new OfflineChatClient(new OfflineChatClientOptions { Latency = latency }));
var options = new AmshaOptions();
options.Llm.UseDefaultChatClient(model);
var session = new ExecutionSession(options, store);
if (dynamic)
{
    session.AddDefinitionSource(new SqliteDefinitionSource(args[2]));
}

using var subscription = session.Subscribe(e =>
{
    if (e is CheckpointWrittenEvent checkpoint)
    {
        Console.WriteLine($"checkpoint {checkpoint.CompletedTasks} {checkpoint.Status}");
    }
    else if (e is ToolCallCompletedEvent { Replayed: true } replayed)
    {
        Console.WriteLine($"replayed {replayed.ToolName}");
    }
});

if (args[0] is "start-review" or "answer" or "read")
{
    return await HumanInputAsync(session, args);
}

if (dynamic)
{
    var byName = verb == "resume"
        ? await session.ResumeAsync(args[5])
        : await session.StartBackgroundAsync("dyn_crash", """{"topic": "durable executions"}""");
    Console.WriteLine($"started {byName.ExecutionId}");
    Console.WriteLine($"result {(await byName.ResultAsync()).Output}");
    return await PrintHistoryAsync(session, byName.ExecutionId);
}

var handle = (verb, tools) switch
{
    ("resume", false) => await new CrashCrew(session).ResumeAsync(args[5]),
    ("resume", true) => await new ToolCrashCrew(session).ResumeAsync(args[5]),
    (_, false) => await new CrashCrew(session).StartBackgroundAsync(new CrashRequest("durable executions")),
    _ => await new ToolCrashCrew(session).StartBackgroundAsync(new CrashRequest("durable executions")),
};
Console.WriteLine($"started {handle.ExecutionId}");
var result = await handle.ResultAsync();
Console.WriteLine($"result {result.Output}");
return await PrintHistoryAsync(session, handle.ExecutionId);

static async Task<int> HumanInputAsync(ExecutionSession session, string[] args)
{
    switch (args[0])
    {
        case "start-review":
            var handle = await new ApprovalCrew(session).StartBackgroundAsync(new CrashRequest("durable executions"));
            Console.WriteLine($"started {handle.ExecutionId}");
            Console.WriteLine($"status {await handle.WaitAsync()}");
            foreach (var request in handle.PendingInput)
            {
                Console.WriteLine($"request {request.RequestId}");
            }

            if (args.Length > 5 && args[5] == "hang")
            {
                Console.WriteLine("waiting");
                await Task.Delay(Timeout.Infinite);
            }

            return 0;
        case "answer":
            var (executionId, requestId, decision) = (args[5], args[6], args[7]);
            var response = decision switch
            {
                "approve" => InputResponse.Approve(requestId),
                "reject" => InputResponse.Reject(requestId, args[8]),
                _ => InputResponse.Edit(requestId, args[8]),
            };
            try
            {
                var resumed = await session.SubmitInputAsync(executionId, response with { AnsweredBy = "process-2" });
                Console.WriteLine($"status {await resumed.WaitAsync()}");
                return 0;
            }
            catch (InputResponseException refused)
            {
                Console.WriteLine($"refused {refused.Problem}");
                return 3;
            }

        default:
            var record = await session.GetExecutionAsync(args[5]);
            Console.WriteLine($"status {record.Status}");
            if (record.Status == ExecutionStatus.Succeeded)
            {
                Console.WriteLine($"result {record.TaskOutputs[^1].Text.ReplaceLineEndings(" ")}");
                Console.WriteLine($"reviewed {record.FindTaskOutput("ReviewedDraft")!.Text.ReplaceLineEndings(" ")}");
            }

            Console.WriteLine($"answered {string.Join(",", record.InputHistory.Select(a => $"{a.Response.Decision}:{a.Response.AnsweredBy}"))}");
            return await PrintHistoryAsync(session, args[5]);
    }
}

static async Task<int> PrintHistoryAsync(ExecutionSession session, string executionId)
{
    var record = await session.GetExecutionAsync(executionId);
    Console.WriteLine($"history {string.Join(",", record.StatusHistory.Select(h => h.Status))}");
    return 0;
}

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

        var holds = holdTask == "@tools" ? messages.Any(m => m.Role == ChatRole.Tool) : holdTask is not null && firstLine.StartsWith("Task: " + holdTask, StringComparison.Ordinal);
        if (holds)
        {
            Console.WriteLine($"holding {holdTask}");
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }
}
