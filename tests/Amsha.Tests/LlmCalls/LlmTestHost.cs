using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using Amsha.OpenAI;
using Amsha.TestKit.Loopback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Tests.LlmCalls;

/// <summary>Sessions wired to a loopback server through configuration and the OpenAI provider, with fast backoff.</summary>
internal static class LlmTestHost
{
    public const string ApiKey = "sk-loopback-SECRET-0123456789";

    public static ExecutionSession Session(LoopbackChatServer server, string model, IDictionary<string, string?>? extra = null, Action<AmshaOptions>? configure = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null, IExecutionStore? store = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Amsha:Llm:UseCases:default:Default"] = "main",
            ["Amsha:Llm:UseCases:default:Models:main:Provider"] = "OpenAI",
            ["Amsha:Llm:UseCases:default:Models:main:Model"] = model,
            ["Amsha:Llm:UseCases:default:Models:main:BaseUrl"] = server.BaseUrl,
            ["Amsha:Llm:UseCases:default:Models:main:ApiKey"] = ApiKey,
            ["Amsha:Llm:UseCases:default:Models:alt:Provider"] = "OpenAI",
            ["Amsha:Llm:UseCases:default:Models:alt:Model"] = model + "-alt",
            ["Amsha:Llm:UseCases:default:Models:alt:BaseUrl"] = server.BaseUrl,
            ["Amsha:Llm:UseCases:default:Parameters:Temperature"] = "0.2",
            ["Amsha:Llm:Resilience:BaseDelay"] = "00:00:00.010",
            ["Amsha:Llm:Resilience:MaxDelay"] = "00:00:02",
            // Far above a loopback answer's time on a busy machine (tests that meet a timeout set their own).
            ["Amsha:Llm:Resilience:AttemptTimeout"] = "00:00:30",
            ["Amsha:Llm:Resilience:TotalTimeout"] = "00:01:30",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        if (loggerFactory is not null)
        {
            services.AddSingleton(loggerFactory);
        }

        var amsha = services.AddAmsha(configuration.GetSection("Amsha")).AddOpenAIProvider();
        if (configure is not null)
        {
            amsha.Configure(configure);
        }

        if (store is not null)
        {
            amsha.UseStore(store);
        }

        return services.BuildServiceProvider().GetRequiredService<ExecutionSession>();
    }

    public static string UniqueModel() => "model-" + Guid.NewGuid().ToString("N")[..8];
}

/// <summary>Records the Amsha spans of one test: only those in the trace of the test's own root activity.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private static readonly ActivitySource s_testSource = new("Amsha.Tests");
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly Activity? _root;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Amsha" or "Amsha.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (_root is { } root && activity.TraceId == root.TraceId && activity.Source.Name == "Amsha")
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = s_testSource.StartActivity("test")!;
    }

    public IReadOnlyList<Activity> Spans => _spans.ToList();

    public Activity Single(string namePrefix) => Assert.Single(Spans, s => s.DisplayName.StartsWith(namePrefix, StringComparison.Ordinal));

    /// <summary>Every tag value and event attribute as text, for "never contains" checks.</summary>
    public string AllText() => string.Join("\n", Spans.SelectMany(s =>
        s.TagObjects.Select(t => t.Key + "=" + Text(t.Value))
            .Concat(s.Events.SelectMany(e => e.Tags.Select(t => e.Name + ":" + t.Key + "=" + Text(t.Value))))
            .Append(s.DisplayName)
            .Append(s.StatusDescription ?? "")));

    public void Dispose()
    {
        _root?.Dispose();
        _listener.Dispose();
    }

    private static string Text(object? value) => value is string[] array ? string.Join(",", array) : value?.ToString() ?? "";
}

/// <summary>Records the Amsha meter's measurements.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Amsha")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<(string Instrument, double Value, Dictionary<string, object?> Tags)> For(string model) =>
        _measurements.Where(m => Equals(m.Tags.GetValueOrDefault("gen_ai.request.model"), model)).ToList();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
