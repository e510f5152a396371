using System.Collections.Immutable;
using System.Threading;
using Amsha.Generators.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA017: a <c>[Tool]</c> method the generator leaves out because of its shape: not an ordinary method
/// (an accessor, operator, explicit interface implementation, local function or lambda), private or protected,
/// generic, with a <c>ref</c>/<c>out</c>/<c>in</c>/<c>params</c> parameter, or with a return type
/// <see cref="ToolboxGenerator.Parser.TryReturn"/> rejects. Each problem is reported where it is written.
/// Parameter and result types that cannot be serialized are AMSHA010 (<see cref="SerializableTypeAnalyzer"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ToolMethodAnalyzer : AmshaAnalyzer
{
    private const string LeftOut = "so the generator leaves it out";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidToolMethod);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.ToolAttribute is null)
        {
            return;
        }

        start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);

        // Local functions and lambdas are no symbols of their own to symbol actions; only those with attributes are looked at.
        start.RegisterSyntaxNodeAction(c => AnalyzeFunction(c, symbols), SyntaxKind.LocalFunctionStatement, SyntaxKind.ParenthesizedLambdaExpression, SyntaxKind.SimpleLambdaExpression);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        symbols.Work.Step(WorkKind.Symbols, cancellationToken);

        // Both parts of a partial method arrive here with the same attributes; the definition speaks for both.
        if (method.PartialDefinitionPart is not null || symbols.ToolAttributeOf(method, cancellationToken) is null)
        {
            return;
        }

        var declaration = ToolFacts.Declaration(method, cancellationToken);
        var nameLocation = declaration?.Identifier.GetLocation() ?? AttributeSyntaxFacts.SymbolLocation(method);
        if (method.MethodKind != MethodKind.Ordinary)
        {
            Report(context, nameLocation, method, "is " + Kind(method) + ", " + LeftOut + "; only ordinary methods of a [Toolbox] class become tools");
            return;
        }

        if (!ToolFacts.IsCallable(method.DeclaredAccessibility))
        {
            Report(context, nameLocation, method, "is " + Words(method.DeclaredAccessibility) + ", " + LeftOut + " (generated code cannot call it); make it public or internal");
        }

        if (method.IsGenericMethod)
        {
            Report(context, declaration?.TypeParameterList?.GetLocation() ?? nameLocation, method,
                "is generic, " + LeftOut + " (a model calls a tool with JSON arguments and cannot choose type arguments); remove its type parameters");
        }

        for (var i = 0; i < method.Parameters.Length; i++)
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);
            var parameter = method.Parameters[i];
            if (parameter.RefKind == RefKind.None && !parameter.IsParams)
            {
                continue;
            }

            var syntax = declaration is not null && i < declaration.ParameterList.Parameters.Count ? declaration.ParameterList.Parameters[i] : null;
            var modifier = ModifierOf(syntax, parameter);
            var location = modifier is { } token ? token.GetLocation() : syntax?.GetLocation() ?? AttributeSyntaxFacts.SymbolLocation(parameter);
            var written = modifier?.Text ?? (parameter.IsParams ? "params" : "ref");
            Report(context, location, method, parameter.IsParams && parameter.RefKind == RefKind.None
                ? "has the 'params' parameter '" + parameter.Name + "', " + LeftOut + " (a model passes one JSON value per argument); declare it as an array or list without 'params'"
                : "has the '" + written + "' parameter '" + parameter.Name + "', " + LeftOut + " (a model passes arguments as JSON values and reads only the result); pass it by value and return what it should see");
        }

        var returnType = method.ReturnType;
        if (!ToolboxGenerator.Parser.TryReturn(returnType, out _, out var result) && !ExplainedElsewhere(returnType, result))
        {
            var shown = AttributeSyntaxFacts.Display(returnType);
            Report(context, declaration?.ReturnType.GetLocation() ?? nameLocation, method,
                "returns '" + shown + "', which a tool cannot return, " + LeftOut + "; return void, a value, Task, Task<T>, ValueTask or ValueTask<T> of a serializable type");
        }
    }

    private static void AnalyzeFunction(SyntaxNodeAnalysisContext context, AmshaSymbols symbols)
    {
        symbols.Work.Step(WorkKind.Syntax, context.CancellationToken);
        var (attributes, kind) = context.Node switch
        {
            LocalFunctionStatementSyntax local => (local.AttributeLists, "a local function"),
            LambdaExpressionSyntax lambda => (lambda.AttributeLists, "a lambda"),
            _ => (default(SyntaxList<AttributeListSyntax>), ""),
        };
        if (attributes.Count == 0)
        {
            return;
        }

        var symbol = context.Node is LocalFunctionStatementSyntax
            ? context.SemanticModel.GetDeclaredSymbol(context.Node, context.CancellationToken)
            : context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol;
        if (symbol is IMethodSymbol method && symbols.ToolAttributeOf(method, context.CancellationToken) is { } attribute)
        {
            Report(context.ReportDiagnostic, AttributeSyntaxFacts.AttributeLocation(attribute, method, context.CancellationToken), method.MethodKind == MethodKind.AnonymousFunction ? "lambda" : method.Name,
                "is " + kind + ", " + LeftOut + "; only ordinary methods of a [Toolbox] class become tools");
        }
    }

    /// <summary>Return types whose problem someone else reports: missing types (the compiler) and type parameters (generic method or toolbox).</summary>
    private static bool ExplainedElsewhere(ITypeSymbol returnType, ITypeSymbol? result) =>
        returnType.TypeKind is TypeKind.Error or TypeKind.TypeParameter
        || result?.TypeKind is TypeKind.Error or TypeKind.TypeParameter;

    private static SyntaxToken? ModifierOf(ParameterSyntax? syntax, IParameterSymbol parameter)
    {
        if (syntax is null)
        {
            return null;
        }

        foreach (var modifier in syntax.Modifiers)
        {
            if (modifier.Kind() is SyntaxKind.RefKeyword or SyntaxKind.OutKeyword or SyntaxKind.InKeyword
                || (modifier.IsKind(SyntaxKind.ParamsKeyword) && parameter.RefKind == RefKind.None))
            {
                return modifier;
            }
        }

        return null;
    }

    private static string Kind(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.PropertyGet or MethodKind.PropertySet => "a property accessor",
        MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise => "an event accessor",
        MethodKind.UserDefinedOperator or MethodKind.BuiltinOperator => "an operator",
        MethodKind.Conversion => "a conversion operator",
        MethodKind.ExplicitInterfaceImplementation => "an explicit interface implementation",
        MethodKind.Constructor or MethodKind.StaticConstructor => "a constructor",
        MethodKind.Destructor => "a finalizer",
        MethodKind.LocalFunction => "a local function",
        MethodKind.AnonymousFunction => "a lambda",
        _ => "not an ordinary method",
    };

    private static string Words(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "not accessible",
    };

    private static void Report(SymbolAnalysisContext context, Location location, IMethodSymbol method, string problem) =>
        Report(context.ReportDiagnostic, location, method.Name, problem);

    private static void Report(System.Action<Diagnostic> report, Location location, string method, string problem) =>
        report(Diagnostic.Create(DiagnosticDescriptors.InvalidToolMethod, location, method, problem));
}
