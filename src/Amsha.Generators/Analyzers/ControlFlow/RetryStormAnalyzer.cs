using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA205: a loop whose body catches the failure of a call that already retries (a crew run or an
/// <c>[AmshaLlmCall]</c> method) and lets the loop call it again with the same receiver and input.
/// A loop that changes the input, the crew or the branch taken between attempts makes a different
/// decision each time (the client owns flow) and stays silent, as does a catch that always leaves
/// the loop (<c>throw</c>, <c>return</c>, <c>break</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RetryStormAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.RetryStorm);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var cancellationToken = start.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        start.RegisterOperationAction(c => Analyze(c, symbols, cancellationToken), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, AmshaSymbols symbols, INamedTypeSymbol? cancellationToken)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var kind = ExecutionCalls.Classify(invocation.TargetMethod, symbols);
        if (!ExecutionCalls.Retries(kind)
            || (context.ContainingSymbol.ContainingType is { } owner && symbols.IsDeclarationType(owner))
            || FindRetryLoop(invocation) is not { } found)
        {
            return;
        }

        var written = WrittenSymbols(found.Loop);
        if (written is null || !IsInvariant(invocation.Instance, written))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (!SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type, cancellationToken) && !IsInvariant(argument.Value, written))
            {
                return;
            }
        }

        // A branch between the try and the call that depends on loop state picks a different call per attempt.
        for (var node = invocation.Parent; node is not null && node != found.Try; node = node.Parent)
        {
            var condition = node switch
            {
                IConditionalOperation conditional => conditional.Condition,
                ISwitchOperation @switch => @switch.Value,
                ISwitchExpressionOperation @switch => @switch.Value,
                _ => null,
            };
            if (condition is not null && !IsInvariant(condition, written))
            {
                return;
            }
        }

        var llmCall = kind == ExecutionCallKind.LlmCall;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.RetryStorm,
            invocation.Syntax.GetLocation(),
            ExecutionCalls.Display(invocation.TargetMethod),
            llmCall ? "its LLM call is attempted" : "each of the crew's LLM calls is attempted",
            (llmCall ? ExecutionCalls.MaxAttempts(invocation.TargetMethod, symbols) : ExecutionCalls.DefaultMaxAttempts).ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The try (call in its body, a catch that lets the loop go on) and the loop around it, within one function.</summary>
    private static (ITryOperation Try, ILoopOperation Loop)? FindRetryLoop(IOperation call)
    {
        ITryOperation? retryingTry = null;
        for (IOperation child = call, parent = call.Parent!; parent is not null; child = parent, parent = parent.Parent!)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
                case ITryOperation candidate when retryingTry is null && candidate.Body == child && CatchesAndContinues(candidate):
                    retryingTry = candidate;
                    break;
                case ILoopOperation loop when retryingTry is not null:
                    return (retryingTry, loop);
            }
        }

        return null;
    }

    private static bool CatchesAndContinues(ITryOperation operation)
    {
        foreach (var clause in operation.Catches)
        {
            if (!AlwaysLeaves(clause.Handler))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AlwaysLeaves(IBlockOperation handler)
    {
        foreach (var statement in handler.Operations)
        {
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

    /// <summary>
    /// Locals, parameters, fields and properties written anywhere in <paramref name="loop"/>, loop variables
    /// included; null when the loop declares or writes a <c>ref</c> local (<c>ref var r = ref input; r = ...</c>,
    /// allowed in async methods since C# 13): a write through it may change any variable, so nothing is
    /// known to be invariant.
    /// </summary>
    private static HashSet<ISymbol>? WrittenSymbols(ILoopOperation loop)
    {
        var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var local in loop.Locals)
        {
            // foreach and for variables change per iteration.
            if (loop is IForEachLoopOperation or IForLoopOperation)
            {
                written.Add(local);
            }
        }

        foreach (var operation in loop.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator:
                    written.Add(declarator.Symbol);
                    break;
                case IAssignmentOperation assignment:
                    AddTarget(written, assignment.Target);
                    break;
                case IIncrementOrDecrementOperation increment:
                    AddTarget(written, increment.Target);
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                    AddTarget(written, argument.Value);
                    break;
                case IDeclarationExpressionOperation declaration:
                    AddTarget(written, declaration.Expression);
                    break;
            }
        }

        foreach (var symbol in written)
        {
            if (symbol is ILocalSymbol { RefKind: RefKind.Ref })
            {
                return null;
            }
        }

        return written;
    }

    private static void AddTarget(HashSet<ISymbol> written, IOperation target)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                written.Add(local.Local);
                break;
            case IParameterReferenceOperation parameter:
                written.Add(parameter.Parameter);
                break;
            case IFieldReferenceOperation field:
                written.Add(field.Field);
                break;
            case IPropertyReferenceOperation property:
                written.Add(property.Property);
                break;
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    AddTarget(written, element);
                }

                break;
            case IDeclarationExpressionOperation declaration:
                AddTarget(written, declaration.Expression);
                break;
        }
    }

    /// <summary>
    /// True when <paramref name="value"/> certainly has the same value on every iteration: literals,
    /// constructions and member reads of values the loop does not write. Calls and awaits are unknown.
    /// </summary>
    private static bool IsInvariant(IOperation? value, HashSet<ISymbol> written)
    {
        if (value is null)
        {
            return true;
        }

        switch (value)
        {
            case ILiteralOperation or IDefaultValueOperation or ITypeOfOperation or INameOfOperation or IInstanceReferenceOperation:
                return true;
            case ILocalReferenceOperation local:
                return !written.Contains(local.Local);
            case IParameterReferenceOperation parameter:
                return !written.Contains(parameter.Parameter);
            case IFieldReferenceOperation field:
                return !written.Contains(field.Field) && IsInvariant(field.Instance, written);
            case IPropertyReferenceOperation property:
                return !written.Contains(property.Property) && property.Arguments.IsEmpty && IsInvariant(property.Instance, written);
            case ISimpleAssignmentOperation assignment when assignment.Parent is IObjectOrCollectionInitializerOperation:
                return IsInvariant(assignment.Value, written);
            case IConversionOperation or IParenthesizedOperation or IObjectCreationOperation or IAnonymousObjectCreationOperation
                or IObjectOrCollectionInitializerOperation or IArrayCreationOperation or IArrayInitializerOperation
                or IArgumentOperation or IBinaryOperation or IUnaryOperation or IConditionalOperation or ICoalesceOperation
                or IInterpolatedStringOperation or IInterpolatedStringContentOperation or IInterpolationOperation
                or IWithOperation or ITupleOperation:
                foreach (var child in value.ChildOperations)
                {
                    if (!IsInvariant(child, written))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }
}
