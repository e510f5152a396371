using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>One step of a <see cref="Walks.Climb"/>: stop with an answer, or go on from another node.</summary>
internal readonly record struct ClimbStep<T>(bool Stops, T Value, IOperation? Next)
{
    public static ClimbStep<T> Stop(T value) => new(true, value, null);

    public static ClimbStep<T> Continue(IOperation next) => new(false, default!, next);
}

/// <summary>
/// The walks analyzers make over what users write: down through a type's parts and up through an
/// operation's parents, each bounded and each remembering its answers so that asking again (for another
/// call, another member, another type) costs nothing; and to the operation trees of a code block.
/// </summary>
internal static class Walks
{
    /// <summary>
    /// The first answer <paramref name="own"/> gives for <paramref name="node"/> or one of its parts (depth
    /// first, in the order <paramref name="parts"/> lists them), at most <paramref name="maxDepth"/> levels down.
    /// Each node is visited once per walk (a visited set: shared parts and cycles cost nothing), and its answer
    /// is kept in <paramref name="answers"/> for later walks, except when the depth limit cut its walk short
    /// (such an answer depends on where the walk started).
    /// </summary>
    public static TAnswer? First<TNode, TAnswer>(
        TNode node,
        AnalysisCache<TNode, TAnswer?> answers,
        Func<TNode, TAnswer?> own,
        Func<TNode, IEnumerable<TNode>> parts,
        int maxDepth,
        IEqualityComparer<TNode> comparer,
        AnalysisWork? work,
        CancellationToken cancellationToken)
        where TNode : notnull
        where TAnswer : class =>
        First(node, 0, new HashSet<TNode>(comparer), answers, own, parts, maxDepth, work, cancellationToken, out _);

    /// <summary>
    /// Walks up from <paramref name="start"/> as <paramref name="step"/> says, until it stops or reaches a
    /// node answered before; every node on the way gets the same answer, kept in <paramref name="answers"/>.
    /// Each node of a tree is thus stepped through at most once, however many walks pass it.
    /// </summary>
    public static T Climb<T>(IOperation start, AnalysisCache<IOperation, T> answers, Func<IOperation, ClimbStep<T>> step, AnalysisWork? work, CancellationToken cancellationToken)
    {
        var path = new List<IOperation>();
        T answer;
        for (var node = start; ;)
        {
            if (answers.TryGet(node, out answer))
            {
                break;
            }

            work.Step(WorkKind.Operations, cancellationToken);
            path.Add(node);
            var next = step(node);
            if (next.Stops)
            {
                answer = next.Value;
                break;
            }

            node = next.Next!;
        }

        foreach (var visited in path)
        {
            answers.Set(visited, answer);
        }

        return answer;
    }

    /// <summary>The operation trees of a code block, each once (the driver may list a body and parts of it).</summary>
    public static HashSet<IOperation> Roots(ImmutableArray<IOperation> blocks, AnalysisWork? work, CancellationToken cancellationToken)
    {
        var roots = new HashSet<IOperation>();
        foreach (var block in blocks)
        {
            var root = block;
            while (root.Parent is not null)
            {
                work.Step(WorkKind.Operations, cancellationToken);
                root = root.Parent;
            }

            roots.Add(root);
        }

        return roots;
    }

    private static TAnswer? First<TNode, TAnswer>(
        TNode node,
        int depth,
        HashSet<TNode> visited,
        AnalysisCache<TNode, TAnswer?> answers,
        Func<TNode, TAnswer?> own,
        Func<TNode, IEnumerable<TNode>> parts,
        int maxDepth,
        AnalysisWork? work,
        CancellationToken cancellationToken,
        out bool truncated)
        where TNode : notnull
        where TAnswer : class
    {
        truncated = false;
        if (answers.TryGet(node, out var known))
        {
            return known;
        }

        // A node seen before in this walk without a kept answer was cut short by the depth limit (or is on a cycle).
        if (depth > maxDepth || !visited.Add(node))
        {
            truncated = true;
            return null;
        }

        work.Step(WorkKind.Types, cancellationToken);
        var found = own(node);
        if (found is null)
        {
            foreach (var part in parts(node))
            {
                work.Step(WorkKind.Types, cancellationToken);
                found = First(part, depth + 1, visited, answers, own, parts, maxDepth, work, cancellationToken, out var cut);
                truncated |= cut;
                if (found is not null)
                {
                    break;
                }
            }
        }

        if (found is not null || !truncated)
        {
            answers.Set(node, found);
        }

        return found;
    }
}
