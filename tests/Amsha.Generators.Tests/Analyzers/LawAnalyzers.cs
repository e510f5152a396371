using System.Collections.Generic;
using System.Threading.Tasks;
using Amsha.Generators.Analyzers.ControlFlow;
using Amsha.Generators.Analyzers.Leakage;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Tests.Analyzers;

/// <summary>The leakage and control-flow analyzers, and the declarations their tests share.</summary>
internal static class LawAnalyzers
{
    public static DiagnosticAnalyzer[] All =>
    [
        new ProviderTypeLeakageAnalyzer(),
        new DirectChatClientCallAnalyzer(),
        new MutableStateAnalyzer(),
        new FlowLogicInDeclarationAnalyzer(),
        new BlockingWaitAnalyzer(),
        new BackgroundStreamAnalyzer(),
        new DiscardedHandleAnalyzer(),
        new RetryStormAnalyzer(),
        new UnansweredInputAnalyzer(),
    ];

    /// <summary>A valid crew (<c>WritingCrew</c>, input <c>Req</c>) and the usings client code needs.</summary>
    public const string Crew = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Amsha;

        public sealed record Req(string Topic);

        [Agent(Role = "Writer", Goal = "Write about {Topic}", Backstory = "Clear.")]
        public partial class Writer;

        [CrewTask(Agent = typeof(Writer), Description = "Write about {Topic}", ExpectedOutput = "Text")]
        public partial class Write;

        [Crew<Req>(Tasks = [typeof(Write)])]
        public partial class WritingCrew;

        """;

    /// <summary>Verifies markup against these analyzers only (other blocks are tested elsewhere).</summary>
    public static Task VerifyAsync(string markup, string? editorConfig = null) =>
        AnalyzerHarness.VerifyAsync(markup, editorConfig, "AMSHA", All);

    public static Task VerifyAsync(string markup, IEnumerable<MetadataReference> references, string? editorConfig = null) =>
        AnalyzerHarness.VerifyAsync(markup, references, editorConfig, "AMSHA", All);
}
