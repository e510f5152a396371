using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Tests.LlmCalls;
using Amsha.Tests.Serialization;
using Amsha.Tests.Support;
using Amsha.TestKit.Loopback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Amsha.Tests.Monitoring;

/// <summary>
/// Exporter-level conformance: everything the OpenTelemetry SDK exports for a call (every span, span event and metric
/// point) is checked against <see cref="GenAiConventionTable"/>, for interactive, background, retried, failed, canceled
/// and streaming calls, and for the newer layout. Runs alone: one test switches the process-wide layout.
/// </summary>
[Collection(nameof(AloneCollection))]
public sealed class GenAiConventionsTests
{
    private const string Verdict = """{"decision":"ship","confidence":9,"reasons":["fast"]}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_interactive_retried_crew_call_conforms_with_sampling_attributes_at_creation()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Error(503), LoopbackReply.Success("a conforming answer", promptTokens: 3, completionTokens: 2));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        using var capture = new TelemetryCapture();

        // Started: its caller may read the tokens, so the call streams (a RunAsync nobody watches asks for the whole answer).
        await new ExplainCrew(session).Start(new Question("conformance"), cancellationToken: Token).ResultAsync(Token);
        var (spans, metrics) = capture.Collect(model);

        AssertConforms(spans, metrics, latest: false);
        var chat = Single(spans, "chat " + model);
        var agent = Single(spans, "invoke_agent Analyst");
        var workflow = Single(spans, "invoke_workflow ExplainCrew");
        Assert.Equal(agent.SpanId, chat.ParentSpanId);
        Assert.Equal(workflow.SpanId, agent.ParentSpanId);

        // Required and conditionally required attributes.
        Assert.Equal(true, chat.GetTagItem("gen_ai.request.stream"));
        Assert.Equal("openai", chat.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("127.0.0.1", chat.GetTagItem("server.address"));
        Assert.Equal(server.Port, chat.GetTagItem("server.port"));
        Assert.Null(chat.GetTagItem("gen_ai.output.type"));
        Assert.Equal(0.2, chat.GetTagItem("gen_ai.request.temperature"));
        Assert.IsType<double>(chat.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Assert.Equal(3L, chat.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal("openai", agent.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(model, agent.GetTagItem("gen_ai.request.model"));
        Assert.Equal(3L, agent.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(2L, agent.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.All(new[] { chat, agent, workflow }, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));

        // The retry is Amsha's event, with the span's low-cardinality error.type.
        var retry = Assert.Single(chat.Events);
        Assert.Equal("amsha.llm.retry", retry.Name);
        Assert.Equal("503", retry.Tags.Single(t => t.Key == "error.type").Value);

        // Samplers see operation, provider, model and server: they were passed at creation.
        Assert.Equal(new Dictionary<string, object?>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.provider.name"] = "openai",
            ["gen_ai.request.model"] = model,
            ["server.address"] = "127.0.0.1",
            ["server.port"] = server.Port,
        }, capture.SampledTags(chat.DisplayName));
        var agentAtCreation = capture.SampledTags(agent.DisplayName);
        Assert.Equal("invoke_agent", agentAtCreation["gen_ai.operation.name"]);
        Assert.Equal("openai", agentAtCreation["gen_ai.provider.name"]);
        Assert.Equal(model, agentAtCreation["gen_ai.request.model"]);
        Assert.Equal("invoke_workflow", capture.SampledTags(workflow.DisplayName)["gen_ai.operation.name"]);

        // Metrics: one duration without error.type, tokens by type, chunk timings of the answer's stream.
        Assert.Equal(1, Count(metrics, "gen_ai.client.operation.duration"));
        Assert.DoesNotContain(Points(metrics, "gen_ai.client.operation.duration"), p => p.Tags.ContainsKey("error.type"));
        Assert.Equal(3, Sum(metrics, "gen_ai.client.token.usage", ("gen_ai.token.type", "input")));
        Assert.Equal(2, Sum(metrics, "gen_ai.client.token.usage", ("gen_ai.token.type", "output")));
        Assert.Equal(1, Count(metrics, "gen_ai.client.operation.time_to_first_chunk"));
        Assert.True(Count(metrics, "gen_ai.client.operation.time_per_output_chunk") >= 2);
        Assert.DoesNotContain(metrics, m => m.Name.StartsWith("gen_ai.client.inference.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_background_crew_with_a_JSON_output_conforms_and_says_json()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success(Verdict, promptTokens: 9, completionTokens: 4));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        using var capture = new TelemetryCapture();

        var handle = await new ReviewCrew(session).StartBackgroundAsync(new ReviewRequest("conformance"), cancellationToken: Token);
        await handle.ResultAsync(Token);
        var (spans, metrics) = capture.Collect(model, handle.ExecutionId);

        AssertConforms(spans, metrics, latest: false);
        Assert.Equal("json", Single(spans, "chat " + model).GetTagItem("gen_ai.output.type"));
        Assert.Equal("json", Single(spans, "invoke_agent Reviewer").GetTagItem("gen_ai.output.type"));
        Assert.Equal(9, Sum(metrics, "gen_ai.client.token.usage", ("gen_ai.token.type", "input")));
    }

    [Fact]
    public async Task A_failed_call_marks_chat_agent_and_workflow_the_same_way_and_reports_no_usage()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Error(401));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        using var capture = new TelemetryCapture();

        var handle = new ExplainCrew(session).Start(new Question("failure"));
        await Assert.ThrowsAsync<LlmCallException>(() => handle.ResultAsync(Token));
        var (spans, metrics) = capture.Collect(model, handle.ExecutionId);

        AssertConforms(spans, metrics, latest: false);
        foreach (var span in new[] { Single(spans, "chat " + model), Single(spans, "invoke_agent Analyst"), Single(spans, "invoke_workflow ExplainCrew") })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("401", span.GetTagItem("error.type"));
            Assert.True(string.IsNullOrEmpty(span.StatusDescription), span.StatusDescription);
        }

        // A 401 carries no usage: no token counts on the span, no token metric.
        Assert.Null(Single(spans, "chat " + model).GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(0, Count(metrics, "gen_ai.client.token.usage"));
        Assert.Equal("401", Assert.Single(Points(metrics, "gen_ai.client.operation.duration")).Tags["error.type"]);
    }

    [Fact]
    public async Task A_canceled_crew_marks_chat_agent_and_workflow_canceled()
    {
        var model = LlmTestHost.UniqueModel();
        var longAnswer = string.Join(" ", Enumerable.Repeat("word", 200));
        var client = new OfflineChatClient(new OfflineChatClientOptions { ModelId = model, TokenDelay = TimeSpan.FromMilliseconds(100), Responder = _ => longAnswer, TimeProvider = new FakeTimeProvider() });
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        await using var session = new ExecutionSession(options);
        using var capture = new TelemetryCapture();

        var handle = new ExplainCrew(session).Start(new Question("cancellation"));
        await foreach (var e in handle.StreamAsync(Token))
        {
            if (e is TokenDeltaEvent)
            {
                handle.Cancel();
                break;
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.ResultAsync(Token));
        var (spans, metrics) = capture.Collect(model, handle.ExecutionId);

        AssertConforms(spans, metrics, latest: false);
        foreach (var span in new[] { Single(spans, "chat " + model), Single(spans, "invoke_agent Analyst"), Single(spans, "invoke_workflow ExplainCrew") })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("canceled", span.GetTagItem("error.type"));
        }

        Assert.Equal("canceled", Assert.Single(Points(metrics, "gen_ai.client.operation.duration")).Tags["error.type"]);
    }

    [Fact]
    public async Task A_streamed_AmshaLlmCall_records_chunk_timings_and_finish_reason_in_its_output_messages()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success("one two three four five", promptTokens: 4, completionTokens: 5));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model, new Dictionary<string, string?> { ["Amsha:CaptureMessageContent"] = "true" });
        using var capture = new TelemetryCapture();

        var received = new List<string>();
        await foreach (var delta in new Assistant(session).StreamAsync("streams", Token))
        {
            received.Add(delta);
        }

        var (spans, metrics) = capture.Collect(model);

        Assert.NotEmpty(received);
        AssertConforms(spans, metrics, latest: false);
        var chat = Single(spans, "chat " + model);
        Assert.Equal(true, chat.GetTagItem("gen_ai.request.stream"));
        Assert.True((double)chat.GetTagItem("gen_ai.response.time_to_first_chunk")! >= 0);
        Assert.Equal(1, Count(metrics, "gen_ai.client.operation.time_to_first_chunk"));
        Assert.True(Count(metrics, "gen_ai.client.operation.time_per_output_chunk") >= 4, "one point per chunk after the first");

        // The output messages schema requires role, parts and finish_reason.
        using var output = JsonDocument.Parse((string)chat.GetTagItem("gen_ai.output.messages")!);
        var message = Assert.Single(output.RootElement.EnumerateArray().ToList());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("stop", message.GetProperty("finish_reason").GetString());
        Assert.Equal("text", message.GetProperty("parts")[0].GetProperty("type").GetString());
        using var input = JsonDocument.Parse((string)chat.GetTagItem("gen_ai.input.messages")!);
        Assert.All(input.RootElement.EnumerateArray(), m => Assert.True(m.TryGetProperty("parts", out _)));
    }

    [Fact]
    public async Task Cache_and_reasoning_tokens_come_from_UsageDetails_and_the_endpoint_names_the_provider()
    {
        var model = LlmTestHost.UniqueModel();
        var client = new ScriptedChatClient(model, new Uri("https://contoso.openai.azure.com/openai/v1"),
            new UsageDetails { InputTokenCount = 20, OutputTokenCount = 10, TotalTokenCount = 30, CachedInputTokenCount = 12, ReasoningTokenCount = 6 });
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(client);
        await using var session = new ExecutionSession(options);
        using var capture = new TelemetryCapture();

        await new Assistant(session).SummarizeAsync("cached", Token);
        var (spans, metrics) = capture.Collect(model);

        AssertConforms(spans, metrics, latest: false);
        var chat = Single(spans, "chat " + model);
        Assert.Equal("azure.ai.openai", chat.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("contoso.openai.azure.com", chat.GetTagItem("server.address"));
        Assert.Equal(443, chat.GetTagItem("server.port"));
        Assert.Equal(12L, chat.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(6L, chat.GetTagItem("gen_ai.usage.reasoning.output_tokens"));
        Assert.All(Points(metrics, "gen_ai.client.token.usage"), p => Assert.Equal("azure.ai.openai", p.Tags["gen_ai.provider.name"]));

        // A text nobody reads as it comes is asked for whole: not streamed, so no chunk timings either.
        Assert.Equal(false, chat.GetTagItem("gen_ai.request.stream"));
        Assert.Null(chat.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Assert.Equal(0, Count(metrics, "gen_ai.client.operation.time_to_first_chunk"));
    }

    [Fact]
    public async Task A_provider_that_reports_no_usage_gets_no_token_counts()
    {
        var model = LlmTestHost.UniqueModel();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new ScriptedChatClient(model, null, usage: null));
        await using var session = new ExecutionSession(options);
        using var capture = new TelemetryCapture();

        await new Assistant(session).SummarizeAsync("no usage", Token);
        var (spans, metrics) = capture.Collect(model);

        AssertConforms(spans, metrics, latest: false);
        var chat = Single(spans, "chat " + model);
        Assert.DoesNotContain(chat.TagObjects, t => t.Key.StartsWith("gen_ai.usage.", StringComparison.Ordinal));
        Assert.Null(chat.GetTagItem("server.address"));
        Assert.Equal(0, Count(metrics, "gen_ai.client.token.usage"));
        Assert.Equal(1, Count(metrics, "gen_ai.client.operation.duration"));
    }

    [Fact]
    public async Task The_opt_in_layout_emits_the_newer_token_metrics_instead_of_token_usage()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Success("newer layout", promptTokens: 6, completionTokens: 2), LoopbackReply.Error(400));
        var model = LlmTestHost.UniqueModel();
        var session = LlmTestHost.Session(server, model);
        using var layout = GenAiConventions.UseLayoutForTests(latest: true);
        using var capture = new TelemetryCapture();

        await new Assistant(session).SummarizeAsync("latest", Token);
        await Assert.ThrowsAsync<LlmCallException>(() => new Assistant(session).SummarizeAsync("fails", Token));
        var (spans, metrics) = capture.Collect(model);

        AssertConforms(spans, metrics, latest: true);
        Assert.Equal(0, Count(metrics, "gen_ai.client.token.usage"));
        Assert.Equal(6, Sum(metrics, "gen_ai.client.inference.usage.input_tokens", ("gen_ai.token.modality", "unknown")));
        Assert.Equal(2, Sum(metrics, "gen_ai.client.inference.usage.output_tokens", ("gen_ai.token.modality", "unknown")));

        // Every operation is recorded, the failed one with 0 and its error.type.
        var inputs = Points(metrics, "gen_ai.client.inference.operation.input_tokens");
        Assert.Equal(2, inputs.Sum(p => p.Count));
        Assert.Equal(0, Assert.Single(inputs, p => p.Tags.ContainsKey("error.type")).Sum);
        Assert.Equal("400", Assert.Single(inputs, p => p.Tags.ContainsKey("error.type")).Tags["error.type"]);
    }

    [Fact]
    public void The_opt_in_variable_is_a_comma_separated_list()
    {
        Assert.True(GenAiConventions.Requests("gen_ai_latest_experimental"));
        Assert.True(GenAiConventions.Requests("http, gen_ai_latest_experimental"));
        Assert.False(GenAiConventions.Requests("http"));
        Assert.False(GenAiConventions.Requests(""));
        Assert.False(GenAiConventions.Requests(null));
        Assert.Equal(GenAiConventionTable.Version, GenAiConventions.PinnedVersion);
    }

    [Theory]
    [InlineData("OpenAI", null, "openai", null, null)]
    [InlineData("OpenAI", "https://api.openai.com/v1", "openai", "api.openai.com", 443)]
    [InlineData("OpenAI", "https://res.openai.azure.com/openai/v1", "azure.ai.openai", "res.openai.azure.com", 443)]
    [InlineData("OpenAI", "https://res.cognitiveservices.azure.com/openai/v1", "azure.ai.openai", "res.cognitiveservices.azure.com", 443)]
    [InlineData("OpenAI", "https://res.services.ai.azure.com/models", "azure.ai.inference", "res.services.ai.azure.com", 443)]
    [InlineData("OpenAI", "https://api.groq.com/openai/v1", "groq", "api.groq.com", 443)]
    [InlineData("OpenAI", "https://api.deepseek.com/v1", "deepseek", "api.deepseek.com", 443)]
    [InlineData("OpenAI", "https://api.mistral.ai/v1", "mistral_ai", "api.mistral.ai", 443)]
    [InlineData("OpenAI", "https://generativelanguage.googleapis.com/v1beta/openai", "gcp.gemini", "generativelanguage.googleapis.com", 443)]
    [InlineData("OpenAI", "http://localhost:11434/v1", "openai", "localhost", 11434)]
    [InlineData("AzureOpenAI", null, "azure.ai.openai", null, null)]
    [InlineData("Offline", null, "offline", null, null)]
    public void The_provider_name_and_server_come_from_the_endpoint(string provider, string? baseUrl, string expectedProvider, string? address, int? port)
    {
        var endpoint = LlmEndpoint.Describe(provider, baseUrl, client: null);
        Assert.Equal(expectedProvider, endpoint.ProviderName);
        Assert.Equal(address, endpoint.ServerAddress);
        Assert.Equal(port, endpoint.ServerPort);
    }

    private static void AssertConforms(IReadOnlyList<Activity> spans, IReadOnlyList<Metric> metrics, bool latest)
    {
        Assert.NotEmpty(spans);
        Assert.Contains(metrics, m => m.Name == "gen_ai.client.operation.duration");
        var problems = GenAiConventionTable.Check(spans, metrics, latest);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static Activity Single(IReadOnlyList<Activity> spans, string name) => Assert.Single(spans, s => s.DisplayName == name);

    private sealed record Point(Dictionary<string, object?> Tags, long Count, double Sum);

    // The test's unique model: metric points of any other model are not the test's.
    private static readonly AsyncLocal<string?> s_model = new();

    private static List<Point> Points(IReadOnlyList<Metric> metrics, string name)
    {
        var points = new List<Point>();
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                if (!Equals(tags.GetValueOrDefault("gen_ai.request.model"), s_model.Value))
                {
                    continue;
                }

                points.Add(metric.MetricType == MetricType.Histogram
                    ? new Point(tags, point.GetHistogramCount(), point.GetHistogramSum())
                    : new Point(tags, 1, point.GetSumLong()));
            }
        }

        return points;
    }

    private static long Count(IReadOnlyList<Metric> metrics, string name) => Points(metrics, name).Sum(p => p.Count);

    private static double Sum(IReadOnlyList<Metric> metrics, string name, (string Key, string Value) tag) =>
        Points(metrics, name).Where(p => Equals(p.Tags.GetValueOrDefault(tag.Key), tag.Value)).Sum(p => p.Sum);

    /// <summary>
    /// An OpenTelemetry SDK tracer and meter provider with in-memory exporters and a sampler that records what it was
    /// shown at span creation. Spans are those of the test's own trace (or of one execution's trace), metric points
    /// those of the test's unique model: other tests' telemetry never counts.
    /// </summary>
    private sealed class TelemetryCapture : IDisposable
    {
        private static readonly ActivitySource s_testSource = new("Amsha.Tests.Conformance");
        private readonly List<Activity> _spans = new();
        private readonly List<Metric> _metrics = new();
        private readonly RecordingSampler _sampler = new();
        private readonly TracerProvider _tracing;
        private readonly MeterProvider _meters;
        private readonly Activity _root;

        public TelemetryCapture()
        {
            _tracing = Sdk.CreateTracerProviderBuilder().SetSampler(_sampler).AddSource(s_testSource.Name).AddAmshaInstrumentation().AddInMemoryExporter(_spans).Build()!;
            _meters = Sdk.CreateMeterProviderBuilder().AddAmshaInstrumentation().AddInMemoryExporter(_metrics).Build()!;
            _root = s_testSource.StartActivity("test")!;
        }

        public (IReadOnlyList<Activity> Spans, IReadOnlyList<Metric> Metrics) Collect(string model, string? executionId = null)
        {
            _root.Stop();
            _tracing.ForceFlush();
            _metrics.Clear();
            _meters.ForceFlush();

            // A background execution runs detached: its trace is the one its workflow span started.
            var traces = new HashSet<ActivityTraceId> { _root.TraceId };
            foreach (var span in _spans.Where(s => executionId is not null && Equals(s.GetTagItem("amsha.execution.id"), executionId)))
            {
                traces.Add(span.TraceId);
            }

            var spans = _spans.Where(s => s.Source.Name == AmshaTelemetryNames.SourceName && traces.Contains(s.TraceId)).ToList();
            _traces = traces;
            s_model.Value = model;
            return (spans, _metrics.ToList());
        }

        private HashSet<ActivityTraceId> _traces = new();

        public Dictionary<string, object?> SampledTags(string spanName)
        {
            var seen = Assert.Single(_sampler.Seen, s => s.Name == spanName && _traces.Contains(s.TraceId));
            return seen.Tags;
        }

        public void Dispose()
        {
            _root.Dispose();
            _tracing.Dispose();
            _meters.Dispose();
        }
    }

    private sealed class RecordingSampler : Sampler
    {
        public List<(string Name, ActivityTraceId TraceId, Dictionary<string, object?> Tags)> Seen { get; } = new();

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in samplingParameters.Tags ?? [])
            {
                tags[tag.Key] = tag.Value;
            }

            lock (Seen)
            {
                Seen.Add((samplingParameters.Name, samplingParameters.TraceId, tags));
            }

            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
    }

    /// <summary>A model that streams a fixed answer word by word, then the given usage (or none) with a finish reason.</summary>
    private sealed class ScriptedChatClient(string model, Uri? endpoint, UsageDetails? usage) : IChatClient
    {
        private readonly ChatClientMetadata _metadata = new("openai", endpoint, model);

        // Calls nobody streams ask for the whole answer: the same updates, combined.
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield return new ChatResponseUpdate(ChatRole.Assistant, "A scripted ") { ModelId = model };
            yield return new ChatResponseUpdate(ChatRole.Assistant, "answer.") { ModelId = model };
            var last = new ChatResponseUpdate(ChatRole.Assistant, []) { FinishReason = ChatFinishReason.Stop, ModelId = model };
            if (usage is not null)
            {
                last.Contents.Add(new UsageContent(usage));
            }

            yield return last;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
