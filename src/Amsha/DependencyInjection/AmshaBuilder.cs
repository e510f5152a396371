using System;
using System.Diagnostics.CodeAnalysis;
using Amsha;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configures the Amsha registration that <c>services.AddAmsha()</c> made: chat clients and providers,
/// the execution store, observers. Every method returns the builder, so calls chain.
/// </summary>
public sealed class AmshaBuilder
{
    internal AmshaBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection Amsha is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adjusts the options after configuration binding (code wins over configuration).</summary>
    public AmshaBuilder Configure(Action<AmshaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Routes the use case <paramref name="useCase"/> to <paramref name="client"/>.</summary>
    public AmshaBuilder UseChatClient(string useCase, IChatClient client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(useCase);
        ArgumentNullException.ThrowIfNull(client);
        return Configure(options => options.Llm.UseChatClient(useCase, client));
    }

    /// <summary>Routes the use case <paramref name="useCase"/> to the client <paramref name="createClient"/> builds from the container.</summary>
    public AmshaBuilder UseChatClient(string useCase, Func<IServiceProvider, IChatClient> createClient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(useCase);
        ArgumentNullException.ThrowIfNull(createClient);
        Services.AddOptions<AmshaOptions>().Configure<IServiceProvider>((options, provider) => options.Llm.UseChatClient(useCase, createClient(provider)));
        return this;
    }

    /// <summary>Routes every use case without its own client or configuration to <paramref name="client"/>.</summary>
    public AmshaBuilder UseDefaultChatClient(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Configure(options => options.Llm.UseDefaultChatClient(client));
    }

    /// <summary>Registers the provider <paramref name="name"/> for configured models (see <see cref="LlmOptions.AddProvider"/>).</summary>
    public AmshaBuilder AddProvider(string name, Func<LlmModelOptions, IChatClient> createClient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(createClient);
        return Configure(options => options.Llm.AddProvider(name, createClient));
    }

    /// <summary>Keeps background executions in <paramref name="store"/> instead of the default file store.</summary>
    public AmshaBuilder UseStore(IExecutionStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Services.Replace(ServiceDescriptor.Singleton(store));
        return this;
    }

    /// <summary>Keeps background executions in the store <paramref name="createStore"/> builds from the container.</summary>
    public AmshaBuilder UseStore(Func<IServiceProvider, IExecutionStore> createStore)
    {
        ArgumentNullException.ThrowIfNull(createStore);
        Services.Replace(ServiceDescriptor.Singleton(createStore));
        return this;
    }

    /// <summary>Adds <typeparamref name="TObserver"/> (a singleton) to the observers of every execution; each call adds one.</summary>
    public AmshaBuilder AddObserver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TObserver>()
        where TObserver : class, IExecutionObserver
    {
        Services.AddSingleton<IExecutionObserver, TObserver>();
        return this;
    }

    /// <summary>Adds <paramref name="source"/> to the session's definition sources (see <see cref="ExecutionSession.AddDefinitionSource"/>); each call adds one.</summary>
    public AmshaBuilder AddDefinitionSource(IDefinitionSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Services.AddSingleton(source);
        return this;
    }

    /// <summary>Adds the definition source <paramref name="createSource"/> builds from the container; each call adds one.</summary>
    public AmshaBuilder AddDefinitionSource(Func<IServiceProvider, IDefinitionSource> createSource)
    {
        ArgumentNullException.ThrowIfNull(createSource);
        Services.AddSingleton(createSource);
        return this;
    }

    /// <summary>Adds the YAML/JSON definition files of <paramref name="directory"/> (a <see cref="FileDefinitionSource"/>, reloaded when they change).</summary>
    public AmshaBuilder AddDefinitionFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return AddDefinitionSource(_ => new FileDefinitionSource(directory));
    }
}
