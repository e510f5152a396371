using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using Amsha.TestKit.Models;
using BenchmarkDotNet.Attributes;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Amsha.Benchmarks;

/// <summary>
/// A model with no latency: every call answers a short text with usage, as one response or as <see cref="StreamedTokens"/>
/// streamed updates. What the stacks above it cost is then their own cost.
/// </summary>
public sealed class ShortAnswerChatClient(int streamedTokens = 1) : IChatClient
{
    public const string Answer = "A short answer.";

    private static readonly ChatClientMetadata Metadata = new("ShortAnswer", defaultModelId: "short-answer");
    private static readonly UsageDetails Usage = new() { InputTokenCount = 24, OutputTokenCount = 4, TotalTokenCount = 28 };

    public int StreamedTokens { get; } = streamedTokens;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)) { ModelId = "short-answer", FinishReason = ChatFinishReason.Stop, Usage = Usage });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (StreamedTokens <= 1)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(Answer), new UsageContent(Usage)]) { ModelId = "short-answer", FinishReason = ChatFinishReason.Stop };
            yield break;
        }

        for (var i = 0; i < StreamedTokens - 1; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "tok ") { ModelId = "short-answer" };
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("end."), new UsageContent(Usage)]) { ModelId = "short-answer", FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}

/// <summary>
/// <see cref="ShortAnswerChatClient"/>'s answer, given a moment later: the call yields its thread first, as a call over
/// the network does, so runs started together are all alive together whatever stack runs them.
/// </summary>
public sealed class YieldingAnswerChatClient : IChatClient
{
    private readonly ShortAnswerChatClient _answers = new();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _answers.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _answers.GetStreamingResponseAsync(messages, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => _answers.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }
}

public sealed record BenchTopic(string Topic);

[Agent(Role = "Analyst", Goal = "Answer questions about {Topic}", Backstory = "Brief.")]
public partial class BenchAnalyst;

[CrewTask(Agent = typeof(BenchAnalyst), Description = "Answer a question about {Topic}.", ExpectedOutput = "A short answer")]
public partial class BenchAnswer;

[CrewTask(Agent = typeof(BenchAnalyst), Description = "Check the answer about {Topic}.", ExpectedOutput = "A short check", Context = [typeof(BenchAnswer)])]
public partial class BenchCheck;

[CrewTask(Agent = typeof(BenchAnalyst), Description = "Summarize the check about {Topic}.", ExpectedOutput = "A short summary", Context = [typeof(BenchCheck)])]
public partial class BenchSummary;

[Crew<BenchTopic>(Tasks = [typeof(BenchAnswer)])]
public partial class OneTaskCrew;

[Crew<BenchTopic>(Tasks = [typeof(BenchAnswer), typeof(BenchCheck), typeof(BenchSummary)])]
public partial class ThreeTaskCrew;

/// <summary>Shared set-up of the peer benchmarks: the same model behind each stack.</summary>
public abstract class PeerBenchmarks
{
    protected const string Instructions = "You are Analyst. Your goal: answer questions about Rust. Brief.";
    protected const string Question = "Answer a question about Rust.\n\nExpected output: A short answer";

    protected IChatClient Client { get; private set; } = null!;

    protected List<ChatMessage> Messages { get; } = [new(ChatRole.System, Instructions), new(ChatRole.User, Question)];

    protected ChatClientAgent Agent { get; private set; } = null!;

    protected Kernel Kernel { get; private set; } = null!;

    protected ExecutionSession Session { get; private set; } = null!;

    protected void SetUp(IChatClient client)
    {
        Client = client;
        Agent = new ChatClientAgent(client, Instructions);
        var builder = Kernel.CreateBuilder();
#pragma warning disable SKEXP0001 // The IChatClient bridge is how SK runs over any M.E.AI client.
        builder.Services.AddSingleton(client.AsChatCompletionService());
#pragma warning restore SKEXP0001
        Kernel = builder.Build();
        Session = SessionWith(new InMemoryExecutionStore());
    }

    /// <summary>A session over the benchmark's client that keeps its executions in <paramref name="store"/>.</summary>
    protected ExecutionSession SessionWith(IExecutionStore store)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(Client);
        return new ExecutionSession(options, store);
    }
}

/// <summary>Runs one of <see cref="CrewRunBenchmarks"/>' Amsha rows in a loop, outside BenchmarkDotNet, for a profiler to sample.</summary>
internal static class CallProfile
{
    public static async System.Threading.Tasks.Task Run(string row, int count)
    {
        Func<System.Threading.Tasks.Task> work;
        if (row is "stream" or "stream-agent" or "stream-replay")
        {
            // The crew stream of 1,000 tokens read to the end (StreamingBenchmarks), or Agent Framework's; or the crew
            // stream read only once the run has ended (its writer alone, then a replay).
            var streaming = new StreamingBenchmarks();
            streaming.Setup();
            work = row switch
            {
                "stream" => streaming.AmshaCrewStream,
                "stream-replay" => streaming.AmshaCrewStreamReplayed,
                _ => streaming.AgentFramework,
            };
        }
        else
        {
            var benchmarks = new CrewRunBenchmarks();
            benchmarks.Setup();
            work = Row(benchmarks, row);
        }

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var workItems = System.Threading.ThreadPool.CompletedWorkItemCount;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await work().ConfigureAwait(false);
        }

        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        workItems = System.Threading.ThreadPool.CompletedWorkItemCount - workItems;
        Console.WriteLine($"{row}: {watch.Elapsed.TotalMilliseconds * 1_000_000 / count:F0} ns per run over {count:N0} (process CPU {cpu.TotalMilliseconds * 1_000_000 / count:F0} ns per run, thread-pool work items {(double)workItems / count:F2} per run); "
            + $"GC paused {GC.GetTotalPauseDuration().TotalMilliseconds * 1_000_000 / count:F0} ns per run, collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen 0/1/2), heap {GC.GetTotalMemory(false) / 1_048_576} MB");
    }

    /// <summary>The Amsha row named <paramref name="row"/> of set-up <paramref name="benchmarks"/>.</summary>
    public static Func<System.Threading.Tasks.Task<string>> Row(CrewRunBenchmarks benchmarks, string row) => row switch
    {
        "raw" => benchmarks.Raw,
        "raw-prompt" => benchmarks.RawWithPrompt,
        "agent" => benchmarks.AgentFramework,
        "call" => benchmarks.AmshaLlmCall,
        "crew" => benchmarks.AmshaOneTask,
        "three" => benchmarks.AmshaThreeTasks,
        "background" => benchmarks.AmshaBackground,
        "background-nothing" => benchmarks.AmshaBackgroundKeepingNothing,
        "handoff" => benchmarks.ThreadPoolHandOff,
        "crew-on-pool" => benchmarks.AmshaOneTaskOnThreadPool,
        _ => throw new ArgumentException($"Unknown row '{row}': raw, raw-prompt, agent, call, crew, three, background, background-nothing, handoff or crew-on-pool.", nameof(row)),
    };
}

/// <summary>
/// One chat call and whole crew runs through Amsha against the same work done with the raw <see cref="IChatClient"/>,
/// the Agent Framework's <see cref="ChatClientAgent"/> and Semantic Kernel's prompt functions.
/// </summary>
[MemoryDiagnoser]
public class CrewRunBenchmarks : PeerBenchmarks
{
    private OneTaskCrew _one = null!;
    private OneTaskCrew _oneKeepingNothing = null!;
    private OneTaskCrew _oneBounded = null!;
    private ThreeTaskCrew _three = null!;
    private SummarySite _site = null!;
    private KernelFunction _prompt = null!;

    [GlobalSetup]
    public void Setup()
    {
        SetUp(new ShortAnswerChatClient());
        _one = new OneTaskCrew(Session);
        _oneKeepingNothing = new OneTaskCrew(SessionWith(new DiscardingExecutionStore()));
        _oneBounded = new OneTaskCrew(SessionWith(new InMemoryExecutionStore(maxFinishedExecutions: BoundedStore)));
        _three = new ThreeTaskCrew(Session);
        _site = new SummarySite(Session);
        _prompt = Kernel.CreateFunctionFromPrompt(Question);

        // Every stack must do the work: fail the run rather than measure something that does not.
        Check(Raw().GetAwaiter().GetResult());
        Check(RawWithPrompt().GetAwaiter().GetResult());
        Check(AgentFramework().GetAwaiter().GetResult());
        Check(SemanticKernel().GetAwaiter().GetResult());
        Check(AmshaLlmCall().GetAwaiter().GetResult());
        Check(AmshaOneTask().GetAwaiter().GetResult());
        Check(AmshaThreeTasks().GetAwaiter().GetResult());
        Check(AmshaBackground().GetAwaiter().GetResult());
        Check(AmshaBackgroundKeepingNothing().GetAwaiter().GetResult());
        Check(AmshaBackgroundBounded().GetAwaiter().GetResult());
        Check(AgentFrameworkThreeChained().GetAwaiter().GetResult());

        static void Check(string text)
        {
            if (!text.Contains(ShortAnswerChatClient.Answer, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"A stack answered '{text}'.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "raw IChatClient call")]
    [BenchmarkCategory("call")]
    public async Task<string> Raw() => (await Client.GetResponseAsync(Messages).ConfigureAwait(false)).Text;

    /// <summary>
    /// The raw call with its prompt made per call, as the <c>[AmshaLlmCall]</c> row's is (the topic rendered into the
    /// text, the message and its list built): the baseline above sends one prepared list every time.
    /// </summary>
    [Benchmark(Description = "raw IChatClient call, prompt built per call")]
    [BenchmarkCategory("call")]
    public async Task<string> RawWithPrompt() => (await Client.GetResponseAsync([new ChatMessage(ChatRole.User, $"Summarize {Topic} in one sentence.")]).ConfigureAwait(false)).Text;

    private string Topic { get; } = "Rust";

    [Benchmark(Description = "Agent Framework RunAsync")]
    [BenchmarkCategory("call")]
    public async Task<string> AgentFramework() => (await Agent.RunAsync(Question).ConfigureAwait(false)).Text;

    [Benchmark(Description = "Semantic Kernel prompt function")]
    [BenchmarkCategory("call")]
    public async Task<string> SemanticKernel() => (await _prompt.InvokeAsync(Kernel).ConfigureAwait(false)).GetValue<string>() ?? "";

    [Benchmark(Description = "Amsha [AmshaLlmCall]")]
    [BenchmarkCategory("call")]
    public Task<string> AmshaLlmCall() => _site.SummarizeAsync("Rust");

    [Benchmark(Description = "Amsha crew, one task")]
    [BenchmarkCategory("call")]
    public async Task<string> AmshaOneTask() => (await _one.RunAsync(new BenchTopic("Rust")).ConfigureAwait(false)).Output;

    [Benchmark(Description = "Amsha crew, one task, background (in-memory store)")]
    [BenchmarkCategory("call")]
    public async Task<string> AmshaBackground() => (await _one.StartBackground(new BenchTopic("Rust")).ResultAsync().ConfigureAwait(false)).Output;

    [Benchmark(Description = "Amsha crew, one task, background (store that keeps nothing)")]
    [BenchmarkCategory("call")]
    public async Task<string> AmshaBackgroundKeepingNothing() => (await _oneKeepingNothing.StartBackground(new BenchTopic("Rust")).ResultAsync().ConfigureAwait(false)).Output;

    [Benchmark(Description = "Amsha crew, one task, background (in-memory store keeping 1,000 finished)")]
    [BenchmarkCategory("call")]
    public async Task<string> AmshaBackgroundBounded() => (await _oneBounded.StartBackground(new BenchTopic("Rust")).ResultAsync().ConfigureAwait(false)).Output;

    /// <summary>
    /// The floor under any background run: the same answer handed from a thread-pool work item to the awaiting caller
    /// (what a run started in the background pays whatever it does, and an interactive run does not).
    /// </summary>
    [Benchmark(Description = "thread-pool hand-off of the answer (Task.Run)")]
    [BenchmarkCategory("call")]
    public Task<string> ThreadPoolHandOff() => Task.Run(static () => ShortAnswerChatClient.Answer);

    /// <summary>
    /// The interactive run of the one-task crew, handed to a thread-pool work item as a background run is: the same work
    /// and the same hand-off, with no store, checkpoint or background bookkeeping. The distance from here to the
    /// background rows is what Amsha's background mode adds; the distance from the interactive row is what moving any
    /// work of this length to another thread costs on this machine (a caller that slept must be woken).
    /// </summary>
    [Benchmark(Description = "Amsha crew, one task, interactive, on the thread pool (Task.Run)")]
    [BenchmarkCategory("call")]
    public Task<string> AmshaOneTaskOnThreadPool() => Task.Run(AmshaOneTask);

    /// <summary>Runs one after another on a thread-pool thread, as a web app's handler starts them (see <see cref="InARowOnThePool"/>).</summary>
    internal const int InARow = 100;

    [Benchmark(Description = "Amsha crew, one task, 100 in a row on a pool thread", OperationsPerInvoke = InARow)]
    [BenchmarkCategory("pool")]
    public Task<string> AmshaOneTaskInARowOnThePool() => InARowOnThePool(AmshaOneTask);

    [Benchmark(Description = "Amsha crew, one task, background (in-memory store), 100 in a row on a pool thread", OperationsPerInvoke = InARow)]
    [BenchmarkCategory("pool")]
    public Task<string> AmshaBackgroundInARowOnThePool() => InARowOnThePool(AmshaBackground);

    [Benchmark(Description = "Amsha crew, one task, background (in-memory store keeping 1,000 finished), 100 in a row on a pool thread", OperationsPerInvoke = InARow)]
    [BenchmarkCategory("pool")]
    public Task<string> AmshaBackgroundBoundedInARowOnThePool() => InARowOnThePool(AmshaBackgroundBounded);

    /// <summary>
    /// <see cref="InARow"/> runs awaited one after another by a thread-pool thread, as a request handler of a web app
    /// starts and awaits them: BenchmarkDotNet's own thread, which the rows above start on, is not a pool thread, so each
    /// background run there also wakes it. The one hand-off onto the pool is shared by the hundred runs.
    /// </summary>
    private static Task<string> InARowOnThePool(Func<Task<string>> run) => Task.Run(async () =>
    {
        var last = "";
        for (var i = 0; i < InARow; i++)
        {
            last = await run().ConfigureAwait(false);
        }

        return last;
    });

    /// <summary>The finished executions the bounded in-memory store keeps (<c>new InMemoryExecutionStore(1_000)</c>).</summary>
    internal const int BoundedStore = 1_000;

    [Benchmark(Description = "Agent Framework, three chained RunAsync")]
    [BenchmarkCategory("three")]
    public async Task<string> AgentFrameworkThreeChained()
    {
        var first = (await Agent.RunAsync(Question).ConfigureAwait(false)).Text;
        var second = (await Agent.RunAsync("Check: " + first).ConfigureAwait(false)).Text;
        return (await Agent.RunAsync("Summarize: " + second).ConfigureAwait(false)).Text;
    }

    [Benchmark(Description = "Amsha crew, three tasks with context")]
    [BenchmarkCategory("three")]
    public async Task<string> AmshaThreeTasks() => (await _three.RunAsync(new BenchTopic("Rust")).ConfigureAwait(false)).Output;
}

/// <summary>One answer of 1,000 streamed tokens, read to the end: raw, Agent Framework, Amsha's crew stream.</summary>
[MemoryDiagnoser]
public class StreamingBenchmarks : PeerBenchmarks
{
    private OneTaskCrew _one = null!;

    [GlobalSetup]
    public void Setup()
    {
        SetUp(new ShortAnswerChatClient(streamedTokens: 1000));
        _one = new OneTaskCrew(Session);
        if (Raw().GetAwaiter().GetResult() != 1000 || AgentFramework().GetAwaiter().GetResult() != 1000 || AmshaCrewStream().GetAwaiter().GetResult() != 1000)
        {
            throw new InvalidOperationException("A stack did not stream 1,000 tokens.");
        }
    }

    [Benchmark(Baseline = true, Description = "raw IChatClient stream")]
    public async Task<int> Raw()
    {
        var count = 0;
        await foreach (var update in Client.GetStreamingResponseAsync(Messages).ConfigureAwait(false))
        {
            count += update.Text.Length > 0 ? 1 : 0;
        }

        return count;
    }

    [Benchmark(Description = "Agent Framework RunStreamingAsync")]
    public async Task<int> AgentFramework()
    {
        var count = 0;
        await foreach (var update in Agent.RunStreamingAsync(Question).ConfigureAwait(false))
        {
            count += update.Text.Length > 0 ? 1 : 0;
        }

        return count;
    }

    [Benchmark(Description = "Amsha crew StreamAsync")]
    public async Task<int> AmshaCrewStream()
    {
        var count = 0;
        await foreach (var e in _one.Start(new BenchTopic("Rust")).StreamAsync().ConfigureAwait(false))
        {
            count += e is TokenDeltaEvent ? 1 : 0;
        }

        return count;
    }

    /// <summary>The crew stream read only once its run has ended: what writing the stream costs, without a reader beside it.</summary>
    internal async Task<int> AmshaCrewStreamReplayed()
    {
        var handle = _one.Start(new BenchTopic("Rust"));
        await handle.ResultAsync().ConfigureAwait(false);
        var count = 0;
        await foreach (var e in handle.StreamAsync().ConfigureAwait(false))
        {
            count += e is TokenDeltaEvent ? 1 : 0;
        }

        return count;
    }

    // The same two streams read on a thread-pool thread, as a web request's handler reads them (BenchmarkDotNet's own
    // thread, which the rows above read on, is not one): each pays one hand-off in and out.
    [Benchmark(Description = "Agent Framework RunStreamingAsync, read on a pool thread")]
    public Task<int> AgentFrameworkOnPool() => Task.Run(AgentFramework);

    [Benchmark(Description = "Amsha crew StreamAsync, read on a pool thread")]
    public Task<int> AmshaCrewStreamOnPool() => Task.Run(AmshaCrewStream);
}

/// <summary>10,000 runs started at once and awaited: raw calls, Agent Framework runs, Amsha background crews (in-memory store).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class ScaleBenchmarks : PeerBenchmarks
{
    private const int Runs = 10_000;
    private OneTaskCrew _one = null!;
    private OneTaskCrew _oneBounded = null!;
    private ChatClientAgent _yieldingAgent = null!;
    private OneTaskCrew _yieldingOne = null!;
    private readonly HeldChatClient _agentModel = new(new ShortAnswerChatClient());
    private readonly HeldChatClient _crewModel = new(new ShortAnswerChatClient());
    private ChatClientAgent _heldAgent = null!;
    private OneTaskCrew _heldOne = null!;

    [GlobalSetup]
    public void Setup()
    {
        SetUp(new ShortAnswerChatClient());
        _one = new OneTaskCrew(Session);
        _oneBounded = new OneTaskCrew(SessionWith(new InMemoryExecutionStore(maxFinishedExecutions: Runs)));
        (_yieldingAgent, _yieldingOne) = YieldingStacks();
        _heldAgent = new ChatClientAgent(_agentModel, Instructions);
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(_crewModel);
        _heldOne = new OneTaskCrew(new ExecutionSession(options, new InMemoryExecutionStore(maxFinishedExecutions: Runs)));
        if (_yieldingAgent.RunAsync(Question).GetAwaiter().GetResult().Text != ShortAnswerChatClient.Answer
            || OutputOf(_yieldingOne).GetAwaiter().GetResult() != ShortAnswerChatClient.Answer
            || _heldAgent.RunAsync(Question).GetAwaiter().GetResult().Text != ShortAnswerChatClient.Answer
            || OutputOf(_heldOne).GetAwaiter().GetResult() != ShortAnswerChatClient.Answer)
        {
            throw new InvalidOperationException("A stack over the yielding or the held model did not answer.");
        }
    }

    private static async Task<string> OutputOf(OneTaskCrew crew) => (await crew.StartBackground(new BenchTopic("Rust")).ResultAsync().ConfigureAwait(false)).Output;

    // Agent Framework and Amsha (in-memory store keeping 10,000 finished) over a model that answers a moment later.
    private static (ChatClientAgent Agent, OneTaskCrew Crew) YieldingStacks()
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new YieldingAnswerChatClient());
        return (new ChatClientAgent(new YieldingAnswerChatClient(), Instructions), new OneTaskCrew(new ExecutionSession(options, new InMemoryExecutionStore(maxFinishedExecutions: Runs))));
    }

    [Benchmark(Baseline = true, Description = "10,000 raw calls", OperationsPerInvoke = Runs)]
    public Task Raw() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => Client.GetResponseAsync(Messages)));

    [Benchmark(Description = "10,000 Agent Framework runs", OperationsPerInvoke = Runs)]
    public Task AgentFramework() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => Agent.RunAsync(Question)));

    // Agent Framework's runs finish inline against a zero-latency model, one after the other, so nothing of one survives
    // into the next. Handed to the thread pool as a background run is, they are queued and alive together too.
    [Benchmark(Description = "10,000 Agent Framework runs, each handed to the thread pool", OperationsPerInvoke = Runs)]
    public Task AgentFrameworkOnPool() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => Task.Run(() => Agent.RunAsync(Question))));

    [Benchmark(Description = "10,000 Amsha background crews", OperationsPerInvoke = Runs)]
    public Task AmshaBackground() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => _one.StartBackground(new BenchTopic("Rust")).ResultAsync()));

    [Benchmark(Description = "10,000 Amsha background crews (store keeping 10,000 finished)", OperationsPerInvoke = Runs)]
    public Task AmshaBackgroundBounded() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => _oneBounded.StartBackground(new BenchTopic("Rust")).ResultAsync()));

    // Against a model with no latency, Agent Framework's runs above finish one after another while Amsha's background runs
    // are all queued at once. Over a model that answers a moment later (as any model over a network does) both stacks'
    // 10,000 runs are alive together: the concurrent runs the target names.
    [Benchmark(Description = "10,000 Agent Framework runs, model answering a moment later", OperationsPerInvoke = Runs)]
    public Task AgentFrameworkYielding() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => _yieldingAgent.RunAsync(Question)));

    [Benchmark(Description = "10,000 Amsha background crews (store keeping 10,000 finished), model answering a moment later", OperationsPerInvoke = Runs)]
    public Task AmshaBackgroundYielding() => Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => _yieldingOne.StartBackground(new BenchTopic("Rust")).ResultAsync()));

    // Runs over a model with latency all wait at it together: the held model answers once all 10,000 are waiting.
    [Benchmark(Description = "10,000 Agent Framework runs, all waiting at the model, then answered", OperationsPerInvoke = Runs)]
    public Task AgentFrameworkHeld() => HeldAsync(_agentModel, () => _heldAgent.RunAsync(Question));

    [Benchmark(Description = "10,000 Amsha background crews (store keeping 10,000 finished), all waiting at the model, then answered", OperationsPerInvoke = Runs)]
    public Task AmshaBackgroundHeld() => HeldAsync(_crewModel, () => _heldOne.StartBackground(new BenchTopic("Rust")).ResultAsync());

    private static async Task HeldAsync(HeldChatClient model, Func<Task> start)
    {
        var allWaiting = model.Close(Runs);
        var runs = new Task[Runs];
        for (var i = 0; i < Runs; i++)
        {
            runs[i] = start();
        }

        await allWaiting.ConfigureAwait(false);
        model.Open();
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    /// <summary>What <paramref name="runs"/> Agent Framework runs return, held together (<see cref="RetainedReport"/>).</summary>
    internal async Task<object[]> AgentFrameworkResults(int runs) => await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => Agent.RunAsync(Question))).ConfigureAwait(false);

    /// <summary>
    /// What <paramref name="runs"/> background runs return, held together, in a store that keeps each run's record
    /// (<paramref name="keep"/>: a new in-memory store, so only these runs' records count) or nothing.
    /// </summary>
    internal async Task<object[]> AmshaResults(int runs, bool keep)
    {
        var crew = new OneTaskCrew(SessionWith(keep ? new InMemoryExecutionStore() : new DiscardingExecutionStore()));
        var results = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => crew.StartBackground(new BenchTopic("Rust")).ResultAsync())).ConfigureAwait(false);
        return keep ? [results, crew] : results;
    }

    /// <summary>
    /// <c>-- scale-report</c>: batches of 10,000 background runs started at once, as in the table, with how much of each
    /// batch the garbage collector paused the process for (<see cref="GC.GetTotalPauseDuration"/>), per run. Shows
    /// what a run costs with and without a collection falling in its batch (every run of a batch is alive at once).
    /// </summary>
    /// <param name="stack">
    /// <c>amsha</c> (the in-memory store keeping 10,000 finished), <c>amsha-nothing</c> (a store that keeps nothing),
    /// <c>agent</c> (Agent Framework runs) or <c>agent-on-pool</c> (each handed to the thread pool); <c>amsha-yielding</c>
    /// and <c>agent-yielding</c> are <c>amsha</c> and <c>agent</c> over a model that answers a moment later.
    /// </param>
    /// <param name="fromOwnThread">
    /// Starts every batch from the process's own thread, as BenchmarkDotNet does, rather than from the pool thread the
    /// previous batch's await resumed on: runs are then queued to the pool's global queue, behind each other.
    /// </param>
    /// <param name="batches">Batches measured, after five warm-ups.</param>
    public static async Task Report(string stack = "amsha", bool fromOwnThread = false, int batches = 40)
    {
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new ShortAnswerChatClient());
        var crew = new OneTaskCrew(new ExecutionSession(options, stack == "amsha-nothing" ? new DiscardingExecutionStore() : new InMemoryExecutionStore(maxFinishedExecutions: Runs)));
        var agent = new ChatClientAgent(new ShortAnswerChatClient(), Instructions);
        var (yieldingAgent, yieldingCrew) = YieldingStacks();
        Func<Task> start = stack switch
        {
            "amsha" or "amsha-nothing" => () => crew.StartBackground(new BenchTopic("Rust")).ResultAsync(),
            "agent" => () => agent.RunAsync(Question),
            "agent-on-pool" => () => Task.Run(() => agent.RunAsync(Question)),
            "amsha-yielding" => () => yieldingCrew.StartBackground(new BenchTopic("Rust")).ResultAsync(),
            "agent-yielding" => () => yieldingAgent.RunAsync(Question),
            _ => throw new ArgumentException($"Unknown stack '{stack}': amsha, amsha-nothing, agent, agent-on-pool, amsha-yielding or agent-yielding.", nameof(stack)),
        };
        var all = new List<(double Wall, double Pause, int Collections)>();
        var promoted = new List<(int Generation, long Bytes, double PauseMs)>();
        var lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        for (var batch = -5; batch < batches; batch++)
        {
            var pause = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(0);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (fromOwnThread)
            {
                Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => start())).GetAwaiter().GetResult(); // a report tool: blocking keeps the thread
            }
            else
            {
                await Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => start()));
            }

            if (batch >= 0)
            {
                all.Add((clock.Elapsed.TotalMicroseconds / Runs, (GC.GetTotalPauseDuration() - pause).TotalMicroseconds / Runs, GC.CollectionCount(0) - collections));
                var last = GC.GetGCMemoryInfo(GCKind.Any);
                if (last.Index != lastIndex)
                {
                    promoted.Add((last.Generation, last.PromotedBytes, last.PauseDurations[0].TotalMilliseconds));
                    lastIndex = last.Index;
                }
            }
        }

        static double Median(IEnumerable<double> values) => values.OrderBy(v => v).ElementAt(values.Count() / 2);
        var quiet = all.Where(b => b.Collections == 0).ToList();
        Console.WriteLine($"{all.Count} batches of {Runs:N0} runs, {stack}{(fromOwnThread ? ", started from the process's own thread" : "")} (GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {(System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch ? "non-concurrent" : "concurrent")})");
        Console.WriteLine($"  per run, median of batches: {Median(all.Select(b => b.Wall)):F2} us, of which the GC paused {Median(all.Select(b => b.Pause)):F2} us; {all.Average(b => b.Collections):F1} collections per batch");
        foreach (var generation in promoted.GroupBy(p => p.Generation).OrderBy(g => g.Key))
        {
            Console.WriteLine($"  last collection of a batch, generation {generation.Key} ({generation.Count()} batches): median {Median(generation.Select(p => (double)p.Bytes)) / 1_048_576:F1} MB promoted, paused {Median(generation.Select(p => p.PauseMs)):F1} ms");
        }

        Console.WriteLine(quiet.Count > 0
            ? $"  batches without a collection ({quiet.Count}): {Median(quiet.Select(b => b.Wall)):F2} us per run"
            : "  every batch had a collection (DOTNET_gcConcurrent=0 gives larger young generations: some batches then have none)");
    }
}

/// <summary>
/// How long <c>StartBackground</c> keeps its caller with the default file store: 1,000 starts per operation, each
/// returning before its first record is written (the write happens on the run's own path); every iteration's runs
/// are awaited afterwards, outside the measurement.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5, invocationCount: 1)]
public class StartBackgroundBenchmarks
{
    private const int Starts = 1000;
    private readonly List<ExecutionHandle<string>> _started = new(Starts);
    private string _directory = null!;
    private OneTaskCrew _crew = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "amsha-bench-" + Guid.NewGuid().ToString("N"));
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new ShortAnswerChatClient());
        _crew = new OneTaskCrew(new ExecutionSession(options, new FileExecutionStore(_directory)));
    }

    [Benchmark(Description = "StartBackground, file store (per start)", OperationsPerInvoke = Starts)]
    public void StartThousand()
    {
        for (var i = 0; i < Starts; i++)
        {
            _started.Add(_crew.StartBackground(new BenchTopic("Rust")));
        }
    }

    [IterationCleanup]
    public void AwaitRuns()
    {
        // Outside the measurement: BenchmarkDotNet's cleanup hooks are synchronous.
        Task.WhenAll(_started.Select(h => h.ResultAsync())).GetAwaiter().GetResult();
        _started.Clear();
    }

    [GlobalCleanup]
    public void Cleanup() => System.IO.Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// A store that answers every write as stored and keeps nothing: what a background run costs by itself, its two writes
/// included, without the collections that an in-memory store holding every record makes the GC do.
/// </summary>
public sealed class DiscardingExecutionStore : IExecutionStore
{
    public ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default) => new((ExecutionRecord?)null);

    public ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default) => new(record with { Revision = record.Revision + 1 });

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default) => new(Array.Empty<ExecutionRecord>());
}
