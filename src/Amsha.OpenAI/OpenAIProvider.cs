using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Threading;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace Amsha.OpenAI;

/// <summary>
/// The <c>OpenAI</c> provider: any server speaking the OpenAI chat-completions protocol
/// (OpenAI, Azure OpenAI's v1 endpoint, Ollama, vLLM, llama.cpp server, LM Studio), chosen by <c>BaseUrl</c>.
/// </summary>
public static class OpenAIProvider
{
    /// <summary>The provider name used in <c>Amsha:Llm:UseCases:&lt;name&gt;:Models:&lt;key&gt;:Provider</c>.</summary>
    public const string Name = "OpenAI";

    /// <summary>Registers the <c>OpenAI</c> provider: <c>services.AddAmsha().AddOpenAIProvider()</c>.</summary>
    public static AmshaBuilder AddOpenAIProvider(this AmshaBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider(Name, CreateChatClient);
    }

    /// <summary>Registers the <c>OpenAI</c> provider in options built in code: <c>options.Llm.AddOpenAIProvider()</c>.</summary>
    public static LlmOptions AddOpenAIProvider(this LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddProvider(Name, CreateChatClient);
    }

    /// <summary>
    /// A chat client for <paramref name="model"/>. The OpenAI SDK's own retries are off and its
    /// network timeout unbounded: Amsha's call path owns retries and timeouts. Provider errors
    /// surface as <see cref="LlmProviderException"/> (status, <c>Retry-After</c>) with the API key scrubbed.
    /// </summary>
    public static IChatClient CreateChatClient(LlmModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(model.Model))
        {
            throw new ArgumentException("The OpenAI provider needs a model id (Models:<key>:Model).", nameof(model));
        }

        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrWhiteSpace(model.BaseUrl))
        {
            clientOptions.Endpoint = new Uri(model.BaseUrl);
        }

        if (!string.IsNullOrWhiteSpace(model.ApiVersion))
        {
            clientOptions.AddPolicy(new ApiVersionPolicy(model.ApiVersion), PipelinePosition.PerCall);
        }

        // Local servers (Ollama, llama.cpp) need no key, but the SDK requires a credential.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(model.ApiKey) ? "no-key" : model.ApiKey);
        var chat = new ChatClient(model.Model, credential, clientOptions).AsIChatClient();
        return new OpenAIFaultMappingChatClient(chat, model.ApiKey);
    }

    /// <summary>Adds <c>api-version</c> to every request (Azure OpenAI's versioned endpoints).</summary>
    private sealed class ApiVersionPolicy : PipelinePolicy
    {
        private readonly string _apiVersion;

        public ApiVersionPolicy(string apiVersion) => _apiVersion = Uri.EscapeDataString(apiVersion);

        public override void Process(PipelineMessage message, System.Collections.Generic.IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            AddVersion(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override System.Threading.Tasks.ValueTask ProcessAsync(PipelineMessage message, System.Collections.Generic.IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            AddVersion(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void AddVersion(PipelineMessage message)
        {
            var uri = message.Request.Uri!;
            if (!uri.Query.Contains("api-version=", StringComparison.Ordinal))
            {
                var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
                message.Request.Uri = new Uri(uri.AbsoluteUri + separator + "api-version=" + _apiVersion);
            }
        }
    }
}
