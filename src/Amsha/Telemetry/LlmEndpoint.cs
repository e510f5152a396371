using System;
using Microsoft.Extensions.AI;

namespace Amsha;

/// <summary>
/// What telemetry says about where a use case's calls go: <c>gen_ai.provider.name</c>, <c>server.address</c> and
/// <c>server.port</c>. Computed once per resolved use case, from its configured <c>BaseUrl</c> (or the client's
/// <see cref="ChatClientMetadata.ProviderUri"/>) and provider name.
/// </summary>
/// <param name="ProviderName">The conventions' provider name: a well-known value when the endpoint names one.</param>
/// <param name="ServerAddress">The host calls go to, when known.</param>
/// <param name="ServerPort">Its port, when the address is known.</param>
internal sealed record LlmEndpoint(string ProviderName, string? ServerAddress, int? ServerPort)
{
    /// <summary>Describes calls of a use case whose provider is <paramref name="provider"/>, sent to <paramref name="baseUrl"/> (else the endpoint <paramref name="client"/> reports).</summary>
    public static LlmEndpoint Describe(string provider, string? baseUrl, IChatClient? client)
    {
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(baseUrl) && Uri.TryCreate(baseUrl, UriKind.Absolute, out var configured))
        {
            endpoint = configured;
        }
        else if (client is not null)
        {
            try
            {
                endpoint = client.GetService<ChatClientMetadata>()?.ProviderUri;
            }
            catch (Exception)
            {
                // A client whose GetService throws says nothing about its endpoint.
            }
        }

        return Describe(provider, endpoint);
    }

    /// <summary>Describes calls to <paramref name="endpoint"/> through a provider named <paramref name="provider"/>.</summary>
    public static LlmEndpoint Describe(string provider, Uri? endpoint)
    {
        if (endpoint is null || !endpoint.IsAbsoluteUri || string.IsNullOrEmpty(endpoint.Host))
        {
            return new LlmEndpoint(ProviderByName(provider), null, null);
        }

        var host = endpoint.Host;
        return new LlmEndpoint(ProviderByHost(host, endpoint.AbsolutePath) ?? ProviderByName(provider), host, endpoint.Port);
    }

    // The conventions' well-known gen_ai.provider.name values, recognised by the service's public host names. Any
    // other endpoint (Ollama, vLLM, LM Studio, a proxy) keeps the provider's own name: for the OpenAI provider that is
    // `openai`, the telemetry flavour of the protocol it speaks, and server.address tells which server answered.
    private static string? ProviderByHost(string host, string path)
    {
        host = host.ToLowerInvariant();
        if (host == "api.openai.com")
        {
            return "openai";
        }

        if (host.EndsWith(".openai.azure.com", StringComparison.Ordinal) || host.EndsWith(".cognitiveservices.azure.com", StringComparison.Ordinal))
        {
            return "azure.ai.openai";
        }

        if (host.EndsWith(".services.ai.azure.com", StringComparison.Ordinal))
        {
            return path.StartsWith("/openai", StringComparison.OrdinalIgnoreCase) ? "azure.ai.openai" : "azure.ai.inference";
        }

        if (host == "models.inference.ai.azure.com")
        {
            return "azure.ai.inference";
        }

        return host switch
        {
            "api.anthropic.com" => "anthropic",
            "api.cohere.com" or "api.cohere.ai" => "cohere",
            "api.deepseek.com" => "deepseek",
            "generativelanguage.googleapis.com" => "gcp.gemini",
            "api.groq.com" => "groq",
            "api.mistral.ai" => "mistral_ai",
            "api.perplexity.ai" => "perplexity",
            "api.x.ai" => "x_ai",
            _ when host.EndsWith("aiplatform.googleapis.com", StringComparison.Ordinal) => "gcp.vertex_ai",
            _ when host.StartsWith("bedrock-runtime.", StringComparison.Ordinal) && host.EndsWith(".amazonaws.com", StringComparison.Ordinal) => "aws.bedrock",
            _ => null,
        };
    }

    // Lower-case, as the conventions' values are; Amsha's provider names map to their well-known value.
    private static string ProviderByName(string provider) => provider.ToLowerInvariant() switch
    {
        "azureopenai" => "azure.ai.openai",
        var other => other,
    };
}
