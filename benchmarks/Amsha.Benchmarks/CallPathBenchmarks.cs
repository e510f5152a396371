using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amsha;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace Amsha.Benchmarks;

/// <summary>An <c>[AmshaLlmCall]</c> site: the generated body goes through the one Amsha call path.</summary>
public sealed partial class SummarySite(ExecutionSession session)
{
    [AmshaLlmCall(Prompt = "Summarize {text} in one sentence.")]
    public partial Task<string> SummarizeAsync(string text, CancellationToken cancellationToken = default);
}

/// <summary>
/// The per-call overhead of the Amsha call path (resilience pipeline, telemetry, token accounting,
/// events) over calling the same <see cref="IChatClient"/> directly. The model is the offline client
/// with no latency, so the difference is Amsha's own cost.
/// </summary>
[MemoryDiagnoser]
public class CallPathBenchmarks
{
    private const string Text = "the quarterly report of a mid-sized company with three divisions";

    private OfflineChatClient _client = null!;
    private SummarySite _site = null!;
    private List<ChatMessage> _messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new OfflineChatClient();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(_client);
        _site = new SummarySite(new ExecutionSession(options));
        _messages = new List<ChatMessage> { new(ChatRole.User, $"Summarize {Text} in one sentence.") };
    }

    [Benchmark(Baseline = true, Description = "IChatClient directly")]
    public async Task<string> Raw() => (await _client.GetResponseAsync(_messages).ConfigureAwait(false)).Text;

    [Benchmark(Description = "[AmshaLlmCall] (Amsha call path)")]
    public Task<string> ThroughAmsha() => _site.SummarizeAsync(Text);
}
