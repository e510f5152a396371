using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Amsha.Generators.Plans;

/// <summary>The outcome of planning a crew: an execution order or the reasons there is none.</summary>
internal sealed class CrewPlan
{
    /// <summary>Indexes of the declared tasks in execution order; empty when the plan is invalid.</summary>
    public List<int> Order { get; } = new();

    /// <summary>A dependency cycle as declared task indexes, first index repeated at the end; null if none.</summary>
    public List<int>? Cycle { get; set; }

    /// <summary>(task, context) pairs where the context task is not in the crew.</summary>
    public List<(int Task, string Context)> ContextOutsideCrew { get; } = new();

    /// <summary>(task, context index) pairs where a sequential crew lists the context task after the task.</summary>
    public List<(int Task, int Context)> ContextAfterTask { get; } = new();

    public bool IsValid => Cycle is null && ContextOutsideCrew.Count == 0 && ContextAfterTask.Count == 0;

    /// <summary>How many tasks and dependencies planning visited, counted for tests (it grows with the crew, never with its square).</summary>
    public long Steps { get; set; }
}

/// <summary>
/// Computes a crew's execution plan from task names and their context names. The generator and
/// the graph analyzers (AMSHA005, AMSHA006) share it: one source of truth for the plan.
/// </summary>
/// <remarks>
/// Every pass visits each task and dependency a bounded number of times, on explicit stacks and queues: a crew
/// of thousands of tasks, or a chain of thousands of context dependencies, plans in linear time without
/// deep recursion.
/// </remarks>
internal static class CrewPlanner
{
    /// <param name="tasks">The crew's distinct tasks in declared order (names are fully qualified).</param>
    /// <param name="contexts">For each task, the names of its context tasks.</param>
    /// <param name="graph">True for <c>Process = Graph</c>, false for sequential.</param>
    /// <param name="cancellationToken">Checked once per task.</param>
    public static CrewPlan Plan(IReadOnlyList<string> tasks, IReadOnlyList<IReadOnlyList<string>> contexts, bool graph, CancellationToken cancellationToken = default)
    {
        var plan = new CrewPlan();
        var indexOf = new Dictionary<string, int>();
        for (var i = 0; i < tasks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!indexOf.ContainsKey(tasks[i]))
            {
                indexOf[tasks[i]] = i;
            }
        }

        // edges[i]: the tasks i depends on, each once, in the order its context names them.
        var edges = new List<int>[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            edges[i] = new List<int>();
            var distinct = new HashSet<int>();
            foreach (var context in contexts[i])
            {
                plan.Steps++;
                if (!indexOf.TryGetValue(context, out var dependency))
                {
                    plan.ContextOutsideCrew.Add((i, context));
                    continue;
                }

                if (distinct.Add(dependency))
                {
                    edges[i].Add(dependency);
                }
            }
        }

        plan.Cycle = FindCycle(edges, plan, cancellationToken);
        if (plan.Cycle is null && !graph)
        {
            for (var i = 0; i < tasks.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var dependency in edges[i].Where(d => d >= i))
                {
                    plan.ContextAfterTask.Add((i, dependency));
                }
            }
        }

        if (plan.IsValid)
        {
            plan.Order.AddRange(graph ? TopologicalOrder(edges, plan, cancellationToken) : Enumerable.Range(0, tasks.Count));
        }

        return plan;
    }

    // Kahn's algorithm, taking the lowest declared index among the ready tasks first so the order is stable.
    private static List<int> TopologicalOrder(List<int>[] edges, CrewPlan plan, CancellationToken cancellationToken)
    {
        var waitingOn = new int[edges.Length];
        var dependents = new List<int>[edges.Length];
        for (var i = 0; i < edges.Length; i++)
        {
            dependents[i] = new List<int>();
        }

        for (var i = 0; i < edges.Length; i++)
        {
            waitingOn[i] = edges[i].Count;
            foreach (var dependency in edges[i])
            {
                dependents[dependency].Add(i);
            }
        }

        var ready = new SortedSet<int>(Enumerable.Range(0, edges.Length).Where(i => waitingOn[i] == 0));
        var order = new List<int>(edges.Length);
        while (ready.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = ready.Min;
            ready.Remove(next);
            order.Add(next);
            plan.Steps++;
            foreach (var dependent in dependents[next])
            {
                plan.Steps++;
                if (--waitingOn[dependent] == 0)
                {
                    ready.Add(dependent);
                }
            }
        }

        return order;
    }

    // Depth-first, on an explicit stack; the first cycle met, as the tasks on the current path.
    private static List<int>? FindCycle(List<int>[] edges, CrewPlan plan, CancellationToken cancellationToken)
    {
        // 0 = unvisited, 1 = on the current path, 2 = finished.
        var state = new int[edges.Length];
        var path = new List<int>();
        var next = new Stack<int>();
        for (var start = 0; start < edges.Length; start++)
        {
            if (state[start] != 0)
            {
                continue;
            }

            Enter(start);
            while (path.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plan.Steps++;
                var node = path[path.Count - 1];
                var edge = next.Pop();
                if (edge == edges[node].Count)
                {
                    path.RemoveAt(path.Count - 1);
                    state[node] = 2;
                    continue;
                }

                next.Push(edge + 1);
                var target = edges[node][edge];
                if (state[target] == 1)
                {
                    var cycle = path.Skip(path.IndexOf(target)).ToList();
                    cycle.Add(target);
                    return cycle;
                }

                if (state[target] == 0)
                {
                    Enter(target);
                }
            }
        }

        return null;

        void Enter(int node)
        {
            state[node] = 1;
            path.Add(node);
            next.Push(0);
        }
    }
}
