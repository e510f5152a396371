using System;
using Amsha.Tests.Serialization;

namespace Amsha.Tests.Execution;

/// <summary>
/// A crew's null input is refused at the call, by every entry point and before anything runs or is stored: the
/// <c>Async</c> starts throw too instead of returning a faulted task (the check lives in the runtime, not in each crew).
/// </summary>
public sealed class NullInputTests
{
    [Fact]
    public void Every_entry_point_throws_ArgumentNullException_naming_the_input_at_the_call()
    {
        var crew = new ReviewCrew(new ExecutionSession());

        Assert.Equal("input", ThrownAtCall(() => crew.RunAsync(null!)).ParamName);
        Assert.Equal("input", ThrownAtCall(() => crew.Start(null!)).ParamName);
        Assert.Equal("input", ThrownAtCall(() => crew.StartBackground(null!)).ParamName);
        Assert.Equal("input", ThrownAtCall(() => crew.StartBackgroundAsync(null!)).ParamName);
        Assert.Equal("input", ThrownAtCall(() => crew.StartBackgroundAsync(null!, options: null)).ParamName);
    }

    // Synchronously, at the call: a task that fails later would not count.
    private static ArgumentNullException ThrownAtCall(Func<object> call)
    {
        try
        {
            call();
        }
        catch (ArgumentNullException error)
        {
            return error;
        }

        throw new Xunit.Sdk.XunitException("The call did not throw ArgumentNullException.");
    }
}
