using System;
using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Amsha.Generated;

/// <summary>What the generated <c>AddAmshaCrews()</c> calls for each crew of the assembly.</summary>
/// <remarks>For generated code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CrewServices
{
    /// <summary>Registers crew <typeparamref name="TCrew"/> as transient, created by <paramref name="create"/> with the container's session, unless it is registered already.</summary>
    public static void TryAddCrew<TCrew>(IServiceCollection services, Func<ExecutionSession, TCrew> create)
        where TCrew : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(create);
        services.TryAdd(ServiceDescriptor.Transient(provider => create(provider.GetRequiredService<ExecutionSession>())));
    }
}
