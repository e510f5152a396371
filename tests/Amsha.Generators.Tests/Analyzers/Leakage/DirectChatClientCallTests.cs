using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Leakage;

public sealed class DirectChatClientCallTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;
        using Microsoft.Extensions.AI;

        """;

    private const string ClientCode = """
        public static class Client
        {
            public static Task<ChatResponse> Ask(IChatClient client) => {|AMSHA102:client.GetResponseAsync("hi")|};

            public static async Task Stream(IChatClient client, List<ChatMessage> messages, CancellationToken ct)
            {
                await foreach (var update in {|AMSHA102:client.GetStreamingResponseAsync(messages, null, ct)|}) { }
            }
        }
        """;

    [Fact]
    public async Task Direct_calls_inside_declaration_types_are_always_reported()
    {
        await LawAnalyzers.VerifyAsync(Usings + """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher
            {
                public static Task<ChatResponse> Ask(IChatClient client) => {|AMSHA102:client.GetResponseAsync("hi")|};

                public static Task<ChatResponse> AskMessages(IChatClient client, IEnumerable<ChatMessage> messages) =>
                    {|AMSHA102:client.GetResponseAsync(messages)|};
            }

            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;

                [AmshaLlmCall(Prompt = "Summarize {text}")]
                public partial Task<string> SummarizeAsync(string text);

                public Task<ChatResponse> Raw(IChatClient client) => {|AMSHA102:ChatClientExtensions.GetResponseAsync(client, "hi")|};
            }
            """);
    }

    [Fact]
    public async Task Client_code_is_reported_only_when_the_project_enforces_the_proxy_rule()
    {
        var (plain, _) = AnalyzerHarness.ParseMarkup(ClientCode);
        await LawAnalyzers.VerifyAsync(Usings + plain);
        await LawAnalyzers.VerifyAsync(Usings + ClientCode, "[*.cs]\namsha_enforce_proxy_rule = true");
        await LawAnalyzers.VerifyAsync(Usings + plain, "[*.cs]\namsha_enforce_proxy_rule = false");
    }

    [Fact]
    public async Task Other_chat_client_members_and_the_messages_are_right()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(Usings + """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher
            {
                public static object? Info(IChatClient client) => client.GetService(typeof(ChatClientMetadata));

                public static Task<ChatResponse> Ask(IChatClient client) => client.GetResponseAsync("hi");
            }
            """, analyzers: LawAnalyzers.All);
        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal));
        Assert.Equal(
            "'IChatClient.GetResponseAsync' is called directly in declaration type 'Researcher': it bypasses the Amsha call path (no retry, no telemetry, no token accounting); use an [AmshaLlmCall] method or a crew instead",
            diagnostic.GetMessage());
    }
}
