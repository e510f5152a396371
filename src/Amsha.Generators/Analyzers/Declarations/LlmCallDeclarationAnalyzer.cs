using System.Collections.Immutable;
using System.Linq;
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

        var known = new KnownTypes(start.Compilation);
        start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols, known), SymbolKind.Method);
        start.RegisterSymbolAction(c => AnalyzeType(c, symbols), SymbolKind.NamedType);
    }

    private sealed class KnownTypes(Compilation compilation)
    {
        public INamedTypeSymbol? Task { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");

        public INamedTypeSymbol? ValueTask { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");

        public INamedTypeSymbol? AsyncEnumerable { get; } = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");

        public INamedTypeSymbol? ChatResponse { get; } = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.ChatResponse");
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols, KnownTypes known)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, context.CancellationToken))
        {
            return;
        }

        var method = (IMethodSymbol)context.Symbol;

        // Both parts of a partial method arrive here; the definition part speaks for both.
        if (method.MethodKind != MethodKind.Ordinary || method.PartialDefinitionPart is not null || DeclarationFacts.LlmCallAttribute(method, symbols) is null)
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
        else if (method.PartialImplementationPart is { } implementation && IsWrittenByUser(implementation, cancellationToken) is { } userBody)
        {
            Report(context, userBody, method, "has a body; remove the implementing declaration, the generator writes the body");
        }

        if (method.IsGenericMethod)
        {
            Report(context, declaration?.TypeParameterList?.GetLocation() ?? nameLocation, method, "is generic; remove its type parameters");
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                var modifier = parameter.RefKind switch { RefKind.Out => "out", RefKind.In => "in", _ => "ref" };
                Report(context, AttributeSyntaxFacts.SymbolLocation(parameter), method, "has the " + modifier + " parameter '" + parameter.Name + "'; pass it by value");
            }
        }

        if (!IsSupportedReturn(method.ReturnType, known, out var hasErrors) && !hasErrors)
        {
            Report(context, declaration?.ReturnType.GetLocation() ?? nameLocation, method,
                "returns '" + method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "'; " + SupportedReturns);
        }
    }

    /// <summary>The name of a user-written implementing declaration; null when a generator wrote it.</summary>
    private static Location? IsWrittenByUser(IMethodSymbol implementation, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in implementation.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax syntax && !IsGenerated(syntax, cancellationToken))
            {
                return syntax.Identifier.GetLocation();
            }
        }

        return null;
    }

    // The usual generated-code markers: a generated file name, an <auto-generated> header, or [GeneratedCode]
    // on the method or a type around it.
    private static bool IsGenerated(MethodDeclarationSyntax syntax, System.Threading.CancellationToken cancellationToken)
    {
        var path = syntax.SyntaxTree.FilePath ?? "";
        if (path.EndsWith(".g.cs", System.StringComparison.OrdinalIgnoreCase) || path.EndsWith(".generated.cs", System.StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var root = syntax.SyntaxTree.GetRoot(cancellationToken);
        if (root.GetLeadingTrivia().Any(t => t.ToString().IndexOf("<auto-generated", System.StringComparison.OrdinalIgnoreCase) >= 0))
        {
            return true;
        }

        foreach (var node in syntax.AncestorsAndSelf().OfType<MemberDeclarationSyntax>())
        {
            if (node.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("GeneratedCode")))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSupportedReturn(ITypeSymbol type, KnownTypes known, out bool hasErrors)
    {
        hasErrors = type.TypeKind == TypeKind.Error;
        if (type is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
        {
            return false;
        }

        var argument = named.TypeArguments[0];
        hasErrors |= argument.TypeKind == TypeKind.Error;
        var definition = named.OriginalDefinition;
        if (Is(definition, known.AsyncEnumerable))
        {
            return argument.SpecialType == SpecialType.System_String;
        }

        if (!Is(definition, known.Task) && !Is(definition, known.ValueTask))
        {
            return false;
        }

        if (argument.SpecialType == SpecialType.System_String || Is(argument, known.ChatResponse))
        {
            return true;
        }

        // Serializable types are checked in depth by AMSHA010; here any concrete data type is accepted.
        return argument.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Enum or TypeKind.Array
            && !Is(argument.OriginalDefinition, known.Task) && !Is(argument.OriginalDefinition, known.ValueTask);
    }

    private static bool Is(ITypeSymbol? candidate, INamedTypeSymbol? expected) =>
        candidate is not null && expected is not null && SymbolEqualityComparer.Default.Equals(candidate, expected);

    private static void Report(SymbolAnalysisContext context, Location location, IMethodSymbol method, string problem) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLlmCallMethod, location, method.Name, problem));

    private static void AnalyzeType(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, context.CancellationToken))
        {
            return;
        }

        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || symbols.ExecutionSession is not { } session
            || DeclarationFacts.FirstLlmCall(type, symbols) is not { } first || HasSession(type, session, context.Compilation, context.CancellationToken))
        {
            return;
        }

        // Point at the declaration that holds the first [AmshaLlmCall] method (a type may be split across files).
        var location = first.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken).Parent is TypeDeclarationSyntax holder
            ? holder.Identifier.GetLocation()
            : AttributeSyntaxFacts.SymbolLocation(type);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LlmCallWithoutSession, location, type.Name));
    }

    private static bool HasSession(INamedTypeSymbol type, INamedTypeSymbol session, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                var memberType = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol { IsIndexer: false } property => property.Type,
                    _ => null,
                };
                if (memberType is null || member.IsStatic || !IsSession(memberType, session))
                {
                    continue;
                }

                if (SymbolEqualityComparer.Default.Equals(current, type) || compilation.IsSymbolAccessibleWithin(member, type))
                {
                    return true;
                }
            }
        }

        // Primary-constructor parameters are captured by the type's members, generated ones included.
        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax && constructor.Parameters.Any(p => IsSession(p.Type, session)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsSession(ITypeSymbol type, INamedTypeSymbol session)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, session))
            {
                return true;
            }
        }

        return false;
    }
}
