using System.Collections.Generic;
using System.Linq;

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
}

/// <summary>
/// Computes a crew's execution plan from task names and their context names. The generator and
/// the graph analyzers (AMSHA005, AMSHA006) share it: one source of truth for the plan.
/// </summary>
internal static class CrewPlanner
{
    /// <param name="tasks">The crew's distinct tasks in declared order (names are fully qualified).</param>
    /// <param name="contexts">For each task, the names of its context tasks.</param>
    /// <param name="graph">True for <c>Process = Graph</c>, false for sequential.</param>
    public static CrewPlan Plan(IReadOnlyList<string> tasks, IReadOnlyList<IReadOnlyList<string>> contexts, bool graph)
    {
        var plan = new CrewPlan();
        var indexOf = new Dictionary<string, int>();
        for (var i = 0; i < tasks.Count; i++)
        {
            if (!indexOf.ContainsKey(tasks[i]))
            {
                indexOf[tasks[i]] = i;
            }
        }

        var edges = new List<int>[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            edges[i] = new List<int>();
            foreach (var context in contexts[i])
            {
                if (!indexOf.TryGetValue(context, out var dependency))
                {
                    plan.ContextOutsideCrew.Add((i, context));
                    continue;
                }

                if (!edges[i].Contains(dependency))
                {
                    edges[i].Add(dependency);
                }
            }
        }

        plan.Cycle = FindCycle(edges);
        if (plan.Cycle is null && !graph)
        {
            for (var i = 0; i < tasks.Count; i++)
            {
                foreach (var dependency in edges[i].Where(d => d >= i))
                {
                    plan.ContextAfterTask.Add((i, dependency));
                }
            }
        }

        if (plan.IsValid)
        {
            plan.Order.AddRange(graph ? TopologicalOrder(edges) : Enumerable.Range(0, tasks.Count));
        }

        return plan;
    }

    // Kahn's algorithm, taking the lowest declared index first so the order is stable.
    private static IEnumerable<int> TopologicalOrder(List<int>[] edges)
    {
        var remaining = edges.Select(e => e.Count).ToArray();
        var done = new bool[edges.Length];
        for (var emitted = 0; emitted < edges.Length; emitted++)
        {
            var next = -1;
            for (var i = 0; i < edges.Length && next < 0; i++)
            {
                if (!done[i] && edges[i].All(d => done[d]))
                {
                    next = i;
                }
            }

            if (next < 0)
            {
                yield break;
            }

            done[next] = true;
            yield return next;
        }
    }

    private static List<int>? FindCycle(List<int>[] edges)
    {
        // 0 = unvisited, 1 = on the current path, 2 = finished.
        var state = new int[edges.Length];
        var path = new List<int>();
        for (var start = 0; start < edges.Length; start++)
        {
            if (state[start] == 0 && Visit(start, edges, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static List<int>? Visit(int node, List<int>[] edges, int[] state, List<int> path)
    {
        state[node] = 1;
        path.Add(node);
        foreach (var next in edges[node])
        {
            if (state[next] == 1)
            {
                var cycle = path.Skip(path.IndexOf(next)).ToList();
                cycle.Add(next);
                return cycle;
            }

            if (state[next] == 0 && Visit(next, edges, state, path) is { } found)
            {
                return found;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[node] = 2;
        return null;
    }
}
