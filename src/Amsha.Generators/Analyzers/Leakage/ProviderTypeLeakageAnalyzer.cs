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
/// AMSHA101: provider-SDK types mentioned by declaration types, task output types and crew input
/// types. Two rules, one diagnostic per place:
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
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.ProviderTypeLeakage);

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
            symbolStart.RegisterSyntaxNodeAction(c => AnalyzeName(c, providers, subject, symbols.Work), SyntaxKind.IdentifierName, SyntaxKind.GenericName);
            symbolStart.RegisterOperationAction(
                c => AnalyzeMemberUse(c, providers, type, subject, symbols.Work),
                OperationKind.Invocation,
                OperationKind.PropertyReference,
                OperationKind.FieldReference);
        }, SymbolKind.NamedType);
    }

    private static void AnalyzeName(SyntaxNodeAnalysisContext context, ProviderNamespaces providers, string subject, AnalysisWork? work)
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
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ProviderTypeLeakage, location, subject, type!.OriginalDefinition.ToDisplayString()));
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
    /// Task output types (<c>[CrewTask&lt;T&gt;]</c>) and crew input types (<c>[Crew&lt;T&gt;]</c>) declared in this
    /// compilation. Computed at most once per compilation (by the first type that needs it; a canceled
    /// computation is not kept), and only when a provider namespace is referenced.
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
}
