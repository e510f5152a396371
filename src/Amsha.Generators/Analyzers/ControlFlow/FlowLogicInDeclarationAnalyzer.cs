using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA201: loops, branches, try/catch, goto and crew runs inside <c>[Agent]</c>, <c>[CrewTask]</c>
/// and <c>[Crew]</c> types. Operation actions are registered only for code blocks owned by such types.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FlowLogicInDeclarationAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.FlowLogicInDeclaration);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterOperationBlockStartAction(block =>
        {
            if (DeclarationOwner(block.OwningSymbol, symbols, block.CancellationToken) is not { } owner)
            {
                return;
            }

            var work = symbols.Work;
            block.RegisterOperationAction(c => AnalyzeLoop(c, owner, work), OperationKind.Loop);
            block.RegisterOperationAction(c => AnalyzeConditional(c, owner, work), OperationKind.Conditional);
            block.RegisterOperationAction(c => AnalyzeSwitch(c, owner, work), OperationKind.Switch, OperationKind.SwitchExpression);
            block.RegisterOperationAction(c => AnalyzeTry(c, owner, work), OperationKind.Try);
            block.RegisterOperationAction(c => AnalyzeBranch(c, owner, work), OperationKind.Branch);
            block.RegisterOperationAction(c => AnalyzeInvocation(c, owner, symbols), OperationKind.Invocation);
        });
    }

    /// <summary>The declaration type that owns <paramref name="symbol"/>'s code (itself or an outer type), or null.</summary>
    private static INamedTypeSymbol? DeclarationOwner(ISymbol symbol, AmshaSymbols symbols, CancellationToken cancellationToken)
    {
        for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            symbols.Work.Step(WorkKind.Types, cancellationToken);
            if (symbols.IsDeclarationType(type, cancellationToken))
            {
                return type;
            }
        }

        return null;
    }

    private static void AnalyzeLoop(OperationAnalysisContext context, INamedTypeSymbol owner, AnalysisWork? work)
    {
        work.Step(WorkKind.Operations, context.CancellationToken);
        var (keyword, name) = context.Operation.Syntax switch
        {
            ForStatementSyntax s => (s.ForKeyword, "a 'for' loop"),
            ForEachStatementSyntax s => (s.ForEachKeyword, "a 'foreach' loop"),
            ForEachVariableStatementSyntax s => (s.ForEachKeyword, "a 'foreach' loop"),
            WhileStatementSyntax s => (s.WhileKeyword, "a 'while' loop"),
            DoStatementSyntax s => (s.DoKeyword, "a 'do' loop"),
            _ => (default(SyntaxToken), ""),
        };
        Report(context, keyword, name, owner);
    }

    private static void AnalyzeConditional(OperationAnalysisContext context, INamedTypeSymbol owner, AnalysisWork? work)
    {
        work.Step(WorkKind.Operations, context.CancellationToken);
        // if statements only; an 'else if' is reported as its own 'if'.
        if (context.Operation.Syntax is IfStatementSyntax statement)
        {
            Report(context, statement.IfKeyword, "an 'if' statement", owner);
        }
    }

    private static void AnalyzeSwitch(OperationAnalysisContext context, INamedTypeSymbol owner, AnalysisWork? work)
    {
        work.Step(WorkKind.Operations, context.CancellationToken);
        switch (context.Operation.Syntax)
        {
            case SwitchStatementSyntax statement:
                Report(context, statement.SwitchKeyword, "a 'switch' statement", owner);
                break;
            case SwitchExpressionSyntax expression:
                Report(context, expression.SwitchKeyword, "a 'switch' expression", owner);
                break;
        }
    }

    private static void AnalyzeTry(OperationAnalysisContext context, INamedTypeSymbol owner, AnalysisWork? work)
    {
        work.Step(WorkKind.Operations, context.CancellationToken);
        var operation = (ITryOperation)context.Operation;
        if (!operation.Catches.IsEmpty && operation.Syntax is TryStatementSyntax statement)
        {
            Report(context, statement.TryKeyword, "a 'try'/'catch' statement", owner);
        }
    }

    private static void AnalyzeBranch(OperationAnalysisContext context, INamedTypeSymbol owner, AnalysisWork? work)
    {
        work.Step(WorkKind.Operations, context.CancellationToken);
        if (context.Operation is IBranchOperation { BranchKind: BranchKind.GoTo } && context.Operation.Syntax is GotoStatementSyntax statement)
        {
            Report(context, statement.GotoKeyword, "a 'goto' statement", owner);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol owner, AmshaSymbols symbols)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var invocation = (IInvocationOperation)context.Operation;
        var kind = ExecutionCalls.Classify(invocation.TargetMethod, symbols);
        if (kind is ExecutionCallKind.RunAsync or ExecutionCallKind.Start || ExecutionCalls.IsBackground(kind))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.FlowLogicInDeclaration,
                invocation.Syntax.GetLocation(),
                $"a call to '{ExecutionCalls.Display(invocation.TargetMethod)}'",
                owner.Name));
        }
    }

    private static void Report(OperationAnalysisContext context, SyntaxToken keyword, string construct, INamedTypeSymbol owner)
    {
        if (construct.Length > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.FlowLogicInDeclaration, keyword.GetLocation(), construct, owner.Name));
        }
    }
}
