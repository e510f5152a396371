using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.AI;

namespace Amsha.Tests.Monitoring;

/// <summary>
/// The monitor's acceptance case: a crew run with two retried calls reports the scripted model's exact
/// token totals in <see cref="AmshaMetrics"/>, in the OpenTelemetry metric and in the events alike.
/// </summary>
public sealed class TokenAgreementTests
{
    [Fact]
    public async Task Metrics_telemetry_and_events_agree_with_the_scripted_model_when_two_calls_are_retried()
    {
        // A model id of its own tags this test's measurements apart from tests running in parallel.
        var model = "agreement-" + Guid.NewGuid().ToString("N");
        var billed = new List<(long Input, long Output)>();
        var client = new OfflineChatClient(new OfflineChatClientOptions
        {
            ModelId = model,
            Responder = conversation =>
            {
                var answer = conversation[0].Text.Contains("researcher", StringComparison.Ordinal) ? "one two three four five" : "alpha beta gamma";
                lock (billed)
                {
                    billed.Add((conversation.Sum(m => (long)OfflineChatClient.CountTokens(m.Text)), OfflineChatClient.CountTokens(answer)));
                }

                return answer;
            },
        });

        using var telemetry = new LlmCalls.MetricRecorder();

        // Both tasks' first attempts fail (a 503 that still bills the prompt); each call is retried once.
        await using var session = MonitoringCrews.UsageReportingSession(client, failFirst: 2);
        var handle = session.Start(MonitoringCrews.TwoTasks("TokenAgreementCrew"), "Rust");
        var events = await TestCrews.ReadAllEventsAsync(handle);
        var result = await handle.ResultWithinTimeoutAsync();

        // The model's own bill: every successful call, plus the prompt of each failed first attempt.
        Assert.Equal(2, billed.Count);
        var expected = new TokenUsage(2 * billed.Sum(b => b.Input), billed.Sum(b => b.Output), 2 * billed.Sum(b => b.Input) + billed.Sum(b => b.Output));

        var metrics = result.Metrics!;
        Assert.Equal(2, metrics.RetryCount);
        Assert.Equal(expected, metrics.Tokens);

        var completed = events.OfType<LlmCallCompletedEvent>().ToList();
        Assert.Equal(2, completed.Count);
        Assert.All(completed, c => Assert.Equal(2, c.Attempts));
        var retrying = events.OfType<LlmCallRetryingEvent>().ToList();
        Assert.Equal(2, retrying.Count);

        // Each attempt's tokens are on the one event that reports it: the failed first attempts on their retry events.
        Assert.All(retrying, r => Assert.True(r.Usage.InputTokens > 0 && r.Usage.OutputTokens == 0, r.Usage.ToString()));
        Assert.Equal(expected, retrying.Concat<ExecutionEvent>(completed).Aggregate(TokenUsage.Zero, (sum, e) => sum + (e is LlmCallRetryingEvent r ? r.Usage : ((LlmCallCompletedEvent)e).Usage)));

        Assert.Equal(expected, result.Usage);
        var tokens = telemetry.For(model).Where(m => m.Instrument == "gen_ai.client.token.usage").ToList();
        Assert.Equal(expected.InputTokens, (long)tokens.Where(m => Equals(m.Tags["gen_ai.token.type"], "input")).Sum(m => m.Value));
        Assert.Equal(expected.OutputTokens, (long)tokens.Where(m => Equals(m.Tags["gen_ai.token.type"], "output")).Sum(m => m.Value));
    }
}
