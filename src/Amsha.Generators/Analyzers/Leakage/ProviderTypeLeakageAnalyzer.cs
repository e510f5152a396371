using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// AMSHA101: provider-SDK types mentioned by declaration types (toolboxes included), task output types, crew input
/// types and the argument and result types of tools. AMSHA104: the same in the signature of a <c>[Tool]</c> method
/// (its parameter list or return type), the tool's JSON contract with the model. Two rules, one diagnostic per place:
/// <list type="bullet">
/// <item>every name in the type's code that binds to a provider type (base types, signatures, fields,
/// generic arguments, attribute arguments, locals, expressions), reported at the name;</item>
/// <item>every call, property or field read of a non-provider member declared elsewhere whose declared
/// type mentions a provider type (the provider type flows in without being named), reported at the expression.</item>
/// </list>
/// Actions are registered per in-scope type from a symbol-start action, and nothing is registered
/// when the compilation references no provider namespace.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProviderTypeLeakageAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.ProviderTypeLeakage, DiagnosticDescriptors.ProviderTypeInToolSignature);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        var compilation = start.Compilation;
        var namespacesByOption = new ConcurrentDictionary<string, ProviderNamespaces>(StringComparer.Ordinal);
        var inputsAndOutputs = new Once<Dictionary<INamedTypeSymbol, string>>(cancellationToken => FindInputAndOutputTypes(compilation, symbols, cancellationToken));

        start.RegisterSymbolStartAction(symbolStart =>
        {
            var type = (INamedTypeSymbol)symbolStart.Symbol;
            var cancellationToken = symbolStart.CancellationToken;
            if (type.DeclaringSyntaxReferences.IsEmpty)
            {
                return;
            }

            var tree = type.DeclaringSyntaxReferences[0].SyntaxTree;
            var option = AmshaOptions.Get(symbolStart.Options, tree, ProviderNamespaces.Option) ?? "";
            var providers = namespacesByOption.GetOrAdd(option, value => ProviderNamespaces.Create(value, compilation));
            if (!providers.AnyReferenced)
            {
                return;
            }

            // A type nested in a declaration is part of that declaration's code.
            var owner = LeakageScope.DeclarationOwner(type, symbols, cancellationToken) ?? type;
            var kind = LeakageScope.DeclarationKind(owner, symbols, cancellationToken);
            if (kind is null && !inputsAndOutputs.Get(cancellationToken).TryGetValue(type, out kind))
            {
                return;
            }

            var subject = $"{kind} '{owner.Name}'";
            var signatures = new ToolSignatures(symbols);
            symbolStart.RegisterSyntaxNodeAction(c => AnalyzeName(c, providers, subject, signatures, symbols.Work), SyntaxKind.IdentifierName, SyntaxKind.GenericName);
            symbolStart.RegisterOperationAction(
                c => AnalyzeMemberUse(c, providers, type, subject, symbols.Work),
                OperationKind.Invocation,
                OperationKind.PropertyReference,
                OperationKind.FieldReference);
        }, SymbolKind.NamedType);
    }

    private static void AnalyzeName(SyntaxNodeAnalysisContext context, ProviderNamespaces providers, string subject, ToolSignatures signatures, AnalysisWork? work)
    {
        work.Step(WorkKind.Syntax, context.CancellationToken);
        var name = (SimpleNameSyntax)context.Node;

        // A nested provider type (ChatClient.Options) is one place: reported at its provider qualifier.
        var qualifier = name.Parent switch
        {
            QualifiedNameSyntax qualified when qualified.Right == name => qualified.Left,
            MemberAccessExpressionSyntax access when access.Name == name => access.Expression,
            _ => null,
        };
        if (qualifier is not null && context.SemanticModel.GetSymbolInfo(qualifier, context.CancellationToken).Symbol is ITypeSymbol qualifierType
            && providers.IsProviderType(qualifierType))
        {
            return;
        }

        // 'var' is covered by the expression that produces the value.
        if (name is IdentifierNameSyntax { IsVar: true })
        {
            return;
        }

        var symbol = context.SemanticModel.GetSymbolInfo(name, context.CancellationToken).Symbol;
        var type = symbol switch
        {
            ITypeSymbol typeSymbol => typeSymbol,
            IMethodSymbol { MethodKind: MethodKind.Constructor } constructor when name.Parent is AttributeSyntax
                || name.Parent?.Parent is AttributeSyntax => constructor.ContainingType,
            _ => null,
        };
        if (providers.IsProviderType(type))
        {
            var location = name is GenericNameSyntax generic ? generic.Identifier.GetLocation() : name.GetLocation();
            var provider = type!.OriginalDefinition.ToDisplayString();
            context.ReportDiagnostic(signatures.Part(context.ContainingSymbol, name, context.CancellationToken) is { } part
                ? Diagnostic.Create(DiagnosticDescriptors.ProviderTypeInToolSignature, location, part.Tool, part.Verb, provider)
                : Diagnostic.Create(DiagnosticDescriptors.ProviderTypeLeakage, location, subject, provider));
        }
    }

    private static void AnalyzeMemberUse(OperationAnalysisContext context, ProviderNamespaces providers, INamedTypeSymbol scope, string subject, AnalysisWork? work)
    {
        var cancellationToken = context.CancellationToken;
        work.Step(WorkKind.Operations, cancellationToken);
        var (member, declaredType) = context.Operation switch
        {
            IInvocationOperation invocation => ((ISymbol)invocation.TargetMethod, invocation.TargetMethod.OriginalDefinition.ReturnType),
            IPropertyReferenceOperation property => (property.Property, property.Property.OriginalDefinition.Type),
            IFieldReferenceOperation field => (field.Field, field.Field.OriginalDefinition.Type),
            _ => (null!, null),
        };

        // Members of provider types are reached through a receiver that is already reported; members of
        // the scope type are reported at their own declaration.
        if (member?.ContainingType is not { } owner || providers.IsProviderType(owner) || IsSameOrContaining(owner.OriginalDefinition, scope, work, cancellationToken)
            || providers.ProviderTypeIn(declaredType, work, cancellationToken) is not { } provider)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ProviderTypeLeakage,
            context.Operation.Syntax.GetLocation(),
            subject,
            provider.OriginalDefinition.ToDisplayString()));
    }

    private static bool IsSameOrContaining(INamedTypeSymbol owner, INamedTypeSymbol scope, AnalysisWork? work, CancellationToken cancellationToken)
    {
        for (var type = scope; type is not null; type = type.ContainingType)
        {
            work.Step(WorkKind.Types, cancellationToken);
            if (SymbolEqualityComparer.Default.Equals(owner, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Task output types (<c>[CrewTask&lt;T&gt;]</c>), crew input types (<c>[Crew&lt;T&gt;]</c>), and the parameter and
    /// result types of the <c>[Tool]</c> methods of <c>[Toolbox]</c> classes, declared in this compilation. Computed at
    /// most once per compilation (by the first type that needs it; a canceled computation is not kept), and only when a
    /// provider namespace is referenced.
    /// </summary>
    private static Dictionary<INamedTypeSymbol, string> FindInputAndOutputTypes(Compilation compilation, AmshaSymbols symbols, CancellationToken cancellationToken)
    {
        var found = new Dictionary<INamedTypeSymbol, string>(SymbolEqualityComparer.Default);
        foreach (var symbol in compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken))
        {
            if (symbol is not INamedTypeSymbol type)
            {
                continue;
            }

            foreach (var attribute in type.GetAttributes())
            {
                symbols.Work.Step(WorkKind.Symbols, cancellationToken);
                if (symbols.IsToolboxAttribute(attribute.AttributeClass))
                {
                    AddToolTypes(type, found, symbols, cancellationToken);
                    continue;
                }

                if (attribute.AttributeClass is not { IsGenericType: true, TypeArguments.Length: 1 } attributeClass
                    || attributeClass.TypeArguments[0] is not INamedTypeSymbol argument
                    || argument.DeclaringSyntaxReferences.IsEmpty)
                {
                    continue;
                }

                if (symbols.IsCrewTaskAttribute(attributeClass))
                {
                    found[argument.OriginalDefinition] = "Task output type";
                }
                else if (symbols.IsCrewAttribute(attributeClass) && !found.ContainsKey(argument.OriginalDefinition))
                {
                    found[argument.OriginalDefinition] = "Crew input type";
                }
            }
        }

        return found;
    }

    /// <summary>The parameter and result types of a toolbox's <c>[Tool]</c> methods that are declared in source, unless they already have a kind.</summary>
    private static void AddToolTypes(INamedTypeSymbol toolbox, Dictionary<INamedTypeSymbol, string> found, AmshaSymbols symbols, CancellationToken cancellationToken)
    {
        foreach (var member in toolbox.GetMembers())
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);
            if (member is not IMethodSymbol method || symbols.ToolAttributeOf(method, cancellationToken) is null)
            {
                continue;
            }

            foreach (var parameter in method.Parameters)
            {
                symbols.Work.Step(WorkKind.Symbols, cancellationToken);
                Add(parameter.Type, "Tool argument type");
            }

            if (Tools.ToolboxGenerator.Parser.TryReturn(method.ReturnType, out _, out var result) && result is not null)
            {
                Add(result, "Tool result type");
            }
        }

        void Add(ITypeSymbol type, string kind)
        {
            if (type is INamedTypeSymbol named && !named.DeclaringSyntaxReferences.IsEmpty && !found.ContainsKey(named.OriginalDefinition))
            {
                found[named.OriginalDefinition] = kind;
            }
        }
    }

    /// <summary>
    /// Where the signature of each <c>[Tool]</c> method of one scope type is written (the types of its parameters and
    /// its return type), read once per method, so a name is placed in it without walking up the syntax tree.
    /// </summary>
    private sealed class ToolSignatures(AmshaSymbols symbols)
    {
        private readonly AnalysisCache<IMethodSymbol, Signature?> _signatures = new(SymbolEqualityComparer.Default);

        /// <summary>The tool whose signature <paramref name="name"/> is written in, and whether it takes or returns the type; null otherwise.</summary>
        public (string Tool, string Verb)? Part(ISymbol? containing, SyntaxNode name, CancellationToken cancellationToken)
        {
            if (containing is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                || _signatures.Get(method, m => Read(m, cancellationToken)) is not { } signature
                || signature.Declaration.SyntaxTree != name.SyntaxTree)
            {
                return null;
            }

            var span = name.Span;
            var declaration = signature.Declaration;
            if (declaration.ReturnType.Span.Contains(span))
            {
                return (signature.Tool, "returns");
            }

            if (!declaration.ParameterList.Span.Contains(span))
            {
                return null;
            }

            // The parameter holding the name, by binary search (a parameter's default value and attributes are not its type).
            var parameters = declaration.ParameterList.Parameters;
            int low = 0, high = parameters.Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var parameter = parameters[middle];
                if (span.Start < parameter.SpanStart)
                {
                    high = middle - 1;
                }
                else if (span.Start >= parameter.Span.End)
                {
                    low = middle + 1;
                }
                else
                {
                    return parameter.Type is { } type && type.Span.Contains(span) ? (signature.Tool, "takes") : null;
                }
            }

            return null;
        }

        private Signature? Read(IMethodSymbol method, CancellationToken cancellationToken) =>
            symbols.ToolAttributeOf(method, cancellationToken) is not null && Declarations.ToolFacts.Declaration(method, cancellationToken) is { } declaration
                ? new Signature(declaration, Declarations.ToolFacts.Display(method))
                : null;

        private sealed record Signature(MethodDeclarationSyntax Declaration, string Tool);
    }
}
