using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Amsha;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Support;

/// <summary>The input of the test crews.</summary>
public sealed record TopicInput(string Topic);

/// <summary>A hand-written codec, standing in for the one the generator emits for crew inputs.</summary>
public sealed class TopicInputCodec : JsonCodec<TopicInput>
{
    public static void EnsureRegistered() => JsonCodecs.Register(new TopicInputCodec());

    public override void Write(Utf8JsonWriter writer, TopicInput value)
    {
        writer.WriteStartObject();
        writer.WriteString("topic", value.Topic);
        writer.WriteEndObject();
    }

    public override TopicInput Read(ref Utf8JsonReader reader)
    {
        string? topic = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "topic")
            {
                topic = reader.GetString();
            }
        }

        return new TopicInput(topic ?? throw new JsonException("topic is missing"));
    }
}

/// <summary>Chains of tasks T1..Tn over a <see cref="TopicInput"/>, built by hand exactly as generated code builds them.</summary>
internal static partial class TestCrews
{
    /// <summary>A sequential crew of tasks T1..Tn; each task receives the previous one's output.</summary>
    public static CrewDefinition<TopicInput, string> Chain(string name, int tasks, CrewProcess process = CrewProcess.Sequential)
    {
        var list = new List<CrewTaskDefinition<TopicInput>>();
        for (var i = 0; i < tasks; i++)
        {
            list.Add(Task($"T{i + 1}", i == 0 ? [] : [i - 1]));
        }

        return new CrewDefinition<TopicInput, string>(name, process, list);
    }

    /// <summary>A diamond: A; B, C, D after A; E after B, C and D.</summary>
    public static CrewDefinition<TopicInput, string> Diamond(string name = "DiamondCrew") =>
        new(name, CrewProcess.Graph, [Task("A", []), Task("B", [0]), Task("C", [0]), Task("D", [0]), Task("E", [1, 2, 3])]);

    private static CrewTaskDefinition<TopicInput> Task(string name, int[] dependsOn) =>
        new(name, new AgentDefinition("Agent" + name, "default"), dependsOn, (input, context) =>
        {
            var user = new System.Text.StringBuilder($"Task: {name} about {input.Topic}");
            foreach (var dependency in dependsOn)
            {
                context.AppendContext(user, dependency);
            }

            return new TaskPrompt("You are a test agent.", user.ToString());
        });
}

/// <summary>
/// Wraps the offline model: records which task each call answered, with which options, and how many
/// calls were in flight at once; can fail scripted calls.
/// </summary>
internal sealed class RecordingChatClient : IChatClient
{
    private readonly OfflineChatClient _inner;
    private int _inFlight;
    private int _maxInFlight;

    public RecordingChatClient(OfflineChatClientOptions? options = null) => _inner = new OfflineChatClient(options);

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<ChatOptions?> Options { get; } = new();

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Fails calls for tasks in this set (once each, then removes them).</summary>
    public ConcurrentDictionary<string, bool> FailOnce { get; } = new();

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // A run nobody streams asks for the whole answer: the same updates, combined.
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var task = TaskOf(list);
        Calls.Enqueue(task);
        Options.Enqueue(options);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        try
        {
            if (FailOnce.TryRemove(task, out _))
            {
                throw new InvalidOperationException($"Scripted failure of task {task}.");
            }

            await foreach (var update in _inner.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }

    public static string TaskOf(IReadOnlyList<ChatMessage> messages)
    {
        var user = messages.Last(m => m.Role == ChatRole.User).Text;
        return user.Split(' ', 3)[1];
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

public static class TestSessions
{
    public static ExecutionSession Create(IExecutionStore store, IChatClient client)
    {
        TopicInputCodec.EnsureRegistered();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return new ExecutionSession(options, store);
    }

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "amsha-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
