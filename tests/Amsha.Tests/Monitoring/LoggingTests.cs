using System;
using System.Linq;
using System.Threading.Tasks;
using Amsha.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Amsha.Tests.Monitoring;

public sealed class LoggingTests
{
    private const string PromptSecret = "PROMPTSECRET";
    private const string CompletionSecret = "COMPLETIONSECRET";
    private const string ApiKey = "sk-test-APIKEYSECRET";

    private static async Task<(CapturingLoggerFactory Logs, CrewResult<string> Result)> RunAsync(bool captureContent)
    {
        var logs = new CapturingLoggerFactory();
        var options = new AmshaOptions { CaptureMessageContent = captureContent };
        options.Llm.UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions { Responder = _ => $"the answer {CompletionSecret}" }));
        options.Llm.UseCases["other"] = new LlmUseCaseOptions
        {
            Default = "m",
            Models = { ["m"] = new LlmModelOptions { Provider = "Offline", Model = "x", ApiKey = ApiKey } },
        };
        await using var session = new ExecutionSession(options, loggerFactory: logs);
        var result = await session.RunAsync(TestCrews.ResearchAndWrite(), PromptSecret).WaitAsync(TestCrews.Timeout);
        return (logs, result);
    }

    [Fact]
    public async Task Executions_and_tasks_are_logged_with_their_event_ids_and_no_content()
    {
        var (logs, result) = await RunAsync(captureContent: false);
        var entries = logs.Entries.ToArray();

        Assert.Equal(new[] { 1000, 1010, 1011, 1010, 1011, 1001 }, entries.Where(e => e.Category == "Amsha.Execution").Select(e => e.EventId));
        Assert.All(entries, e => Assert.InRange(e.EventId, 1000, 1099));
        var started = entries.Single(e => e.EventId == 1000);
        Assert.Equal(LogLevel.Information, started.Level);
        Assert.Contains(result.ExecutionId, started.Message);
        Assert.Contains("ResearchAndWrite", started.Message);
        Assert.All(entries, e => AssertNoSecret(e, PromptSecret));
        Assert.All(entries, e => AssertNoSecret(e, CompletionSecret));
        Assert.All(entries, e => AssertNoSecret(e, ApiKey));
    }

    [Fact]
    public async Task Completion_text_is_logged_only_when_content_capture_is_opted_in()
    {
        var (logs, _) = await RunAsync(captureContent: true);
        var entries = logs.Entries.ToArray();

        var content = entries.Where(e => e.EventId == 1012).ToArray();
        Assert.Equal(2, content.Length);
        Assert.All(content, e => Assert.Equal(LogLevel.Trace, e.Level));
        Assert.Contains(CompletionSecret, content[0].Message);
        Assert.All(entries, e => AssertNoSecret(e, ApiKey));
    }

    [Fact]
    public async Task A_failure_is_logged_by_error_type_without_its_message()
    {
        var logs = new CapturingLoggerFactory();
        var options = new AmshaOptions();
        options.Llm.UseDefaultChatClient(new OfflineChatClient(new OfflineChatClientOptions
        {
            Responder = _ => throw new InvalidOperationException($"provider echoed {CompletionSecret}"),
        }));
        await using var session = new ExecutionSession(options, loggerFactory: logs);

        var handle = session.Start(TestCrews.ResearchAndWrite(), PromptSecret);
        await Assert.ThrowsAnyAsync<ExecutionException>(() => handle.ResultWithinTimeoutAsync());
        var entries = logs.Entries.ToArray();

        var failed = Assert.Single(entries, e => e.EventId == 1002);
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Contains(nameof(InvalidOperationException), failed.Message);
        Assert.DoesNotContain(entries, e => e.EventId is 1001 or 1004);
        Assert.All(entries, e => AssertNoSecret(e, CompletionSecret));
    }

    [Fact]
    public async Task Llm_calls_and_their_retries_are_logged_under_Amsha_Llm_without_content()
    {
        var logs = new CapturingLoggerFactory();
        var model = new OfflineChatClient(new OfflineChatClientOptions { Responder = _ => $"the answer {CompletionSecret}" });
        await using var session = MonitoringCrews.UsageReportingSession(model, failFirst: 1, loggerFactory: logs);

        var result = await session.RunAsync(TestCrews.ResearchAndWrite(), PromptSecret).WaitAsync(TestCrews.Timeout);
        var llm = logs.Entries.Where(e => e.Category == "Amsha.Llm").ToArray();

        // Research: started, one retry, completed; Write: started, completed.
        Assert.Equal(new[] { 1020, 1021, 1022, 1020, 1022 }, llm.Select(e => e.EventId));
        var retry = llm.Single(e => e.EventId == 1021);
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Contains("HTTP 503", retry.Message);
        Assert.Contains(result.ExecutionId, retry.Message);
        Assert.Contains("2 attempt(s)", llm.First(e => e.EventId == 1022).Message);
        Assert.All(llm, e => AssertNoSecret(e, PromptSecret));
        Assert.All(llm, e => AssertNoSecret(e, CompletionSecret));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_api_key_echoed_by_the_provider_never_reaches_the_logs(bool captureContent)
    {
        // The server refuses the key and quotes it back; with content capture on, the failure message is logged too.
        await using var server = Amsha.TestKit.Loopback.LoopbackChatServer.Start();
        server.Enqueue(Amsha.TestKit.Loopback.LoopbackReply.Error(401, body: "{\"error\":{\"message\":\"Incorrect API key provided: " + LlmCalls.LlmTestHost.ApiKey + "\",\"type\":\"invalid_request_error\"}}"));
        var logs = new CapturingLoggerFactory();
        var session = LlmCalls.LlmTestHost.Session(server, LlmCalls.LlmTestHost.UniqueModel(), configure: o => o.CaptureMessageContent = captureContent, loggerFactory: logs);

        await Assert.ThrowsAnyAsync<ExecutionException>(() => new LlmCalls.ExplainCrew(session).RunAsync(new LlmCalls.Question("gravity"), cancellationToken: TestContext.Current.CancellationToken));
        var entries = logs.Entries.ToArray();

        var failed = Assert.Single(entries, e => e.EventId == 1023);
        Assert.Contains("401", failed.Message);
        Assert.Equal(captureContent, entries.Any(e => e.EventId == 1024));
        Assert.All(entries, e => AssertNoSecret(e, LlmCalls.LlmTestHost.ApiKey));
    }

    private static void AssertNoSecret(LogEntry entry, string secret)
    {
        Assert.DoesNotContain(secret, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, entry.Values, StringComparison.Ordinal);
    }
}
