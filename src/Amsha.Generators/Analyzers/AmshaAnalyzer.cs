using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers;

/// <summary>
/// The set-up every Amsha analyzer shares: concurrent execution, generated code skipped, the runtime's
/// symbols resolved once per compilation (and shared by all of them), and nothing at all when the Amsha runtime is not referenced.
/// </summary>
public abstract class AmshaAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Which generated code is analyzed; none unless an analyzer needs it.</summary>
    protected virtual GeneratedCodeAnalysisFlags GeneratedCodeAnalysis => GeneratedCodeAnalysisFlags.None;

    /// <inheritdoc/>
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysis);
        context.RegisterCompilationStartAction(start =>
        {
            if (AmshaSymbols.For(start.Compilation) is { } symbols)
            {
                OnCompilationStart(start, symbols);
            }
        });
    }

    /// <summary>Registers the analyzer's actions for a compilation that references the Amsha runtime.</summary>
    private protected abstract void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols);
}
