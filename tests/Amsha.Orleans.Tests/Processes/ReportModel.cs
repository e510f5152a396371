using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;

namespace Amsha.Orleans.Tests.Processes;

/// <summary>
/// The model of the cluster sample's report crew, served over loopback with a fixed latency. Each silo calls it on a
/// path of its own (<c>/silo-n/v1</c>), so every call is known by silo, topic and task. Its answers depend on the
/// prompt: task 2 is answered correctly only when its prompt carries task 1's answer as context, task 3 only with task
/// 2's, so a resumed execution that lost its context ends with a wrong output.
/// </summary>
internal sealed partial class ReportModel : IAsyncDisposable
{
    public static readonly string[] Answers = ["FACTS", "ASSESSMENT", "REPORT"];
    private readonly LoopbackChatServer _server = LoopbackChatServer.Start();
    private readonly ConcurrentQueue<Call> _calls = new();
    private readonly ConcurrentDictionary<int, int> _inFlight = new();
    private int _answered;

    public ReportModel(TimeSpan latency)
    {
        _server.Responder = request =>
        {
            var call = Read(request);
            _calls.Enqueue(call);
            _inFlight.AddOrUpdate(call.Silo, 1, (_, n) => n + 1);
            var answer = call.Task == 0 || request.Body.Contains(Expected(call.Topic, call.Task - 1), StringComparison.Ordinal)
                ? Expected(call.Topic, call.Task)
                : "CONTEXT MISSING";
            return LoopbackReply.Success(answer, 20, 5) with { Delay = latency };
        };
        _server.Replied += (request, _) =>
        {
            _inFlight.AddOrUpdate(SiloOf(request), 0, (_, n) => n - 1);
            Interlocked.Increment(ref _answered);
        };
    }

    /// <summary>One call the model received: from which silo, for which execution (its topic) and task (0–2).</summary>
    public readonly record struct Call(int Silo, int Topic, int Task);

    public IReadOnlyList<Call> Calls => _calls.ToArray();

    public int Answered => Volatile.Read(ref _answered);

    /// <summary>The base URL silo <paramref name="silo"/> is configured with.</summary>
    public string BaseUrlFor(int silo) => $"{_server.Root}/silo-{silo.ToString(CultureInfo.InvariantCulture)}/v1";

    /// <summary>Calls received and not answered yet, per silo.</summary>
    public int InFlight(int silo) => _inFlight.TryGetValue(silo, out var n) ? n : 0;

    /// <summary>The right output of task <paramref name="task"/> for the execution about topic <paramref name="topic"/>.</summary>
    public static string Expected(int topic, int task) => $"[{Answers[task]} {topic.ToString(CultureInfo.InvariantCulture)}]";

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static int SiloOf(LoopbackRequest request) => int.Parse(SiloPath().Match(request.Path).Groups[1].Value, CultureInfo.InvariantCulture);

    private static Call Read(LoopbackRequest request)
    {
        var silo = SiloPath().Match(request.Path);
        // Earlier tasks may reach the prompt as context: the call is for the last task its prompt names.
        var tasks = Instruction().Matches(request.Body);
        if (!silo.Success || tasks.Count == 0)
        {
            throw new InvalidOperationException($"Not a call of the report crew: {request.Path} {request.Body}");
        }

        var task = tasks.Select(match => (Index: match.Groups[1].Value switch
        {
            "Collect the facts about" => 0,
            "Weigh the facts about" => 1,
            _ => 2,
        }, Topic: int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))).MaxBy(t => t.Index);
        return new Call(int.Parse(silo.Groups[1].Value, CultureInfo.InvariantCulture), task.Topic, task.Index);
    }

    [GeneratedRegex(@"^/silo-(\d+)/")]
    private static partial Regex SiloPath();

    [GeneratedRegex(@"(Collect the facts about|Weigh the facts about|Write a short report on) topic (\d+)\.")]
    private static partial Regex Instruction();
}
