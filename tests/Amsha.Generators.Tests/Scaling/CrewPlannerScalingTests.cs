using System.Collections.Generic;
using System.Linq;
using Amsha.Generators.Plans;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>
/// The crew plan (shared by the crew generator and AMSHA005/AMSHA006) visits each task and dependency a bounded
/// number of times, counted by <see cref="CrewPlan.Steps"/>, and needs no stack depth for long dependency chains.
/// </summary>
public sealed class CrewPlannerScalingTests
{
    private static readonly int[] Sizes = [10, 100, 1000];

    public static TheoryData<string, bool> Shapes => new()
    {
        // Each task has the previous one as context.
        { "chain", false },
        { "chain", true },
        // Every task has the first one as context.
        { "star", false },
        // Each task has the next one as context: a graph crew runs them last to first.
        { "reversed chain", true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Planning_visits_each_task_and_dependency_a_bounded_number_of_times(string shape, bool graph)
    {
        var plans = Sizes.Select(n => Plan(shape, n, graph)).ToList();

        Assert.All(plans, plan => Assert.True(plan.IsValid));
        Assert.Equal(Sizes, plans.Select(plan => plan.Order.Count));
        WorkCounts.AssertLinear("planner steps", Sizes, plans.Select(plan => (double)plan.Steps).ToList());
    }

    [Fact]
    public void A_dependency_chain_of_a_hundred_thousand_tasks_is_planned_without_recursion()
    {
        var plan = Plan("reversed chain", 100_000, graph: true);

        Assert.True(plan.IsValid);
        Assert.Equal(Enumerable.Range(0, 100_000).Reverse(), plan.Order);
    }

    [Fact]
    public void A_cycle_at_the_end_of_a_long_chain_is_found_and_named()
    {
        var tasks = Enumerable.Range(0, 50_000).Select(i => "T" + i).ToList();
        var contexts = tasks.Select((_, i) => (IReadOnlyList<string>)(i == 0 ? ["T49999"] : ["T" + (i - 1)])).ToList();

        var plan = CrewPlanner.Plan(tasks, contexts, graph: true);

        Assert.Equal(50_001, plan.Cycle!.Count);
        Assert.Equal(plan.Cycle[0], plan.Cycle[^1]);
    }

    private static CrewPlan Plan(string shape, int tasks, bool graph)
    {
        var names = Enumerable.Range(0, tasks).Select(i => "T" + i).ToList();
        var contexts = names.Select((_, i) => (IReadOnlyList<string>)(shape switch
        {
            "chain" => i == 0 ? [] : ["T" + (i - 1)],
            "star" => i == 0 ? [] : ["T0"],
            _ => i == tasks - 1 ? [] : ["T" + (i + 1)],
        })).ToList();
        return CrewPlanner.Plan(names, contexts, graph);
    }
}
