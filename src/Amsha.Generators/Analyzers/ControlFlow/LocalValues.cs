using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// Follows a local variable through the simple assignments of the method that declares it. Anything
/// the analysis cannot see through (ref/out arguments, deconstruction, compound assignment) makes the
/// flow unknown, and unknown flow never produces a diagnostic.
/// </summary>
internal static class LocalValues
{
    /// <summary>
    /// Every value assigned to <paramref name="local"/> within the method body containing
    /// <paramref name="use"/> (its initializer included), or null when the flow is unknown.
    /// </summary>
    public static List<IOperation>? AssignedValues(ILocalSymbol local, IOperation use)
    {
        if (local.RefKind != RefKind.None)
        {
            return null;
        }

        var root = use;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        var values = new List<IOperation>();
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.GetVariableInitializer() is { } initializer)
                    {
                        values.Add(initializer.Value);
                    }

                    break;
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                    {
                        values.Add(assignment.Value);
                    }
                    else if (IsWrittenOtherwise(reference))
                    {
                        return null;
                    }

                    break;
            }
        }

        return values;
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

    /// <summary>
    /// True when every read of <paramref name="local"/> within the method body containing <paramref name="use"/>
    /// is one that <paramref name="isKnownRead"/> recognizes; it is given the reference together with the
    /// conversions and parentheses around it. Simple assignments to the local are writes, not reads
    /// (see <see cref="AssignedValues"/>). Every other use makes the flow unknown: the value may be awaited,
    /// handed to other code (an argument, also through an implicit params array, span or collection; a
    /// collection expression or initializer; a tuple; another variable; a lambda; a return), taken by
    /// <c>ref</c> or inspected, in ways a list of known escapes would never cover as the language grows.
    /// </summary>
    public static bool IsOnlyReadAs(ILocalSymbol local, IOperation use, Func<IOperation, bool> isKnownRead)
    {
        var root = use;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            if (reference.Parent is ISimpleAssignmentOperation { IsRef: false } assignment && assignment.Target == reference)
            {
                continue;
            }

            IOperation value = reference;
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
}
