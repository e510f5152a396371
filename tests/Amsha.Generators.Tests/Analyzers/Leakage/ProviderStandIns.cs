using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Analyzers.Leakage;

/// <summary>
/// A tiny assembly with the real provider namespaces (OpenAI.Chat, Microsoft.SemanticKernel, Anthropic)
/// and a custom one (Acme.Llm), so AMSHA101 is tested without any provider package.
/// </summary>
internal static class ProviderStandIns
{
    private const string Source = """
        namespace OpenAI.Chat
        {
            public class ChatClient
            {
                public ChatClient(string model) { }
                public ChatCompletion CompleteChat(string prompt) => new ChatCompletion();
                public sealed class Options { }
            }

            public class ChatCompletion
            {
                public string Text => "";
            }
        }

        namespace Microsoft.SemanticKernel
        {
            public sealed class Kernel { }

            public interface IKernelPlugin { }

            [System.AttributeUsage(System.AttributeTargets.All)]
            public sealed class KernelFunctionAttribute : System.Attribute { }
        }

        namespace Anthropic
        {
            public class AnthropicClient { }
        }

        namespace Acme.Llm
        {
            public class AcmeClient { }
        }
        """;

    private static readonly Lazy<MetadataReference> s_reference = new(() =>
    {
        var compilation = CSharpCompilation.Create(
            "Providers.StandIns",
            [CSharpSyntaxTree.ParseText(Source)],
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Stand-in providers do not compile: " + string.Join("; ", errors));
        }

        return compilation.ToMetadataReference();
    });

    public static MetadataReference[] References => [s_reference.Value];
}
