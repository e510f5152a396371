using System;
using System.Linq;
using System.Reflection;
using Amsha.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;

namespace Amsha.Orleans.Tests;

/// <summary>Timings out of range are refused with a message per setting, before anything waits on them.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        using var services = Services(static _ => { });

        Assert.Equal(TimeSpan.FromSeconds(2), services.GetRequiredService<IOptions<AmshaOrleansOptions>>().Value.StorePollInterval);
    }

    [Fact]
    public void Each_setting_out_of_range_is_named_with_what_it_is_for()
    {
        using var services = Services(static options =>
        {
            options.StorePollInterval = TimeSpan.Zero;
            options.RetryDelay = TimeSpan.FromMilliseconds(-5);
            options.MaxRetryDelay = TimeSpan.FromDays(60);
            options.LeaseDuration = TimeSpan.FromMilliseconds(500);
            options.DispatchAttempts = 0;
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AmshaOrleansOptions>>().Value);

        Assert.Equal(
            [
                "AmshaOrleansOptions.StorePollInterval is 00:00:00; it must be positive and at most 49.17:02:47.2940000 (how often a grain reads the store for an execution that runs nowhere).",
                "AmshaOrleansOptions.RetryDelay is -00:00:00.0050000; it must be positive and at most 49.17:02:47.2940000 (the first wait before a failed grain call is tried again).",
                "AmshaOrleansOptions.MaxRetryDelay is 60.00:00:00; it must be positive and at most 49.17:02:47.2940000 (the longest wait between two tries of a grain call).",
                "AmshaOrleansOptions.LeaseDuration is 00:00:00.5000000; it must last from 00:00:01 to 149.03:08:21.8820000 (a silo renews it every third of it, on a timer).",
                "AmshaOrleansOptions.DispatchAttempts is 0; at least one attempt is needed to hand an execution to its grain.",
            ],
            failure.Failures);
    }

    [Fact]
    public void A_dispatcher_built_in_code_refuses_the_same_timings()
    {
        var grains = DispatchProxy.Create<IGrainFactory, NoGrains>();

        var failure = Assert.Throws<ArgumentException>(() => new OrleansExecutionDispatcher(grains, new AmshaOrleansOptions { MaxRetryDelay = TimeSpan.FromSeconds(-1) }));

        Assert.Equal("options", failure.ParamName);
        Assert.StartsWith("AmshaOrleansOptions.MaxRetryDelay is -00:00:01; it must be positive", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(new OrleansExecutionDispatcher(grains));
    }

    private static ServiceProvider Services(Action<AmshaOrleansOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddAmsha().UseOrleans(configure);
        return services.BuildServiceProvider();
    }

    /// <summary>A grain factory nothing here calls: the checks come before any grain is.</summary>
    public class NoGrains : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new NotSupportedException(targetMethod?.Name);
    }
}
