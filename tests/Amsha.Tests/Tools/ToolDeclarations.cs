using System.Threading;
using System.Threading.Tasks;
using System;
using System.Collections.Concurrent;
using System.ComponentModel;

namespace Amsha.Tests.Tools;

public sealed record ToolQuestion(string Topic);

/// <summary>Tools whose calls the tests can see.</summary>
[Toolbox]
public partial class ProbeTools
{
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Looks up a fact.</summary>
    /// <param name="topic">What the fact is about.</param>
    /// <param name="depth">How deep to look.</param>
    [Tool(Description = "Looks up a fact about a topic.")]
    public string Lookup(string topic, int depth = 1)
    {
        Calls.Enqueue($"lookup:{topic}:{depth}");
        return $"fact about {topic} at depth {depth}";
    }

    [Tool(Description = "Adds two numbers.")]
    public int Add([Description("The first number.")] int a, int b)
    {
        Calls.Enqueue($"add:{a}:{b}");
        return a + b;
    }

    [Tool(Description = "Always fails.")]
    public string Explode(string reason)
    {
        Calls.Enqueue("explode");
        throw new InvalidOperationException("boom: " + reason);
    }
}

/// <summary>Tools that wait: for a partner call, or for cancellation.</summary>
[Toolbox]
public partial class WaitingTools
{
    private readonly TaskCompletionSource _bothArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool SawCancellation { get; private set; }

    [Tool(Description = "Meets a partner call of the same round: returns once both have arrived.")]
    public async Task<string> MeetAsync(string who, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == 2)
        {
            _bothArrived.TrySetResult();
        }

        await _bothArrived.Task.WaitAsync(cancellationToken);
        return "met " + who;
    }

    private readonly TaskCompletionSource _twoEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _entered;
    private int _inFlight;

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task TwoEntered => _twoEntered.Task;

    public int MaxInFlight { get; private set; }

    [Tool(Description = "Holds until the test releases it.")]
    public async Task<string> HoldAsync(string id, CancellationToken cancellationToken)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        lock (_twoEntered)
        {
            MaxInFlight = Math.Max(MaxInFlight, inFlight);
        }

        if (Interlocked.Increment(ref _entered) == 2)
        {
            _twoEntered.TrySetResult();
        }

        try
        {
            await Release.Task.WaitAsync(cancellationToken);
            return "held " + id;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [Tool(Description = "Works until canceled.")]
    public async Task<string> HangAsync(CancellationToken cancellationToken)
    {
        HangStarted.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return "never";
        }
        catch (OperationCanceledException)
        {
            SawCancellation = true;
            throw;
        }
    }
}

[Agent(Role = "Researcher", Goal = "Research {Topic}", Backstory = "Uses tools.", Tools = [typeof(ProbeTools)])]
public partial class ToolUser;

[CrewTask(Agent = typeof(ToolUser), Description = "Research {Topic} with your tools", ExpectedOutput = "A fact", MaxToolRounds = 2)]
public partial class ResearchWithTools;

[Crew<ToolQuestion>(Tasks = [typeof(ResearchWithTools)])]
public partial class ToolCrew;

[Agent(Role = "Waiter", Goal = "Wait for {Topic}", Backstory = "Patient.")]
public partial class Waiter;

[CrewTask(Agent = typeof(Waiter), Description = "Wait for {Topic}", ExpectedOutput = "Done", Tools = [typeof(WaitingTools)])]
public partial class WaitWithTools;

[Crew<ToolQuestion>(Tasks = [typeof(WaitWithTools)])]
public partial class WaitingCrew;

/// <summary>A service the container injects into <see cref="InjectedTools"/>.</summary>
public sealed class ToolCounter
{
    private int _count;

    public int Count => _count;

    public int Next() => Interlocked.Increment(ref _count);
}

/// <summary>A toolbox with a constructor the container injects.</summary>
[Toolbox]
public partial class InjectedTools(ToolCounter counter)
{
    [Tool(Description = "Counts one more.")]
    public int Tick() => counter.Next();
}

[Agent(Role = "Counter", Goal = "Count {Topic}", Backstory = "Exact.", Tools = [typeof(InjectedTools)])]
public partial class CountingAgent;

[CrewTask(Agent = typeof(CountingAgent), Description = "Count {Topic}", ExpectedOutput = "A number")]
public partial class CountTask;

[Crew<ToolQuestion>(Tasks = [typeof(CountTask)])]
public partial class CountingCrew;

[Agent(Role = "Calculator", Goal = "Compute {Topic}", Backstory = "Exact.")]
public partial class Calculator;

[CrewTask(Agent = typeof(Calculator), Description = "Compute {Topic}", ExpectedOutput = "A number", ToolSources = ["calc"])]
public partial class ComputeTask;

[Crew<ToolQuestion>(Tasks = [typeof(ComputeTask)])]
public partial class ComputeCrew;
