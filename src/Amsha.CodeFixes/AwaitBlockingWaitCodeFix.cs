using Amsha.Generators.Analyzers;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace Amsha.CodeFixes;

/// <summary>
/// AMSHA202 and AMSHA206 (the same blocking expressions, on an execution or inside a <c>[Tool]</c> method): replaces
/// <c>.Result</c>, <c>.Wait()</c> or <c>.GetAwaiter().GetResult()</c> with <c>await</c>. A tool made async this way
/// still binds: the generator takes <c>Task</c> and <c>Task&lt;T&gt;</c> returns.
/// Offered when the enclosing code can await: top-level statements, an async method, local function
/// or lambda, or a method/local function that can become async (no ref/out/in parameters, not an
/// iterator, override or interface implementation, not returning a task already, not inside
/// <c>lock</c> or a query). Such a method becomes <c>async</c> and returns <c>Task</c>/<c>Task&lt;T&gt;</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitBlockingWaitCodeFix))]
[Shared]
public sealed class AwaitBlockingWaitCodeFix : CodeFixProvider
{
    public static readonly string DiagnosticId = DiagnosticDescriptors.BlockingWait.Id;
    public static readonly string ToolDiagnosticId = DiagnosticDescriptors.BlockingWaitInTool.Id;
    private const string EquivalenceKey = CodeFixIds.AwaitInsteadOfBlocking;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticId, ToolDiagnosticId);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        var functions = new FunctionFacts(AnalysisWork.For(context.Document.Project.AssemblyName));
        foreach (var diagnostic in context.Diagnostics)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (Plan(root, model, diagnostic, functions, context.CancellationToken) is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Await instead of blocking", ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;

        // Each function is examined once, whatever the number of blocking waits in it.
        var facts = new FunctionFacts(AnalysisWork.For(document.Project.AssemblyName));
        var functions = new List<SyntaxNode>();
        var listed = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
        {
            facts.Work.Step(WorkKind.Syntax, cancellationToken);
            if (Plan(root, editor.SemanticModel, diagnostic, facts, cancellationToken) is not { } plan)
            {
                continue;
            }

            editor.ReplaceNode(plan.Blocking, (current, _) => Await(current, plan));
            if (plan.MakeAsync is { } function && listed.Add(function))
            {
                functions.Add(function);
            }
        }

        foreach (var function in functions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var taskName = TaskName(editor.SemanticModel, function.SpanStart);
            editor.ReplaceNode(function, (current, _) => MakeAsync(current, taskName));
        }

        return editor.GetChangedDocument();
    }

    /// <summary>What to change for one diagnostic, or null when the code cannot await there.</summary>
    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, FunctionFacts functions, CancellationToken cancellationToken)
    {
        // A diagnostic of an older version of the document may lie outside it: nothing to fix, never an exception.
        var span = diagnostic.Location.SourceSpan;
        if (!root.FullSpan.Contains(span))
        {
            return null;
        }

        var node = root.FindNode(span, false, true);
        var blocking = node.AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == span);
        if (blocking is null || TaskOf(blocking) is not { } task)
        {
            return null;
        }

        foreach (var ancestor in blocking.Ancestors())
        {
            functions.Work.Step(WorkKind.Syntax, cancellationToken);
            if (ancestor is LockStatementSyntax or QueryExpressionSyntax)
            {
                return null;
            }
        }

        foreach (var ancestor in blocking.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) ? new FixPlan(blocking, task, null) : null;
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword) ? new FixPlan(blocking, task, null)
                        : functions.CanBecomeAsync(local, local.ParameterList, local.ReturnType, model, cancellationToken) ? new FixPlan(blocking, task, local) : null;
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword) ? new FixPlan(blocking, task, null)
                        : functions.CanBecomeAsync(method, method.ParameterList, method.ReturnType, model, cancellationToken) ? new FixPlan(blocking, task, method) : null;
                case GlobalStatementSyntax:
                    return new FixPlan(blocking, task, null);
                case MemberDeclarationSyntax:
                case AccessorDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The awaited expression inside a blocking construct (ConfigureAwait kept).</summary>
    private static ExpressionSyntax? TaskOf(ExpressionSyntax blocking) => blocking switch
    {
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result => result.Expression,
        InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } wait }
            when blocking.Parent is ExpressionStatementSyntax => wait.Expression,
        InvocationExpressionSyntax
        {
            ArgumentList.Arguments.Count: 0,
            Expression: MemberAccessExpressionSyntax
            {
                Name.Identifier.ValueText: "GetResult",
                Expression: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } getAwaiter },
            },
        } => getAwaiter.Expression,
        _ => null,
    };

    private static bool IsAwaitable(ITypeSymbol type) =>
        type.Name is "Task" or "ValueTask" && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

    private static SyntaxNode Await(SyntaxNode blocking, FixPlan plan)
    {
        // Re-read the task from the current node: nested fixes may have changed it.
        var task = blocking is ExpressionSyntax expression && TaskOf(expression) is { } current ? current : plan.Task;
        ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(task.WithoutTrivia());
        if (plan.Blocking.Parent is MemberAccessExpressionSyntax or ConditionalAccessExpressionSyntax or ElementAccessExpressionSyntax
            or InvocationExpressionSyntax or PostfixUnaryExpressionSyntax)
        {
            awaited = SyntaxFactory.ParenthesizedExpression(awaited);
        }

        return awaited.WithTriviaFrom(blocking);
    }

    private static SyntaxNode MakeAsync(SyntaxNode function, string taskName)
    {
        var asyncToken = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        switch (function)
        {
            case MethodDeclarationSyntax method:
                return method.WithModifiers(method.Modifiers.Add(asyncToken)).WithReturnType(TaskType(method.ReturnType, taskName)).WithAdditionalAnnotations(Formatter.Annotation);
            case LocalFunctionStatementSyntax local:
                return local.WithModifiers(local.Modifiers.Add(asyncToken)).WithReturnType(TaskType(local.ReturnType, taskName)).WithAdditionalAnnotations(Formatter.Annotation);
            default:
                return function;
        }
    }

    /// <summary><c>void</c> becomes <c>Task</c>, <c>T</c> becomes <c>Task&lt;T&gt;</c>; leading trivia stays where it was.</summary>
    private static TypeSyntax TaskType(TypeSyntax returnType, string taskName)
    {
        var isVoid = returnType is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword);
        var text = isVoid ? taskName : taskName + "<" + returnType.WithoutTrivia().ToString() + ">";
        return SyntaxFactory.ParseTypeName(text).WithTriviaFrom(returnType);
    }

    /// <summary><c>Task</c> when the name binds to System.Threading.Tasks.Task at <paramref name="position"/>, else the qualified name.</summary>
    private static string TaskName(SemanticModel model, int position)
    {
        foreach (var symbol in model.LookupNamespacesAndTypes(position, name: "Task"))
        {
            if (symbol is INamedTypeSymbol { Arity: 0 } type && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
            {
                return "Task";
            }
        }

        return "System.Threading.Tasks.Task";
    }

    /// <summary>Whether each function can become async, examined once per function (a fix-all may hold many waits in one).</summary>
    private sealed class FunctionFacts(AnalysisWork? work)
    {
        private readonly Dictionary<SyntaxNode, bool> _canBecomeAsync = new();

        public AnalysisWork? Work { get; } = work;

        public bool CanBecomeAsync(SyntaxNode function, ParameterListSyntax parameters, TypeSyntax returnType, SemanticModel model, CancellationToken cancellationToken)
        {
            if (!_canBecomeAsync.TryGetValue(function, out var can))
            {
                can = Examine(function, parameters, returnType, model, cancellationToken);
                _canBecomeAsync[function] = can;
            }

            return can;
        }

        private bool Examine(SyntaxNode function, ParameterListSyntax parameters, TypeSyntax returnType, SemanticModel model, CancellationToken cancellationToken)
        {
            if (parameters.Parameters.Any(p => p.Modifiers.Any(m => m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.OutKeyword) || m.IsKind(SyntaxKind.InKeyword)))
                || IsIterator(function, cancellationToken)
                || model.GetDeclaredSymbol(function, cancellationToken) is not IMethodSymbol symbol
                || symbol.IsOverride
                || !symbol.ExplicitInterfaceImplementations.IsEmpty
                || symbol.ReturnsByRef
                || symbol.ReturnsByRefReadonly)
            {
                return false;
            }

            // Changing the return type of an implicit interface implementation breaks the type.
            foreach (var implemented in symbol.ContainingType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
            {
                foreach (var member in implemented.GetMembers(symbol.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(symbol.ContainingType!.FindImplementationForInterfaceMember(member), symbol))
                    {
                        return false;
                    }
                }
            }

            // A method that already returns a task would need its returns rewritten; leave it to the author.
            var returned = model.GetTypeInfo(returnType, cancellationToken).Type;
            return returned is not null && !IsAwaitable(returned);
        }

        private bool IsIterator(SyntaxNode function, CancellationToken cancellationToken)
        {
            foreach (var node in function.DescendantNodes())
            {
                Work.Step(WorkKind.Syntax, cancellationToken);
                if (node is YieldStatementSyntax)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed record FixPlan(ExpressionSyntax Blocking, ExpressionSyntax Task, SyntaxNode? MakeAsync);
}
