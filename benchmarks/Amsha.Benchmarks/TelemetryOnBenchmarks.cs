using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Amsha.Benchmarks;

/// <summary>
/// One chat call with telemetry on: an <see cref="ActivityListener"/> that records every span of every source, and a
/// <see cref="MeterListener"/> that takes every measurement of every meter. The raw client goes through Microsoft.Extensions.AI's
/// <c>UseOpenTelemetry()</c> chat client, the Agent Framework agent through its <c>UseOpenTelemetry()</c> agent over that
/// chat client, and the <c>[AmshaLlmCall]</c> through Amsha's own spans and GenAI metrics.
/// </summary>
[MemoryDiagnoser]
public class TelemetryOnBenchmarks : PeerBenchmarks, IDisposable
{
    private ActivityListener? _spans;
    private MeterListener? _metrics;
    private IChatClient _tracedClient = null!;
    private AIAgent _tracedAgent = null!;
    private SummarySite _site = null!;
    private long _measurements;

    [GlobalSetup]
    public void Setup()
    {
        SetUp(new ShortAnswerChatClient());
        _tracedClient = Client.AsBuilder().UseOpenTelemetry().Build();
        _tracedAgent = new ChatClientAgent(_tracedClient, Instructions).AsBuilder().UseOpenTelemetry().Build();
        _site = new SummarySite(Session);

        _spans = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_spans);
        _metrics = new MeterListener { InstrumentPublished = static (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        _metrics.SetMeasurementEventCallback<double>((_, _, _, _) => _measurements++);
        _metrics.SetMeasurementEventCallback<long>((_, _, _, _) => _measurements++);
        _metrics.SetMeasurementEventCallback<int>((_, _, _, _) => _measurements++);
        _metrics.Start();

        // Every stack must answer, and telemetry must be on for each: measurements are taken.
        foreach (var run in new Func<Task<string>>[] { TracedRaw, TracedAgentFramework, TracedAmshaLlmCall })
        {
            var before = _measurements;
            if (!run().GetAwaiter().GetResult().Contains(ShortAnswerChatClient.Answer, StringComparison.Ordinal) || _measurements == before)
            {
                throw new InvalidOperationException($"{run.Method.Name} did not answer with telemetry on.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "raw IChatClient call, OpenTelemetry chat client")]
    public async Task<string> TracedRaw() => (await _tracedClient.GetResponseAsync(Messages).ConfigureAwait(false)).Text;

    [Benchmark(Description = "Agent Framework RunAsync, OpenTelemetry agent")]
    public async Task<string> TracedAgentFramework() => (await _tracedAgent.RunAsync(Question).ConfigureAwait(false)).Text;

    [Benchmark(Description = "Amsha [AmshaLlmCall], spans and metrics")]
    public Task<string> TracedAmshaLlmCall() => _site.SummarizeAsync("Rust");

    [GlobalCleanup]
    public void Dispose()
    {
        _spans?.Dispose();
        _metrics?.Dispose();
        GC.SuppressFinalize(this);
    }
}
