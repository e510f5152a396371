using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// AMSHA010: reports every member path of a task output type, <c>[ExecutionState]</c> type, structured
/// <c>[AmshaLlmCall]</c> result type, or <c>[Tool]</c> parameter or result type that cannot be serialized, using the
/// same <see cref="SerializationRules"/> as the generators. Reported on the <c>TOutput</c> argument of
/// <c>[CrewTask&lt;TOutput&gt;]</c>, on the name of the <c>[ExecutionState]</c> type, on the return type of the
/// <c>[AmshaLlmCall]</c> or <c>[Tool]</c> method, or on the type of the tool's parameter.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class SerializableTypeAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnserializableType);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => AnalyzeType(c, symbols), SymbolKind.NamedType);
        if (symbols.AmshaLlmCallAttribute is not null)
        {
            start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
        }

        if (symbols.ToolAttribute is not null)
        {
            start.RegisterSymbolAction(c => AnalyzeTool(c, symbols), SymbolKind.Method);
        }
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
                Report(context, output, SerializationRoot.TaskOutput, TypeArgumentLocation(attribute, context) ?? type.Locations[0]);
            }
            else if (symbols.IsExecutionStateAttribute(attributeClass) && type.Locations.Length > 0)
            {
                Report(context, type, SerializationRoot.ExecutionState, type.Locations[0]);
            }
        }
    }

    // The generator writes no body for a method whose result cannot be serialized, so its definition is the user's.
    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;

        // Both parts of a partial method arrive here with the same attributes; the definition speaks for both.
        if (method.MethodKind != MethodKind.Ordinary || method.PartialDefinitionPart is not null
            || DeclarationFacts.LlmCallAttribute(method, symbols) is null
            || LlmCallReturns.StructuredResult(method.ReturnType) is not { } result)
        {
            return;
        }

        var declaration = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        if ((declaration?.ReturnType.GetLocation() ?? method.Locations.FirstOrDefault()) is { } location)
        {
            Report(context, result, SerializationRoot.LlmCallResult, location);
        }
    }

    // The tool generator describes the arguments of a tool as one object (SerializationRules.DescribeArguments: each
    // parameter a crew-input root) and its result as a crew-input root unless it is text. The same calls decide here;
    // each problem is reported on the parameter it comes from, its path rooted at the parameter's name.
    private static void AnalyzeTool(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        symbols.Work.Step(WorkKind.Symbols, cancellationToken);

        // Both parts of a partial method arrive here with the same attributes; the definition speaks for both. Generic
        // tools and tools of generic types are AMSHA017/AMSHA016: their type parameters have no serializer to speak of.
        if (method.MethodKind != MethodKind.Ordinary || method.PartialDefinitionPart is not null || method.IsGenericMethod
            || method.ContainingType is not { IsGenericType: false } || symbols.ToolAttributeOf(method, cancellationToken) is null)
        {
            return;
        }

        var declaration = ToolFacts.Declaration(method, cancellationToken);
        var compilation = context.Compilation;
        List<ToolParameter>? arguments = null;
        var allSerializable = true;
        foreach (var parameter in method.Parameters)
        {
            symbols.Work.Step(WorkKind.Symbols, cancellationToken);

            // ref/out/in/params parameters are AMSHA017, missing types the compiler's; a CancellationToken is no argument.
            if (parameter.RefKind != RefKind.None || parameter.IsParams || parameter.Type.TypeKind == TypeKind.Error || ToolFacts.IsCancellationToken(parameter.Type))
            {
                continue;
            }

            (arguments ??= new List<ToolParameter>()).Add(new ToolParameter(parameter, null));
            allSerializable &= SerializationRules.IsSerializable(parameter.Type, compilation, SerializationRoot.CrewInput, cancellationToken);
        }

        if (!allSerializable)
        {
            var problems = new List<SerializationProblem>();
            SerializationRules.DescribeArguments("Arguments", method.Name, "ArgumentsJsonCodec", arguments!, compilation, problems, cancellationToken);
            foreach (var problem in problems)
            {
                var parameter = ParameterOf(problem.MemberPath, arguments!);
                var location = parameter is not null && declaration is not null && parameter.Ordinal < declaration.ParameterList.Parameters.Count
                    && declaration.ParameterList.Parameters[parameter.Ordinal].Type is { } typeSyntax
                        ? typeSyntax.GetLocation()
                        : parameter?.Locations.FirstOrDefault() ?? AttributeSyntaxFacts.SymbolLocation(method);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnserializableType, location, problem.MemberPath, problem.Reason));
            }
        }

        if (Tools.ToolboxGenerator.Parser.TryReturn(method.ReturnType, out _, out var result)
            && result is { SpecialType: not SpecialType.System_String, TypeKind: not TypeKind.Error })
        {
            Report(context, result, SerializationRoot.CrewInput, declaration?.ReturnType.GetLocation() ?? AttributeSyntaxFacts.SymbolLocation(method));
        }
    }

    /// <summary>The parameter a problem of <see cref="SerializationRules.DescribeArguments"/> is about: its path starts with the parameter's name.</summary>
    private static IParameterSymbol? ParameterOf(string memberPath, List<ToolParameter> arguments)
    {
        var dot = memberPath.IndexOf('.');
        var name = dot < 0 ? memberPath : memberPath.Substring(0, dot);
        foreach (var argument in arguments)
        {
            if (argument.Symbol.Name == name)
            {
                return argument.Symbol;
            }
        }

        return null;
    }

    // Serializable roots cost a lookup once their types are described (each once per compilation); only the
    // others are walked again, to name every problem's member path.
    private static void Report(SymbolAnalysisContext context, ITypeSymbol root, SerializationRoot kind, Location location)
    {
        if (SerializationRules.IsSerializable(root, context.Compilation, kind, context.CancellationToken))
        {
            return;
        }

        var analysis = SerializationRules.Analyze(root, context.Compilation, kind, context.CancellationToken);
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
