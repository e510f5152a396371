using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// Follows local variables through the simple assignments of the code block (method body, initializer)
/// that declares them. Anything the analysis cannot see through (ref/out arguments, deconstruction,
/// compound assignment) makes the flow unknown, and unknown flow never produces a diagnostic.
/// One instance per code block: the block is walked once, on the first question, for every local at
/// once; each local's answer is then worked out once (<see cref="Remember"/>), however often it is used.
/// </summary>
internal sealed class LocalValues
{
    private readonly ImmutableArray<IOperation> _blocks;
    private readonly AnalysisWork? _work;
    private readonly Once<Dictionary<ILocalSymbol, Uses>> _uses;
    private readonly AnalysisCache<ILocalSymbol, IInvocationOperation?> _answers = new(SymbolEqualityComparer.Default);

    public LocalValues(ImmutableArray<IOperation> blocks, AnalysisWork? work)
    {
        _blocks = blocks;
        _work = work;
        _uses = new Once<Dictionary<ILocalSymbol, Uses>>(Index);
    }

    /// <summary>The answer <paramref name="compute"/> gives for <paramref name="local"/>, computed once per local.</summary>
    public IInvocationOperation? Remember(ILocalSymbol local, Func<ILocalSymbol, IInvocationOperation?> compute) => _answers.Get(local, compute);

    /// <summary>
    /// Every value assigned to <paramref name="local"/> (its initializer included), in the order they are
    /// written, or null when the flow is unknown.
    /// </summary>
    public List<IOperation>? AssignedValues(ILocalSymbol local, CancellationToken cancellationToken)
    {
        if (local.RefKind != RefKind.None)
        {
            return null;
        }

        if (!_uses.Get(cancellationToken).TryGetValue(local, out var uses))
        {
            return new List<IOperation>();
        }

        return uses.WrittenOtherwise ? null : uses.Values;
    }

    /// <summary>
    /// True when every read of <paramref name="local"/> is one that <paramref name="isKnownRead"/> recognizes;
    /// it is given the reference together with the conversions and parentheses around it. Simple assignments
    /// to the local are writes, not reads (see <see cref="AssignedValues"/>). Every other use makes the flow
    /// unknown: the value may be awaited, handed to other code (an argument, also through an implicit params
    /// array, span or collection; a collection expression or initializer; a tuple; another variable; a lambda;
    /// a return), taken by <c>ref</c> or inspected, in ways a list of known escapes would never cover as the
    /// language grows.
    /// </summary>
    public bool IsOnlyReadAs(ILocalSymbol local, Func<IOperation, bool> isKnownRead, CancellationToken cancellationToken)
    {
        if (!_uses.Get(cancellationToken).TryGetValue(local, out var uses))
        {
            return true;
        }

        foreach (var read in uses.Reads)
        {
            _work.Step(WorkKind.Operations, cancellationToken);
            IOperation value = read;
            while (value.Parent is IConversionOperation or IParenthesizedOperation)
            {
                value = value.Parent;
            }

            if (!isKnownRead(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One walk over the block (each tree once, even when the driver lists a body and its parts): every local's writes and reads.</summary>
    private Dictionary<ILocalSymbol, Uses> Index(CancellationToken cancellationToken)
    {
        var index = new Dictionary<ILocalSymbol, Uses>(SymbolEqualityComparer.Default);
        foreach (var root in Walks.Roots(_blocks, _work, cancellationToken))
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                _work.Step(WorkKind.Operations, cancellationToken);
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        if (declarator.GetVariableInitializer() is { } initializer)
                        {
                            UsesOf(index, declarator.Symbol).Values.Add(initializer.Value);
                        }

                        break;
                    case ILocalReferenceOperation reference:
                        var uses = UsesOf(index, reference.Local);
                        if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                        {
                            uses.Values.Add(assignment.Value);
                            if (!assignment.IsRef)
                            {
                                break;
                            }
                        }
                        else if (IsWrittenOtherwise(reference))
                        {
                            uses.WrittenOtherwise = true;
                        }

                        uses.Reads.Add(reference);
                        break;
                }
            }
        }

        return index;
    }

    private static Uses UsesOf(Dictionary<ILocalSymbol, Uses> index, ILocalSymbol local)
    {
        if (!index.TryGetValue(local, out var uses))
        {
            uses = new Uses();
            index[local] = uses;
        }

        return uses;
    }

    /// <summary>True when <paramref name="reference"/> is written other than by a simple assignment.</summary>
    private static bool IsWrittenOtherwise(ILocalReferenceOperation reference) => reference.Parent switch
    {
        IArgumentOperation argument => argument.Parameter is { RefKind: RefKind.Ref or RefKind.Out },
        ICompoundAssignmentOperation compound => compound.Target == reference,
        ICoalesceAssignmentOperation coalesce => coalesce.Target == reference,
        IDeconstructionAssignmentOperation => true,
        ITupleOperation tuple => tuple.Parent is IDeconstructionAssignmentOperation,
        ISimpleAssignmentOperation { IsRef: true } => true,

        // ref var alias = ref local; writes through the alias are writes to the local that this analysis cannot see.
        IVariableInitializerOperation initializer => initializer.Parent is IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None },
        _ => reference.Parent is IAddressOfOperation,
    };

    /// <summary>What one local's code does with it.</summary>
    private sealed class Uses
    {
        /// <summary>The values assigned to it, in order (initializer and simple assignments).</summary>
        public List<IOperation> Values { get; } = new();

        /// <summary>Every reference that is not the target of a simple assignment.</summary>
        public List<ILocalReferenceOperation> Reads { get; } = new();

        /// <summary>Written through <c>ref</c>/<c>out</c>, a compound assignment, a deconstruction or an alias: the flow is unknown.</summary>
        public bool WrittenOtherwise { get; set; }
    }
}
