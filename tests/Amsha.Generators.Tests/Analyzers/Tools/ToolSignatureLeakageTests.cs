using System.Linq;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers.Leakage;
using Amsha.Generators.Tests.Analyzers.Leakage;

namespace Amsha.Generators.Tests.Analyzers.Tools;

/// <summary>AMSHA104 (provider types in a tool's signature) and AMSHA101 for toolboxes and tool argument and result types.</summary>
public sealed class ToolSignatureLeakageTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Amsha;
        using OpenAI.Chat;
        using Microsoft.SemanticKernel;

        """;

    private static Task VerifyAsync(string markup, string? editorConfig = null) =>
        AnalyzerHarness.VerifyAsync(markup, ProviderStandIns.References, editorConfig, "AMSHA", [new ProviderTypeLeakageAnalyzer()]);

    [Fact]
    public async Task Provider_types_in_a_tool_signature_are_AMSHA104_and_elsewhere_in_a_toolbox_AMSHA101()
    {
        await VerifyAsync(Usings + """
            [Toolbox]
            public partial class LlmTools
            {
                [Tool(Description = "Asks.")]
                public string Ask({|AMSHA104:ChatClient|} client, string question) => question;

                [Tool(Description = "Completes.")]
                public Task<{|AMSHA104:ChatCompletion|}> CompleteAsync(string prompt) => null!;

                [Tool(Description = "Lists.")]
                public List<OpenAI.Chat.{|AMSHA104:ChatCompletion|}>? History(Dictionary<string, {|AMSHA104:Kernel|}[]> kernels) => null;

                [Tool(Description = "Runs.")]
                public string Run(string prompt)
                {
                    var client = new {|AMSHA101:ChatClient|}("gpt");
                    return prompt;
                }

                [Tool(Description = "Names.")]
                public string Named([System.ComponentModel.Description(nameof({|AMSHA101:ChatClient|}))] string name) => name;

                public string Helper({|AMSHA101:ChatClient|} client) => "";

                private readonly {|AMSHA101:Kernel|}? _kernel = null;
            }
            """);
    }

    [Fact]
    public async Task Tool_argument_and_result_types_are_in_scope_like_task_outputs()
    {
        await VerifyAsync(Usings + """
            public sealed record Query(string Text, {|AMSHA101:ChatCompletion|}? Raw);

            public sealed record Answer(string Text)
            {
                public {|AMSHA101:Kernel|}? Engine { get; init; }
            }

            public sealed record Unrelated(ChatCompletion Raw);

            [Toolbox]
            public partial class Tools
            {
                [Tool(Description = "Answers.")]
                public Task<Answer> AnswerAsync(Query query) => null!;
            }

            public static class Client
            {
                public static string Use(ChatClient client) => "";
            }
            """);
    }

    [Fact]
    public async Task Message_says_what_the_tool_takes_or_returns()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(Usings + """
            [Toolbox]
            public partial class LlmTools
            {
                [Tool(Description = "Asks.")]
                public ChatCompletion Ask(ChatClient client) => null!;
            }
            """, ProviderStandIns.References, analyzers: [new ProviderTypeLeakageAnalyzer()]);

        Assert.Equal(
            [
                "Tool 'LlmTools.Ask' returns provider type 'OpenAI.Chat.ChatCompletion': a tool's parameters and result are its JSON contract with the model and belong to your code, not to a provider SDK (L2); take and return your own types",
                "Tool 'LlmTools.Ask' takes provider type 'OpenAI.Chat.ChatClient': a tool's parameters and result are its JSON contract with the model and belong to your code, not to a provider SDK (L2); take and return your own types",
            ],
            diagnostics.Where(d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal)).OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage()));
    }

    [Fact]
    public async Task The_provider_namespace_option_applies_to_tool_signatures()
    {
        await VerifyAsync(Usings + """
            [Toolbox]
            public partial class LlmTools
            {
                [Tool(Description = "Asks.")]
                public string Ask(ChatClient client, Acme.Llm.{|AMSHA104:AcmeClient|} acme) => "";
            }
            """, "[*.cs]\namsha_provider_namespaces = Acme.Llm");
    }

    [Fact]
    public async Task A_tool_that_calls_a_chat_client_directly_is_AMSHA102_as_in_any_declaration()
    {
        await AnalyzerHarness.VerifyAsync("""
            using System.Threading.Tasks;
            using Amsha;
            using Microsoft.Extensions.AI;

            [Toolbox]
            public partial class AskTools(IChatClient client)
            {
                [Tool(Description = "Asks a model.")]
                public async Task<string> AskAsync(string question) => (await {|AMSHA102:client.GetResponseAsync(question)|}).Text;
            }

            public sealed class NotAToolbox(IChatClient client)
            {
                public async Task<string> AskAsync(string question) => (await client.GetResponseAsync(question)).Text;
            }
            """, analyzers: [new DirectChatClientCallAnalyzer()]);
    }
}
