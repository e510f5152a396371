using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Helpers;
using Amsha.Generators.LlmCalls;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// The shape of <c>[AmshaLlmCall]</c> declarations: AMSHA012 (a non-generic partial definition without
/// body, no ref/out/in parameters, a supported return type) and AMSHA013 (the containing type has an
/// instance <c>ExecutionSession</c> member the generated body can use).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class LlmCallDeclarationAnalyzer : AmshaAnalyzer
{
    private const string SupportedReturns = "return Task<T>, ValueTask<T> or IAsyncEnumerable<string>, where T is string, ChatResponse or a serializable class, struct or record";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidLlmCallMethod, DiagnosticDescriptors.LlmCallWithoutSession);

    // See DeclarationFacts.LlmCallGeneratedCodeFlags: generated files are skipped per symbol instead.
    protected override GeneratedCodeAnalysisFlags GeneratedCodeAnalysis => DeclarationFacts.LlmCallGeneratedCodeFlags;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.AmshaLlmCallAttribute is null)
        {
            return;
        }

        start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
        start.RegisterSymbolAction(c => AnalyzeType(c, symbols), SymbolKind.NamedType);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, symbols, context.CancellationToken))
        {
            return;
        }

        var method = (IMethodSymbol)context.Symbol;

        // Both parts of a partial method arrive here; the definition part speaks for both.
        if (method.MethodKind != MethodKind.Ordinary || method.PartialDefinitionPart is not null || symbols.LlmCallAttribute(method, context.CancellationToken) is null)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var declaration = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        var nameLocation = declaration?.Identifier.GetLocation() ?? AttributeSyntaxFacts.SymbolLocation(method);

        if (declaration is null || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(context, nameLocation, method, "is not a partial method; declare it 'partial' without a body, the generator writes the body");
        }
        else if (declaration.Body is not null || declaration.ExpressionBody is not null)
        {
            Report(context, nameLocation, method, "has a body; declare it as a partial definition ending in ';', the generator writes the body");
        }
        else if (method.PartialImplementationPart is { } implementation && IsWrittenByUser(implementation, symbols, cancellationToken) is { } userBody)
        {
            Report(context, userBody, method, "has a body; remove the implementing declaration, the generator writes the body");
        }

        if (method.IsGenericMethod)
        {
            Report(context, declaration?.TypeParameterList?.GetLocation() ?? nameLocation, method, "is generic; remove its type parameters");
        }

        foreach (var parameter in method.Parameters)
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);
            if (parameter.RefKind != RefKind.None)
            {
                var modifier = parameter.RefKind switch { RefKind.Out => "out", RefKind.In => "in", _ => "ref" };
                Report(context, AttributeSyntaxFacts.SymbolLocation(parameter), method, "has the " + modifier + " parameter '" + parameter.Name + "'; pass it by value");
            }
        }

        if (!LlmCallReturns.TryClassify(method.ReturnType, out _, out _, out _) && !HasErrors(method.ReturnType))
        {
            Report(context, declaration?.ReturnType.GetLocation() ?? nameLocation, method,
                "returns '" + MessageText.Type(method.ReturnType, SymbolDisplayFormat.MinimallyQualifiedFormat) + "'; " + SupportedReturns);
        }
    }

    /// <summary>The name of a user-written implementing declaration; null when a generator wrote it.</summary>
    private static Location? IsWrittenByUser(IMethodSymbol implementation, AmshaSymbols symbols, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in implementation.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax syntax && !IsGenerated(syntax, symbols, cancellationToken))
            {
                return syntax.Identifier.GetLocation();
            }
        }

        return null;
    }

    // A generated file (the compiler's heuristic, shared with the other declaration analyzers), or
    // [GeneratedCode] on the method or a type around it.
    private static bool IsGenerated(MethodDeclarationSyntax syntax, AmshaSymbols symbols, System.Threading.CancellationToken cancellationToken) =>
        symbols.IsGeneratedTree(syntax.SyntaxTree, cancellationToken)
        || syntax.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().Any(node => node.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("GeneratedCode")));

    // A return type that does not resolve yet (half-typed code) is the compiler's to report.
    private static bool HasErrors(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Error || (type is INamedTypeSymbol named && named.TypeArguments.Any(a => a.TypeKind == TypeKind.Error));

    private static void Report(SymbolAnalysisContext context, Location location, IMethodSymbol method, string problem) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLlmCallMethod, location, method.Name, problem));

    private static void AnalyzeType(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, symbols, context.CancellationToken))
        {
            return;
        }

        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || symbols.ExecutionSession is null
            || symbols.FirstLlmCall(type, context.CancellationToken) is not { } first || LlmCallGenerator.Parser.SessionExpression(type, isStatic: false, context.CancellationToken) is not null)
        {
            return;
        }

        // Point at the declaration that holds the first [AmshaLlmCall] method (a type may be split across files).
        var location = first.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken).Parent is TypeDeclarationSyntax holder
            ? holder.Identifier.GetLocation()
            : AttributeSyntaxFacts.SymbolLocation(type);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LlmCallWithoutSession, location, type.Name));
    }
}
