using System.Collections.Immutable;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// AMSHA010: reports every member path of a task output type or <c>[ExecutionState]</c> type that
/// cannot be serialized, using the same <see cref="SerializationRules"/> as the generator.
/// Reported on the <c>TOutput</c> argument of <c>[CrewTask&lt;TOutput&gt;]</c>, or on the name of
/// the <c>[ExecutionState]</c> type.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class SerializableTypeAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnserializableType);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => AnalyzeType(c, symbols), SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        foreach (var attribute in type.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(attributeClass.OriginalDefinition, symbols.GenericCrewTaskAttribute)
                && attributeClass.TypeArguments.Length == 1
                && attributeClass.TypeArguments[0] is { SpecialType: not SpecialType.System_String, TypeKind: not TypeKind.Error } output)
            {
                Report(context, output, TypeArgumentLocation(attribute, context) ?? type.Locations[0]);
            }
            else if (symbols.IsExecutionStateAttribute(attributeClass) && type.Locations.Length > 0)
            {
                Report(context, type, type.Locations[0]);
            }
        }
    }

    private static void Report(SymbolAnalysisContext context, ITypeSymbol root, Location location)
    {
        var analysis = SerializationRules.Analyze(root, context.Compilation, requireObjectRoot: true, context.CancellationToken);
        foreach (var problem in analysis.Problems)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnserializableType, location, problem.MemberPath, problem.Reason));
        }
    }

    private static Location? TypeArgumentLocation(AttributeData attribute, SymbolAnalysisContext context)
    {
        var syntax = AttributeSyntaxFacts.GetSyntax(attribute, context.CancellationToken);
        var name = syntax?.Name switch
        {
            GenericNameSyntax generic => generic,
            QualifiedNameSyntax { Right: GenericNameSyntax generic } => generic,
            AliasQualifiedNameSyntax { Name: GenericNameSyntax generic } => generic,
            _ => null,
        };
        return name is { TypeArgumentList.Arguments.Count: 1 } ? name.TypeArgumentList.Arguments[0].GetLocation() : null;
    }
}
