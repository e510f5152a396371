using System.Linq;
using System.Threading.Tasks;

namespace Amsha.Generators.Tests.Analyzers.Leakage;

public sealed class ProviderTypeLeakageTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Amsha;
        using OpenAI.Chat;
        using Microsoft.SemanticKernel;

        public static class Factory
        {
            public static ChatClient Create() => new ChatClient("gpt");
            public static string Plain() => "";
        }

        """;

    [Fact]
    public async Task Every_place_a_declaration_mentions_a_provider_type_is_reported_once()
    {
        await LawAnalyzers.VerifyAsync(Usings + """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            [{|AMSHA101:KernelFunction|}]
            [System.ComponentModel.TypeConverter(typeof({|AMSHA101:Kernel|}))]
            public partial class Researcher : {|AMSHA101:IKernelPlugin|}
            {
                public {|AMSHA101:Kernel|}? Engine { get; }

                private readonly List<{|AMSHA101:ChatCompletion|}> _history = new();

                public static string Ask(OpenAI.Chat.{|AMSHA101:ChatClient|} client) => client.CompleteChat("x").Text;

                public static object Build()
                {
                    var explicitClient = new {|AMSHA101:ChatClient|}("gpt");
                    var implicitClient = {|AMSHA101:Factory.Create()|};
                    {|AMSHA101:ChatClient|}.Options options = new {|AMSHA101:ChatClient|}.Options();
                    return Factory.Plain() + explicitClient + implicitClient + options;
                }
            }
            """, ProviderStandIns.References);
    }

    [Fact]
    public async Task Task_outputs_crew_inputs_state_types_and_llm_call_types_are_in_scope()
    {
        await LawAnalyzers.VerifyAsync(Usings + """
            public sealed record Brief(string Topic)
            {
                public {|AMSHA101:Kernel|}? Engine { get; init; }
            }

            public sealed record Notes(string Text, {|AMSHA101:ChatCompletion|}? Raw);

            [Agent(Role = "R", Goal = "G {Topic}", Backstory = "B")]
            public partial class Researcher;

            [CrewTask<Notes>(Agent = typeof(Researcher), Description = "Notes on {Topic}", ExpectedOutput = "Notes")]
            public partial class TakeNotes;

            [Crew<Brief>(Tasks = [typeof(TakeNotes)])]
            public partial class BriefCrew;

            [ExecutionState]
            public sealed partial class Memory
            {
                public Anthropic.{|AMSHA101:AnthropicClient|}? Client { get; set; }
            }

            public sealed partial class Summarizer(ExecutionSession session)
            {
                private readonly ExecutionSession _session = session;
                private readonly {|AMSHA101:ChatClient|} _raw = new {|AMSHA101:ChatClient|}("gpt");

                [AmshaLlmCall(Prompt = "Summarize {text}")]
                public partial Task<string> SummarizeAsync(string text);
            }
            """, ProviderStandIns.References);
    }

    [Fact]
    public async Task Client_code_may_use_providers_and_the_message_names_the_type()
    {
        var source = Usings + """
            public sealed class ProviderSetup
            {
                private readonly ChatClient _client = new ChatClient("gpt");
                public Kernel Kernel { get; } = new Kernel();
                public string Ask() => _client.CompleteChat("x").Text;
            }

            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher
            {
                public static string Describe(ChatClient client) => "";
            }
            """;
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(source, ProviderStandIns.References, analyzers: LawAnalyzers.All);
        var diagnostic = Assert.Single(diagnostics, d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal));
        Assert.Equal("AMSHA101", diagnostic.Id);
        Assert.StartsWith("Agent 'Researcher' mentions provider type 'OpenAI.Chat.ChatClient'", diagnostic.GetMessage());
    }

    [Fact]
    public async Task The_provider_namespace_list_is_configurable_and_replaces_the_default()
    {
        await LawAnalyzers.VerifyAsync(Usings + """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher
            {
                public static string Describe(ChatClient openAi, Acme.Llm.{|AMSHA101:AcmeClient|} acme) => "";
            }
            """, ProviderStandIns.References, "[*.cs]\namsha_provider_namespaces = Acme.Llm; Contoso.Ai");
    }

    [Fact]
    public async Task Nothing_is_reported_without_provider_references()
    {
        var diagnostics = await AnalyzerHarness.GetDiagnosticsAsync(LawAnalyzers.Crew, analyzers: LawAnalyzers.All);
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("AMSHA", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nested_types_of_a_declaration_are_reported_once_per_place()
    {
        await LawAnalyzers.VerifyAsync(Usings + """
            [Agent(Role = "R", Goal = "G", Backstory = "B")]
            public partial class Researcher
            {
                public sealed class Helper
                {
                    public {|AMSHA101:Kernel|}? Engine { get; init; }
                }
            }
            """, ProviderStandIns.References);
    }
}
