using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Amsha.Tests.LlmCalls;

/// <summary>What an OpenTelemetry SDK subscribed to the <c>Amsha</c> source and meter exports.</summary>
public sealed class OpenTelemetryExportTests
{
    [Fact]
    public async Task In_memory_exporter_receives_GenAI_spans_and_metrics()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Error(503), LoopbackReply.Success("exported answer", promptTokens: 3, completionTokens: 2));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        var spans = new Support.ConcurrentExport<Activity>();
        var exported = new List<Metric>();
        List<Metric> metrics;
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Amsha").AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter("Amsha").AddInMemoryExporter(exported).Build())
        {
            await new ExplainCrew(session).RunAsync(new Question("export"), cancellationToken: TestContext.Current.CancellationToken);
            tracing.ForceFlush();
            meters.ForceFlush();

            // Disposing the provider exports once more; read the flushed export.
            metrics = exported.ToList();
        }

        var chat = Assert.Single(spans, s => s.DisplayName == "chat " + model);
        var agent = Assert.Single(spans, s => s.SpanId == chat.ParentSpanId);
        Assert.Equal("invoke_agent Analyst", agent.DisplayName);
        Assert.Equal("invoke_workflow ExplainCrew", Assert.Single(spans, s => s.SpanId == agent.ParentSpanId).DisplayName);
        var retry = Assert.Single(chat.Events);
        Assert.Equal("amsha.llm.retry", retry.Name);
        Assert.Equal("503", retry.Tags.Single(t => t.Key == "error.type").Value);

        var tokenMetric = Assert.Single(metrics, m => m.Name == "gen_ai.client.token.usage");
        Assert.Equal("{token}", tokenMetric.Unit);
        var sums = new Dictionary<string, double>();
        foreach (var point in PointsOf(tokenMetric))
        {
            var tags = Tags(point);
            if (Equals(tags.GetValueOrDefault("gen_ai.request.model"), model))
            {
                sums[(string)tags["gen_ai.token.type"]!] = point.GetHistogramSum();
            }
        }

        Assert.Equal(3, sums["input"]);
        Assert.Equal(2, sums["output"]);
        var duration = Assert.Single(metrics, m => m.Name == "gen_ai.client.operation.duration");
        Assert.Equal("s", duration.Unit);
        Assert.Contains(PointsOf(duration), p => Equals(Tags(p).GetValueOrDefault("gen_ai.request.model"), model) && p.GetHistogramCount() == 1);
    }

    private static List<MetricPoint> PointsOf(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }
}
