using System.Collections.Immutable;
using Amsha.Generators.Helpers;
using Amsha.Generators.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// AMSHA018: a <c>[Tool]</c> whose description, as the generator picks it (<c>Description</c> when it is not
/// blank, else the <c>///</c> <c>&lt;summary&gt;</c> text), is missing or blank. Reported on the <c>Description</c>
/// argument when it is written, else on the attribute.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ToolDescriptionAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ToolWithoutDescription);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        if (symbols.ToolAttribute is null)
        {
            return;
        }

        start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        symbols.Work.Step(WorkKind.Symbols, cancellationToken);

        // Only methods that can be tools (others are AMSHA017); both parts of a partial method arrive, the definition speaks for both.
        if (method.MethodKind != MethodKind.Ordinary || method.PartialDefinitionPart is not null
            || symbols.ToolAttributeOf(method, cancellationToken) is not { } attribute)
        {
            return;
        }

        var written = AttributeArguments.Named(attribute, "Description");
        var description = AttributeArguments.String(attribute, "Description");

        // Exactly what the generator gives the model: a Description that is not blank, else the /// <summary> text.
        symbols.Work.Step(WorkKind.Syntax, cancellationToken);
        if (!string.IsNullOrWhiteSpace(ToolboxGenerator.Parser.Description(method, attribute, cancellationToken)))
        {
            return;
        }

        var missing = written is null ? "no Description and no /// <summary>"
            : description is { Length: > 0 } ? "a blank Description and no /// <summary>"
            : "an empty Description and no /// <summary>";

        var location = written is null
            ? AttributeSyntaxFacts.AttributeLocation(attribute, method, cancellationToken)
            : AttributeSyntaxFacts.ArgumentLocation(attribute, "Description", method, cancellationToken);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ToolWithoutDescription, location, ToolFacts.ToolName(method, attribute), missing));
    }
}
