using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using BenchmarkDotNet.Attributes;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Amsha.Benchmarks;

/// <summary>What <see cref="WeatherTools.GetWeather"/> returns.</summary>
public sealed record WeatherReport(string City, int Days, double HighCelsius, string Summary);

/// <summary>The one tool of the tool-round benchmark; it counts its calls so the setup can check every stack ran it.</summary>
[Toolbox]
public partial class WeatherTools
{
    private int _calls;

    /// <summary>How often <see cref="GetWeather"/> ran.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the weather forecast for a city.</summary>
    /// <param name="city">The city.</param>
    /// <param name="days">How many days ahead.</param>
    [Tool(Description = "Gets the weather forecast for a city.")]
    public WeatherReport GetWeather(string city, int days = 1)
    {
        Interlocked.Increment(ref _calls);
        return new WeatherReport(city, days, 4.5, "cloudy");
    }
}

[Agent(Role = "Forecaster", Goal = "Report the weather", Backstory = "Checks the forecast before answering.", Tools = [typeof(WeatherTools)])]
public partial class Forecaster;

[CrewTask(Agent = typeof(Forecaster), Description = "What is the weather in Oslo for the next two days?", ExpectedOutput = "One sentence")]
public partial class ForecastTask;

[Crew(Tasks = [typeof(ForecastTask)])]
public partial class ForecastCrew;

/// <summary>
/// A scripted model with no latency for one tool round: while the conversation has no tool message it asks for the
/// first offered tool with fixed arguments (<c>{"city":"Oslo","days":2}</c>, finish reason ToolCalls); once a tool
/// result is in the conversation it answers <see cref="FinalText"/>. Both answers carry usage; streamed answers are
/// one update with the finish reason set.
/// </summary>
public sealed class ToolRoundChatClient : IChatClient
{
    /// <summary>The answer after the tool ran.</summary>
    public const string FinalText = "Oslo: cloudy, highs of 4.5 °C for the next 2 days.";

    private static readonly JsonElement Arguments = JsonDocument.Parse("""{"city":"Oslo","days":2}""").RootElement.Clone();
    private static readonly ChatClientMetadata Metadata = new("ToolRound", defaultModelId: "tool-round");
    private int _calls;

    /// <summary>How many calls (streaming or not) the client answered.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (content, finishReason, usage) = Answer(messages, options);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [content]))
        {
            ModelId = "tool-round",
            FinishReason = finishReason,
            Usage = usage,
        });
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (content, finishReason, usage) = Answer(messages, options);
        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate(ChatRole.Assistant, [content, new UsageContent(usage)])
        {
            ModelId = "tool-round",
            FinishReason = finishReason,
        };
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private (AIContent Content, ChatFinishReason FinishReason, UsageDetails Usage) Answer(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        Interlocked.Increment(ref _calls);
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Tool)
            {
                return (new TextContent(FinalText), ChatFinishReason.Stop, new UsageDetails { InputTokenCount = 60, OutputTokenCount = 14, TotalTokenCount = 74 });
            }
        }

        AIFunctionDeclaration? tool = null;
        foreach (var offered in options?.Tools ?? [])
        {
            if (offered is AIFunctionDeclaration function)
            {
                tool = function;
                break;
            }
        }

        if (tool is null)
        {
            throw new InvalidOperationException("The tool-round client was called without a tool on offer.");
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["city"] = Arguments.GetProperty("city"),
            ["days"] = Arguments.GetProperty("days"),
        };
        return (new FunctionCallContent("call_1", tool.Name, arguments), ChatFinishReason.ToolCalls, new UsageDetails { InputTokenCount = 40, OutputTokenCount = 12, TotalTokenCount = 52 });
    }
}

/// <summary>
/// One tool round on a model with no latency (model asks for the tool, the tool runs, its result goes back, the
/// model answers), through Microsoft.Extensions.AI's <c>FunctionInvokingChatClient</c>, the Microsoft Agent
/// Framework's <c>ChatClientAgent</c>, and an Amsha crew whose agent has the tool. The model costs almost nothing, so
/// the differences are the stacks' own costs.
/// </summary>
[MemoryDiagnoser]
public class ToolRoundBenchmarks
{
    private const string Question = "What is the weather in Oslo for the next two days?";

    private ToolRoundChatClient _client = null!;
    private WeatherTools _tools = null!;
    private FunctionInvokingChatClient _invoking = null!;
    private ChatOptions _chatOptions = null!;
    private ChatClientAgent _agent = null!;
    private ExecutionSession _session = null!;
    private ForecastCrew _crew = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new ToolRoundChatClient();
        _tools = new WeatherTools();
        var tool = AIFunctionFactory.Create(_tools.GetWeather, "GetWeather", "Gets the weather forecast for a city.");

        _invoking = new FunctionInvokingChatClient(_client);
        _chatOptions = new ChatOptions { Tools = [tool] };

        _agent = new ChatClientAgent(_client, instructions: "You report the weather.", name: "Forecaster", tools: [tool]);

        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(_client);
        _session = new ExecutionSession(options);
        _session.AddToolbox(_tools);
        _crew = new ForecastCrew(_session);

        // Every stack must do the whole round: one tool call, two model calls, the final text.
        Check("FunctionInvokingChatClient", () => FunctionInvoking());
        Check("ChatClientAgent", () => AgentFramework());
        Check("Amsha crew", () => AmshaCrew());
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark(Baseline = true, Description = "M.E.AI FunctionInvokingChatClient")]
    public async Task<string> FunctionInvoking()
    {
        List<ChatMessage> messages = [new(ChatRole.User, Question)];
        return (await _invoking.GetResponseAsync(messages, _chatOptions).ConfigureAwait(false)).Text;
    }

    [Benchmark(Description = "Agent Framework ChatClientAgent")]
    public async Task<string> AgentFramework() => (await _agent.RunAsync(Question).ConfigureAwait(false)).Text;

    [Benchmark(Description = "Amsha crew RunAsync")]
    public async Task<string> AmshaCrew() => (await _crew.RunAsync().ConfigureAwait(false)).Output;

    private void Check(string stack, Func<Task<string>> operation)
    {
        for (var i = 0; i < 3; i++)
        {
            var (toolCalls, modelCalls) = (_tools.Calls, _client.Calls);
            var text = operation().GetAwaiter().GetResult();
            var ranTool = _tools.Calls - toolCalls;
            var asked = _client.Calls - modelCalls;
            if (ranTool != 1 || asked != 2 || text.Trim() != ToolRoundChatClient.FinalText)
            {
                throw new InvalidOperationException(
                    $"{stack}: expected 1 tool call, 2 model calls and the final text; got {ranTool} tool call(s), {asked} model call(s) and \"{text}\".");
            }
        }
    }
}
