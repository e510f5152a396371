using System;
using System.Collections.Immutable;
using System.Globalization;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA009: resilience settings written on any Amsha attribute (<c>[AmshaLlmCall]</c>, and tasks,
/// agents or crews where they carry them) must make sense: <c>MaxAttempts &gt;= 1</c>, positive
/// timeouts, a total timeout not below the per-attempt one, <c>OutputRepairs &gt;= 0</c>, <c>MaxToolRounds</c> in 0..100.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ResilienceSettingsAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidResilienceSetting);

    // See DeclarationFacts.LlmCallGeneratedCodeFlags: generated files are skipped per symbol instead.
    protected override GeneratedCodeAnalysisFlags GeneratedCodeAnalysis => DeclarationFacts.LlmCallGeneratedCodeFlags;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType, SymbolKind.Method);
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        if (!DeclarationFacts.IsDeclaredInUserCode(context.Symbol, symbols, context.CancellationToken))
        {
            return;
        }

        // Both parts of a partial method arrive here with the same attributes; report once, for the definition.
        if (context.Symbol is IMethodSymbol { PartialDefinitionPart: not null })
        {
            return;
        }

        foreach (var attribute in context.Symbol.GetAttributes())
        {
            symbols.Work.Step(WorkKind.Symbols, context.CancellationToken);
            if (attribute.AttributeClass?.ContainingNamespace is not { Name: "Amsha", ContainingNamespace.IsGlobalNamespace: true } || attribute.NamedArguments.IsEmpty)
            {
                continue;
            }

            var timeout = Number(attribute, "TimeoutSeconds");
            var total = Number(attribute, "TotalTimeoutSeconds");
            if (Number(attribute, "MaxAttempts") is { } attempts && attempts < 1)
            {
                Report(context, attribute, "MaxAttempts", attempts, "it must be at least 1 (the first attempt counts)");
            }

            if (timeout is { } perAttempt && !(perAttempt > 0))
            {
                Report(context, attribute, "TimeoutSeconds", perAttempt, "it must be greater than 0");
            }

            if (total is { } all && !(all > 0))
            {
                Report(context, attribute, "TotalTimeoutSeconds", all, "it must be greater than 0");
            }
            else if (total is { } allAttempts && timeout is { } oneAttempt && oneAttempt > 0 && allAttempts < oneAttempt)
            {
                Report(context, attribute, "TotalTimeoutSeconds", allAttempts,
                    "it must not be less than TimeoutSeconds (" + oneAttempt.ToString(CultureInfo.InvariantCulture) + "), the limit of one attempt");
            }

            if (Number(attribute, "OutputRepairs") is { } repairs && repairs < 0)
            {
                Report(context, attribute, "OutputRepairs", repairs, "it must be 0 or more");
            }

            // The runtime's limit (ToolOptions.MaxRoundsLimit); 0 takes the configured Amsha:Llm:Tools:MaxRounds.
            if (Number(attribute, "MaxToolRounds") is { } rounds && rounds is < 0 or > 100)
            {
                Report(context, attribute, "MaxToolRounds", rounds, "it must be between 1 and 100, or 0 for the configured Amsha:Llm:Tools:MaxRounds");
            }
        }
    }

    private static double? Number(AttributeData attribute, string name)
    {
        if (AttributeArguments.Named(attribute, name) is not { Kind: TypedConstantKind.Primitive, Value: { } value })
        {
            return null;
        }

        return value switch
        {
            int i => i,
            long l => l,
            short s => s,
            sbyte b => b,
            double d => d,
            float f => f,
            decimal m => (double)m,
            _ => null,
        };
    }

    private static void Report(SymbolAnalysisContext context, AttributeData attribute, string name, double value, string requirement)
    {
        var location = AttributeSyntaxFacts.ArgumentLocation(attribute, name, context.Symbol, context.CancellationToken);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidResilienceSetting, location,
            name, context.Symbol.Name, value.ToString(CultureInfo.InvariantCulture), requirement));
    }
}
