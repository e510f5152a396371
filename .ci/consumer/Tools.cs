using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Amsha;
using Amsha.OpenAI;
using Microsoft.Extensions.DependencyInjection;

// A user project with a toolbox of three tools (a record parameter, an enum, an optional int) whose agent runs
// against an OpenAI-protocol server on loopback that asks for all three tools in one round (parallel calls).
using var server = new ToolCallingServer();
var spans = new List<Activity>();
using var listener = new ActivityListener
{
    ShouldListenTo = source => source.Name == "Amsha",
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
};
ActivitySource.AddActivityListener(listener);

var registrations = new ServiceCollection();
registrations.AddAmsha(options =>
{
    options.Llm.UseCases["default"] = new LlmUseCaseOptions
    {
        Default = "main",
        Models = { ["main"] = new LlmModelOptions { Provider = "OpenAI", Model = "loopback", BaseUrl = server.BaseUrl } },
    };
}).AddOpenAIProvider().AddAmshaCrews();
using var services = registrations.BuildServiceProvider();

var handle = services.GetRequiredService<TripCrew>().Start(new TripRequest("Lisbon"));
var events = new List<ExecutionEvent>();
await foreach (var e in handle.StreamAsync())
{
    events.Add(e);
}

var result = await handle.ResultAsync();
var toolSpans = spans.Count(s => s.DisplayName.StartsWith("execute_tool ", StringComparison.Ordinal));
Console.WriteLine($"consumer tools: {result.Output.Title}: {string.Join(" | ", result.Output.Stops)}");
Console.WriteLine($"consumer tools: calls started {events.OfType<ToolCallStartedEvent>().Count()}, completed {events.OfType<ToolCallCompletedEvent>().Count()}, spans {toolSpans}, metrics {result.Metrics.ToolCallCount}, requests {server.Requests}");
var ok = TripTools.Searches == 1 && TripTools.Converts == 1 && TripTools.Counts == 1
    && events.OfType<ToolCallCompletedEvent>().Count() == 3 && toolSpans == 3 && result.Metrics.ToolCallCount == 3
    && result.Output.Stops.Contains("6.2") && result.Output.Stops.Any(s => s.Contains("Lisbon food")) && result.Output.Stops.Contains("4")
    && server.Requests == 2;
return ok ? 0 : 1;

public sealed record TripRequest(string City);
public sealed record TripPlan(string Title, string[] Stops);
public sealed record GuideQuery(string City, string[] Interests);
public enum DistanceUnit { Kilometers, Miles }

[Toolbox]
public partial class TripTools
{
    public static int Searches, Converts, Counts;

    [Tool(Description = "Looks up places in the city guide.")]
    public Task<string[]> SearchAsync(GuideQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Searches);
        return Task.FromResult(query.Interests.Select(i => $"{query.City} {i} tour").ToArray());
    }

    [Tool(Description = "Converts a distance in kilometers.")]
    public double Convert(double kilometers, DistanceUnit unit)
    {
        Interlocked.Increment(ref Converts);
        return unit == DistanceUnit.Miles ? Math.Round(kilometers * 0.621371, 1) : kilometers;
    }

    [Tool(Description = "Counts the stops of a plan.")]
    public int CountStops(string plan, int minLength = 3)
    {
        Interlocked.Increment(ref Counts);
        return plan.Split(' ').Count(w => w.Length >= minLength);
    }
}

[Agent(Role = "Planner", Goal = "Plan a day in {City}", Backstory = "Uses the guide.", Tools = [typeof(TripTools)])]
public partial class Planner;

[CrewTask<TripPlan>(Agent = typeof(Planner), Description = "Plan a day in {City}.", ExpectedOutput = "A plan")]
public partial class PlanDay;

[Crew<TripRequest>(Tasks = [typeof(PlanDay)])]
public partial class TripCrew;

/// <summary>Speaks the OpenAI chat-completions protocol (streaming) on loopback: asks for the three tools, then answers with their results.</summary>
internal sealed class ToolCallingServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private int _requests;

    public ToolCallingServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public int Requests => _requests;

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            using var body = JsonDocument.Parse(await new StreamReader(context.Request.InputStream).ReadToEndAsync());
            var toolResults = body.RootElement.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("role").GetString() == "tool")
                .Select(m => m.GetProperty("content").ValueKind == JsonValueKind.String ? m.GetProperty("content").GetString()! : string.Join("", m.GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString())))
                .ToList();
            context.Response.ContentType = "text/event-stream";
            var chunks = new List<object>();
            if (toolResults.Count == 0)
            {
                chunks.Add(Chunk(new { role = "assistant", content = (string?)null, tool_calls = new object[]
                {
                    Call(0, "call_search", "Search", """{"query":{"city":"Lisbon","interests":["food","music"]}}"""),
                    Call(1, "call_convert", "Convert", """{"kilometers":10,"unit":"Miles"}"""),
                    Call(2, "call_count", "CountStops", """{"plan":"see the old town"}"""),
                } }, null));
                chunks.Add(Chunk(new { }, "tool_calls"));
            }
            else
            {
                var answer = JsonSerializer.Serialize(new Dictionary<string, object> { ["title"] = "Lisbon day", ["stops"] = toolResults });
                chunks.Add(Chunk(new { role = "assistant", content = answer }, null));
                chunks.Add(Chunk(new { }, "stop"));
            }

            chunks.Add(new { id = "c", @object = "chat.completion.chunk", created = 1, model = "loopback", choices = Array.Empty<object>(), usage = new { prompt_tokens = 12, completion_tokens = 8, total_tokens = 20 } });
            var text = new StringBuilder();
            foreach (var chunk in chunks)
            {
                text.Append("data: ").Append(JsonSerializer.Serialize(chunk)).Append("\n\n");
            }

            text.Append("data: [DONE]\n\n");
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static object Call(int index, string id, string name, string arguments) =>
        new { index, id, type = "function", function = new { name, arguments } };

    private static object Chunk(object delta, string? finish) =>
        new { id = "c", @object = "chat.completion.chunk", created = 1, model = "loopback", choices = new[] { new { index = 0, delta, finish_reason = finish } } };
}
