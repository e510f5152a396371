using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Tests.Tools;

/// <summary>Where a task's toolbox instance comes from: the container, the session, or a parameterless constructor.</summary>
public sealed class ToolboxInstanceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAmshaCrews_registers_toolboxes_so_the_container_injects_their_constructors()
    {
        var counter = new ToolCounter();
        var services = new ServiceCollection();
        services.AddSingleton(counter);
        services.AddAmsha().AddAmshaCrews();
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<CountingCrew>().RunAsync(new ToolQuestion("sheep"), Token);

        Assert.Equal(1, counter.Count);
        Assert.Contains("Tool results: 1", result.Output, System.StringComparison.Ordinal);
        Assert.Contains(services, d => d.ServiceType == typeof(InjectedTools) && d.Lifetime == ServiceLifetime.Transient);
    }

    [Fact]
    public async Task A_toolbox_added_to_the_session_is_used()
    {
        await using var session = new ExecutionSession();
        var counter = new ToolCounter();
        session.AddToolbox(new InjectedTools(counter));

        await new CountingCrew(session).RunAsync(new ToolQuestion("sheep"), Token);

        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task A_toolbox_without_an_instance_fails_the_task_saying_how_to_provide_one()
    {
        await using var session = new ExecutionSession();

        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => new CountingCrew(session).RunAsync(new ToolQuestion("sheep"), Token));

        var cause = Assert.IsType<ToolCallException>(failure.InnerException);
        Assert.Contains("Toolbox 'InjectedTools' has no instance", cause.Message, System.StringComparison.Ordinal);
        Assert.Contains("session.AddToolbox(new InjectedTools(...))", cause.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_toolbox_with_a_parameterless_constructor_needs_no_registration()
    {
        await using var session = new ExecutionSession();

        var result = await new ToolCrew(session).RunAsync(new ToolQuestion("tides"), Token);

        Assert.Equal(3, result.Metrics.ToolCallCount);
    }
}
