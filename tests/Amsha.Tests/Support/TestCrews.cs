using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Support;

/// <summary>Hand-built crew plans and sessions, so runtime tests do not depend on the generator.</summary>
internal static partial class TestCrews
{
    /// <summary>Generous bound for anything a test awaits: a hang fails the test instead of the run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Research, then Write with Research as context; the input is the topic.</summary>
    public static CrewDefinition<string, string> ResearchAndWrite(string researcherLlm = LlmUseCases.Default, string writerLlm = LlmUseCases.Default) =>
        new("ResearchAndWrite", CrewProcess.Sequential, new[]
        {
            new CrewTaskDefinition<string>(
                "Research",
                new AgentDefinition("Researcher", researcherLlm),
                Array.Empty<int>(),
                static (topic, _) => new TaskPrompt("You are a researcher.", $"Task: Research {topic}.")),
            new CrewTaskDefinition<string>(
                "Write",
                new AgentDefinition("Writer", writerLlm),
                new[] { 0 },
                static (topic, context) =>
                {
                    var user = new StringBuilder($"Task: Write about {topic}.");
                    context.AppendContext(user, 0);
                    return new TaskPrompt("You are a writer.", user.ToString());
                }),
        });

    /// <summary>A session whose every use case answers from <paramref name="client"/>.</summary>
    public static ExecutionSession Session(IChatClient client)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        return new ExecutionSession(options);
    }

    /// <summary>An offline client that waits <paramref name="tokenDelay"/> between tokens.</summary>
    public static OfflineChatClient Slow(TimeSpan tokenDelay) => new(new OfflineChatClientOptions { TokenDelay = tokenDelay });

    /// <summary>Reads the whole event stream of <paramref name="handle"/>, bounded by <see cref="Timeout"/>.</summary>
    public static async Task<List<ExecutionEvent>> ReadAllEventsAsync<T>(InteractiveExecutionHandle<T> handle)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(timeout.Token))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Reads the stream until the first event of type <typeparamref name="TEvent"/>; returns what was read.</summary>
    public static async Task<List<ExecutionEvent>> ReadUntilAsync<TEvent, T>(InteractiveExecutionHandle<T> handle)
        where TEvent : ExecutionEvent
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(timeout.Token))
        {
            events.Add(e);
            if (e is TEvent)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>Awaits the result, bounded by <see cref="Timeout"/>.</summary>
    public static Task<CrewResult<T>> ResultWithinTimeoutAsync<T>(this ExecutionHandle<T> handle) => handle.ResultAsync().WaitAsync(Timeout);
}
