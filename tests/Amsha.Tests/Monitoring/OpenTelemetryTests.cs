using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Amsha.Tests.Monitoring;

public sealed class OpenTelemetryTests
{
    [Fact]
    public async Task AddAmshaInstrumentation_exports_amsha_metrics()
    {
        const string crewName = "OtelExportedCrew";
        var exported = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder()
            .AddAmshaInstrumentation()
            .AddInMemoryExporter(exported)
            .Build()!;

        await using var session = MonitoringCrews.UsageReportingSession(new OfflineChatClient(), failFirst: 2);
        var result = await session.RunAsync(MonitoringCrews.TwoTasks(crewName), "Rust").WaitAsync(TestCrews.Timeout);
        Assert.Equal(2, result.Metrics!.RetryCount);
        meters.ForceFlush();

        // Other tests run executions in parallel; only this crew's points are asserted.
        Assert.Equal(1, HistogramCount(exported, "amsha.execution.duration", crewName));
        Assert.Equal(2, HistogramCount(exported, "amsha.task.duration", crewName));
        Assert.Equal(2, LongSum(exported, "amsha.llm.retries", crewName));
        // The crew's gauge point exists (it went up at start) and is back to 0 at the end.
        Assert.NotEmpty(Points(exported, "amsha.executions.active", crewName));
        Assert.Equal(0, LongSum(exported, "amsha.executions.active", crewName));
        Assert.Equal("s", exported.Last(m => m.Name == "amsha.execution.duration").Unit);
        Assert.All(exported.Where(m => m.Name.StartsWith("amsha.", StringComparison.Ordinal)), m => Assert.Equal(AmshaTelemetryNames.MeterName, m.MeterName));
    }

    [Fact]
    public void AddAmshaInstrumentation_exports_activities_of_the_Amsha_source()
    {
        var exported = new ConcurrentExport<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .AddAmshaInstrumentation()
            .AddInMemoryExporter(exported)
            .Build()!;

        // The runtime's own spans come with the LLM call path; any activity of the source is exported.
        using (var source = new ActivitySource(AmshaTelemetryNames.SourceName))
        using (source.StartActivity("invoke_workflow OtelCrew"))
        {
        }

        using (var other = new ActivitySource("NotAmsha"))
        using (other.StartActivity("ignored"))
        {
        }

        tracer.ForceFlush();
        var activity = Assert.Single(exported, a => a.DisplayName == "invoke_workflow OtelCrew");
        Assert.Equal(AmshaTelemetryNames.SourceName, activity.Source.Name);
        Assert.DoesNotContain(exported, a => a.DisplayName == "ignored");
    }

    private static long HistogramCount(List<Metric> metrics, string name, string crew)
    {
        long count = 0;
        foreach (var point in Points(metrics, name, crew))
        {
            count += point.GetHistogramCount();
        }

        return count;
    }

    private static long LongSum(List<Metric> metrics, string name, string crew)
    {
        long sum = 0;
        foreach (var point in Points(metrics, name, crew))
        {
            sum += point.GetSumLong();
        }

        return sum;
    }

    private static IEnumerable<MetricPoint> Points(List<Metric> metrics, string name, string crew)
    {
        // Cumulative temporality: the last export of a metric holds its totals.
        var metric = metrics.LastOrDefault(m => m.Name == name);
        Assert.True(metric is not null, $"metric {name} was not exported");
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "amsha.crew.name" && Equals(tag.Value, crew))
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }
}
