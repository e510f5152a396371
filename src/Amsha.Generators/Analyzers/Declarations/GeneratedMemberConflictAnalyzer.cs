using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Crews;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA015: a crew declares a member that the crew generator emits too. The rule is the generator's
/// own (<see cref="CrewGenerator.Parser.FindGeneratedMemberConflict"/>), so the two never disagree.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class GeneratedMemberConflictAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.GeneratedMemberConflict);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var crew = (INamedTypeSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        if (symbols.Markers(crew, cancellationToken).Crew is not { } attribute)
        {
            return;
        }

        var input = attribute.AttributeClass is { TypeArguments.Length: 1 } generic ? generic.TypeArguments[0] : null;
        // Only real tasks get a prompt builder, as in the generator.
        var tasks = (DeclarationFacts.ReadTypes(attribute, "Tasks", symbols.Work, cancellationToken) ?? new List<INamedTypeSymbol?>())
            .Where(t => DeclarationFacts.IsUsable(t) && DeclarationFacts.TaskAttribute(t!, symbols, cancellationToken) is not null)
            .Select(t => t!.Name)
            .Distinct();

        if (CrewGenerator.Parser.FindGeneratedMemberConflict(crew, input, tasks) is { } member && member.Locations.FirstOrDefault(l => l.IsInSource) is { } location)
        {
            var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? crew.Name + "(ExecutionSession)" : member.Name;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratedMemberConflict, location, crew.Name, name));
        }
    }
}
