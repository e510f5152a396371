using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>A try whose body contains a call and whose catch lets the loop around it go on.</summary>
internal sealed record RetryLoop(ITryOperation Try, ILoopOperation Loop);

/// <summary>
/// The loops of one code block, for AMSHA205, each fact worked out once per block rather than once per
/// call: which try and loop surround a node (remembered for every node on the way up), what is written
/// inside each loop (one walk over the block indexes every write by position; a loop's writes are those
/// within its span), and whether the branches between a try and the nodes below it depend on the loop.
/// </summary>
internal sealed class RetryLoops
{
    /// <summary>How deep <see cref="IsInvariant"/> looks into an expression; deeper counts as unknown (never reported).</summary>
    public const int MaxExpressionDepth = 64;

    private readonly ImmutableArray<IOperation> _blocks;
    private readonly AnalysisWork? _work;
    private readonly Once<WriteIndex> _writes;
    private readonly AnalysisCache<IOperation, RetryLoop?> _retryLoops = new();
    private readonly AnalysisCache<IOperation, ILoopOperation?> _loopsAbove = new();
    private readonly AnalysisCache<IOperation, bool> _invariantBranches = new();
    private readonly AnalysisCache<ILoopOperation, LoopWrites?> _loopWrites = new();

    public RetryLoops(ImmutableArray<IOperation> blocks, AnalysisWork? work)
    {
        _blocks = blocks;
        _work = work;
        _writes = new Once<WriteIndex>(IndexWrites);
    }

    /// <summary>The try (call in its body, a catch that lets the loop go on) and the loop around it, within one function.</summary>
    public RetryLoop? Find(IOperation call, CancellationToken cancellationToken) =>
        Walks.Climb(call, _retryLoops, child => child.Parent switch
        {
            null or IAnonymousFunctionOperation or ILocalFunctionOperation => ClimbStep<RetryLoop?>.Stop(null),
            ITryOperation candidate when candidate.Body == child && CatchesAndContinues(candidate, cancellationToken) =>
                ClimbStep<RetryLoop?>.Stop(LoopAbove(candidate, cancellationToken) is { } loop ? new RetryLoop(candidate, loop) : null),
            var parent => ClimbStep<RetryLoop?>.Continue(parent),
        }, _work, cancellationToken);

    /// <summary>What <paramref name="loop"/> writes; null when it declares or writes a <c>ref</c> local (see <see cref="LoopWrites"/>).</summary>
    public LoopWrites? Writes(ILoopOperation loop, CancellationToken cancellationToken) =>
        _loopWrites.Get(loop, l =>
        {
            var index = _writes.Get(cancellationToken);
            var variables = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

            // foreach and for variables change per iteration.
            if (l is IForEachLoopOperation or IForLoopOperation)
            {
                foreach (var local in l.Locals)
                {
                    _work.Step(WorkKind.Symbols, cancellationToken);
                    if (local.RefKind == RefKind.Ref)
                    {
                        return null;
                    }

                    variables.Add(local);
                }
            }

            var span = l.Syntax.Span;
            return WriteIndex.AnyWithin(index.RefLocalWrites, span) ? null : new LoopWrites(index, span, variables);
        });

    /// <summary>
    /// True when <paramref name="value"/> certainly has the same value on every iteration: literals,
    /// constructions and member reads of values the loop does not write. Calls and awaits are unknown, and
    /// so is anything nested deeper than <see cref="MaxExpressionDepth"/>.
    /// </summary>
    public bool IsInvariant(IOperation? value, LoopWrites written, CancellationToken cancellationToken) => IsInvariant(value, written, 0, cancellationToken);

    /// <summary>True when no branch between <paramref name="node"/> and <paramref name="try"/> depends on what the loop writes.</summary>
    /// <remarks>
    /// Every node on the way has the same try above it (the first one whose body holds it), so each node's
    /// answer holds for every call below it.
    /// </remarks>
    public bool BranchesAreInvariant(IOperation node, ITryOperation @try, LoopWrites written, CancellationToken cancellationToken) =>
        node.Parent is not { } start || start == @try
        || Walks.Climb(start, _invariantBranches, current =>
        {
            var condition = current switch
            {
                IConditionalOperation conditional => conditional.Condition,
                ISwitchOperation @switch => @switch.Value,
                ISwitchExpressionOperation @switch => @switch.Value,
                _ => null,
            };
            if (condition is not null && !IsInvariant(condition, written, cancellationToken))
            {
                return ClimbStep<bool>.Stop(false);
            }

            return current.Parent is not { } next || next == @try ? ClimbStep<bool>.Stop(true) : ClimbStep<bool>.Continue(next);
        }, _work, cancellationToken);

    /// <summary>The first loop above <paramref name="operation"/> within its function, remembered for every node on the way.</summary>
    private ILoopOperation? LoopAbove(IOperation operation, CancellationToken cancellationToken) =>
        Walks.Climb(operation, _loopsAbove, current => current.Parent switch
        {
            null or IAnonymousFunctionOperation or ILocalFunctionOperation => ClimbStep<ILoopOperation?>.Stop(null),
            ILoopOperation loop => ClimbStep<ILoopOperation?>.Stop(loop),
            var parent => ClimbStep<ILoopOperation?>.Continue(parent),
        }, _work, cancellationToken);

    private bool CatchesAndContinues(ITryOperation operation, CancellationToken cancellationToken)
    {
        foreach (var clause in operation.Catches)
        {
            _work.Step(WorkKind.Operations, cancellationToken);
            if (!AlwaysLeaves(clause.Handler, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private bool AlwaysLeaves(IBlockOperation handler, CancellationToken cancellationToken)
    {
        foreach (var statement in handler.Operations)
        {
            _work.Step(WorkKind.Operations, cancellationToken);
            var leaves = statement switch
            {
                IThrowOperation or IReturnOperation => true,
                IExpressionStatementOperation { Operation: IThrowOperation } => true,
                IBranchOperation { BranchKind: BranchKind.Break or BranchKind.GoTo } => true,
                _ => false,
            };
            if (leaves)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsInvariant(IOperation? value, LoopWrites written, int depth, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return true;
        }

        if (depth > MaxExpressionDepth)
        {
            return false;
        }

        _work.Step(WorkKind.Operations, cancellationToken);
        switch (value)
        {
            case ILiteralOperation or IDefaultValueOperation or ITypeOfOperation or INameOfOperation or IInstanceReferenceOperation:
                return true;
            case ILocalReferenceOperation local:
                return !written.Contains(local.Local);
            case IParameterReferenceOperation parameter:
                return !written.Contains(parameter.Parameter);
            case IFieldReferenceOperation field:
                return !written.Contains(field.Field) && IsInvariant(field.Instance, written, depth + 1, cancellationToken);
            case IPropertyReferenceOperation property:
                return !written.Contains(property.Property) && property.Arguments.IsEmpty && IsInvariant(property.Instance, written, depth + 1, cancellationToken);
            case ISimpleAssignmentOperation assignment when assignment.Parent is IObjectOrCollectionInitializerOperation:
                return IsInvariant(assignment.Value, written, depth + 1, cancellationToken);
            case IConversionOperation or IParenthesizedOperation or IObjectCreationOperation or IAnonymousObjectCreationOperation
                or IObjectOrCollectionInitializerOperation or IArrayCreationOperation or IArrayInitializerOperation
                or IArgumentOperation or IBinaryOperation or IUnaryOperation or IConditionalOperation or ICoalesceOperation
                or IInterpolatedStringOperation or IInterpolatedStringContentOperation or IInterpolationOperation
                or IWithOperation or ITupleOperation:
                foreach (var child in value.ChildOperations)
                {
                    if (!IsInvariant(child, written, depth + 1, cancellationToken))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Every write in the block, by the position of the operation that writes: declarations, assignments
    /// (also through tuples and declaration expressions), increments, <c>ref</c>/<c>out</c> arguments. Walked once.
    /// </summary>
    private WriteIndex IndexWrites(CancellationToken cancellationToken)
    {
        var index = new WriteIndex();
        foreach (var root in Walks.Roots(_blocks, _work, cancellationToken))
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                _work.Step(WorkKind.Operations, cancellationToken);
                var position = operation.Syntax.SpanStart;
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        index.Add(declarator.Symbol, position);
                        break;
                    case IAssignmentOperation assignment:
                        AddTarget(index, assignment.Target, position, cancellationToken);
                        break;
                    case IIncrementOrDecrementOperation increment:
                        AddTarget(index, increment.Target, position, cancellationToken);
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                        AddTarget(index, argument.Value, position, cancellationToken);
                        break;
                    case IDeclarationExpressionOperation declaration:
                        AddTarget(index, declaration.Expression, position, cancellationToken);
                        break;
                }
            }
        }

        index.Sort();
        return index;
    }

    private void AddTarget(WriteIndex index, IOperation target, int position, CancellationToken cancellationToken)
    {
        _work.Step(WorkKind.Operations, cancellationToken);
        ISymbol? written = target switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        if (written is not null)
        {
            index.Add(written, position);
        }
        else if (target is ITupleOperation tuple)
        {
            foreach (var element in tuple.Elements)
            {
                AddTarget(index, element, position, cancellationToken);
            }
        }
        else if (target is IDeclarationExpressionOperation declaration)
        {
            AddTarget(index, declaration.Expression, position, cancellationToken);
        }
    }
}

/// <summary>The positions of every write in a code block, per symbol, sorted.</summary>
internal sealed class WriteIndex
{
    private readonly Dictionary<ISymbol, List<int>> _writes = new(SymbolEqualityComparer.Default);

    /// <summary>Positions of declarations of and writes to <c>ref</c> locals: a write through one may change any variable.</summary>
    public List<int> RefLocalWrites { get; } = new();

    public void Add(ISymbol symbol, int position)
    {
        if (!_writes.TryGetValue(symbol, out var positions))
        {
            positions = new List<int>();
            _writes[symbol] = positions;
        }

        positions.Add(position);
        if (symbol is ILocalSymbol { RefKind: RefKind.Ref })
        {
            RefLocalWrites.Add(position);
        }
    }

    public void Sort()
    {
        foreach (var positions in _writes.Values)
        {
            positions.Sort();
        }

        RefLocalWrites.Sort();
    }

    public bool IsWrittenWithin(ISymbol symbol, TextSpan span) => _writes.TryGetValue(symbol, out var positions) && AnyWithin(positions, span);

    /// <summary>True when a sorted list holds a position within <paramref name="span"/> (a binary search).</summary>
    public static bool AnyWithin(List<int> sorted, TextSpan span)
    {
        var index = sorted.BinarySearch(span.Start);
        if (index < 0)
        {
            index = ~index;
        }

        return index < sorted.Count && sorted[index] < span.End;
    }
}

/// <summary>
/// Locals, parameters, fields and properties written anywhere in one loop, loop variables included. A loop
/// that declares or writes a <c>ref</c> local (<c>ref var r = ref input; r = ...</c>, allowed in async methods
/// since C# 13) has none: a write through it may change any variable, so nothing is known to be invariant.
/// </summary>
internal sealed class LoopWrites(WriteIndex index, TextSpan span, HashSet<ISymbol> variables)
{
    public bool Contains(ISymbol symbol) => variables.Contains(symbol) || index.IsWrittenWithin(symbol, span);
}
