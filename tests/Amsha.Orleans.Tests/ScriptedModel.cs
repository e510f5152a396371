using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Amsha.Orleans.Tests;

/// <summary>One model call: where it ran (a silo's name, or "client") and for which execution (its topic).</summary>
public sealed record ModelCall(string Where, string Topic, int Index);

/// <summary>
/// What the models of one test cluster do, shared by every silo and the client: each call is recorded with the name
/// of its process, and a topic's script (gates, failures) runs before the offline model answers. Topics are unique per
/// test, so tests can share a cluster.
/// </summary>
public sealed partial class ModelScript
{
    private readonly ConcurrentDictionary<string, Func<ModelCall, CancellationToken, Task>> _scripts = new();
    private readonly ConcurrentQueue<ModelCall> _calls = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ModelCall>> _entered = new();

    public static string NewTopic() => "topic-" + Guid.NewGuid().ToString("N");

    public IReadOnlyList<ModelCall> CallsOf(string topic) => _calls.Where(c => c.Topic == topic).OrderBy(c => c.Index).ToList();

    /// <summary>Runs <paramref name="script"/> before each call of <paramref name="topic"/>.</summary>
    public void On(string topic, Func<ModelCall, CancellationToken, Task> script) => _scripts[topic] = script;

    /// <summary>Completes with the first call of <paramref name="topic"/> once it has reached a model.</summary>
    public Task<ModelCall> Entered(string topic) => _entered.GetOrAdd(topic, _ => new TaskCompletionSource<ModelCall>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Holds every call of <paramref name="topic"/> until the returned gate opens (a canceled call stops waiting).</summary>
    public TaskCompletionSource Gate(string topic)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        On(topic, (_, ct) => gate.Task.WaitAsync(ct));
        return gate;
    }

    public IChatClient ModelFor(string where) => new Model(this, where);

    internal async Task<ModelCall> EnterAsync(string where, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var text = string.Join("\n", messages.Select(m => m.Text));
        var topic = TopicPattern().Match(text) is { Success: true } match ? match.Value : "";
        var call = new ModelCall(where, topic, _counts.AddOrUpdate(topic, 1, (_, n) => n + 1));
        _calls.Enqueue(call);
        _entered.GetOrAdd(topic, _ => new TaskCompletionSource<ModelCall>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(call);
        if (_scripts.TryGetValue(topic, out var script))
        {
            await script(call, cancellationToken);
        }

        return call;
    }

    [GeneratedRegex("topic-[0-9a-f]{32}")]
    private static partial Regex TopicPattern();

    private sealed class Model(ModelScript script, string where) : IChatClient
    {
        private readonly OfflineChatClient _inner = new();

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            await script.EnterAsync(where, list, cancellationToken);
            return await _inner.GetResponseAsync(list, options, cancellationToken);
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            await script.EnterAsync(where, list, cancellationToken);
            await foreach (var update in _inner.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

        public void Dispose() => _inner.Dispose();
    }
}
