using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Amsha.Tests.Tools;

/// <summary>Tools from outside the assembly (<see cref="IToolSource"/>) run in the same loop as generated ones.</summary>
public sealed class ToolSourceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class FixedSource(string name, params AIFunction[] tools) : IToolSource
    {
        public int Requests { get; private set; }

        public string Name => name;

        public ValueTask<IReadOnlyList<AIFunction>> GetToolsAsync(CancellationToken cancellationToken)
        {
            Requests++;
            return new(tools);
        }
    }

    [Fact]
    public async Task A_task_calls_the_tools_of_the_source_it_names()
    {
        var squares = new List<int>();
        var source = new FixedSource("calc", AIFunctionFactory.Create((int n) => { squares.Add(n); return n * n; }, "square", "Squares a number."));
        await using var session = new ExecutionSession();
        session.AddToolSource(source);

        var handle = new ComputeCrew(session).Start(new ToolQuestion("squares"), Token);
        var events = new List<ExecutionEvent>();
        await foreach (var e in handle.StreamAsync(Token))
        {
            events.Add(e);
        }

        var result = await handle.ResultAsync(Token);
        Assert.Single(squares);
        Assert.Contains("Tool results: " + (squares[0] * squares[0]), result.Output, System.StringComparison.Ordinal);
        Assert.Equal("square", Assert.Single(events.OfType<ToolCallCompletedEvent>()).ToolName);
        Assert.Equal(1, source.Requests);
    }

    [Fact]
    public async Task Configuration_gives_an_agent_a_registered_source_without_a_rebuild()
    {
        var calls = 0;
        var services = new ServiceCollection();
        services.AddSingleton<IToolSource>(new FixedSource("calc", AIFunctionFactory.Create(() => { calls++; return "ok"; }, "ping", "Answers ok.")));
        services.AddSingleton<IToolSource>(new FixedSource("clock", AIFunctionFactory.Create(() => { calls += 10; return "noon"; }, "now", "Tells the time.")));
        services.AddAmsha(options => options.Llm.Tools.AgentSources["Calculator"] = ["clock"]).AddAmshaCrews();
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<ComputeCrew>().RunAsync(new ToolQuestion("time"), Token);

        Assert.Equal(11, calls);
        Assert.Equal(2, result.Metrics.ToolCallCount);
    }

    [Fact]
    public async Task A_source_tool_wrapped_as_needing_approval_waits_for_a_person_and_a_refusal_keeps_it_from_running()
    {
        var squares = new List<int>();
#pragma warning disable MEAI001 // Microsoft.Extensions.AI's marker for tools that need approval.
        var square = new ApprovalRequiredAIFunction(AIFunctionFactory.Create((int n) => { squares.Add(n); return n * n; }, "square", "Squares a number."));
#pragma warning restore MEAI001
        await using var session = new ExecutionSession();
        session.AddToolSource(new FixedSource("calc", square));

        var handle = new ComputeCrew(session).Start(new ToolQuestion("squares"), Token);
        InputRequest? request = null;
        await foreach (var e in handle.StreamAsync(Token))
        {
            if (e is InputRequestedEvent requested)
            {
                request = requested.Request;
                await handle.SubmitInputAsync(request.Reject("not now"), Token);
            }
        }

        await handle.ResultAsync(Token);
        Assert.Equal((InputRequestKind.ToolApproval, "square"), (request!.Kind, request.ToolName));
        Assert.Empty(squares);
    }

    [Fact]
    public async Task An_unknown_source_fails_the_task_naming_it()
    {
        await using var session = new ExecutionSession();

        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => new ComputeCrew(session).RunAsync(new ToolQuestion("x"), Token));

        Assert.Contains("no tool source named 'calc'", Assert.IsType<ToolCallException>(failure.InnerException).Message, System.StringComparison.Ordinal);
    }
}
