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
        IVariableInitializerOperation => false,
        _ => reference.Parent is IAddressOfOperation,
    };

    /// <summary>
    /// True when the task in <paramref name="local"/> is awaited or handed to other code anywhere in the
    /// method (<c>await t</c>, <c>Task.WhenAll(a, b)</c>, <c>new[] { a, b }</c>, <c>return t</c>, another local):
    /// reading <c>.Result</c> afterwards may well be on a completed task, so the flow is unknown.
    /// </summary>
    public static bool IsAwaitedOrShared(ILocalSymbol local, IOperation use)
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

            IOperation value = reference;
            var parent = reference.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                value = parent;
                parent = parent.Parent;
            }

            var shared = parent switch
            {
                IAwaitOperation or IArgumentOperation or IArrayInitializerOperation or IReturnOperation or ITupleOperation
                    or IVariableInitializerOperation or IAnonymousObjectCreationOperation => true,
                ISimpleAssignmentOperation assignment => assignment.Value == value,
                _ => false,
            };
            if (shared)
            {
                return true;
            }
        }

        return false;
    }
}
