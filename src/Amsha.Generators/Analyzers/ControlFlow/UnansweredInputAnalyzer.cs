using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Amsha.Definitions;
using Amsha.Generators.Definitions;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.ControlFlow;

/// <summary>
/// AMSHA207: a crew that waits for a person — a task with <c>Review</c>, or a task whose agent's or own toolboxes
/// hold a <c>[Tool(RequiresApproval = true)]</c> method — run with its generated <c>RunAsync</c> or with
/// <c>session.RunAsync(Crew.Definition, …)</c>. <c>RunAsync</c> returns only the result, so no code holds the handle
/// an answer goes through: the execution waits until it is canceled. Crews of definition files (a task with
/// <c>review</c> or <c>human_input: true</c>) are recognized by their generated class. Where a crew waits is read
/// with <see cref="HumanInputFacts"/>, as the generator reads it, once per crew.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnansweredInputAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.UnansweredHumanInput);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        // Definition files are read only if a run of a class that is not a [Crew] is met, once per compilation.
        var options = start.Options.AnalyzerConfigOptionsProvider;
        var files = start.Options.AdditionalFiles.Where(file => DefinitionParser.IsDefinitionFile(options.GetOptions(file))).ToList();
        var definedCrews = files.Count == 0 ? null : new Once<Dictionary<string, string>>(ct => DefinedCrewWaits(files, options, ct));
        var waits = new AnalysisCache<INamedTypeSymbol, string?>(SymbolEqualityComparer.Default);
        start.RegisterOperationAction(c => Analyze(c, symbols, waits, definedCrews), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, AmshaSymbols symbols, AnalysisCache<INamedTypeSymbol, string?> waits, Once<Dictionary<string, string>>? definedCrews)
    {
        symbols.Work.Step(WorkKind.Operations, context.CancellationToken);
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "RunAsync" || ExecutionCalls.RunCrew(invocation, symbols) is not { } crew)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        if (waits.Get(crew, type => WaitOf(type, symbols, definedCrews, cancellationToken)) is not { } wait)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UnansweredHumanInput,
            invocation.Syntax.GetLocation(),
            crew.Name,
            wait,
            ExecutionCalls.Display(invocation.TargetMethod)));
    }

    /// <summary>Where <paramref name="crew"/> first waits for a person, in words; null when it never does (or is no crew).</summary>
    private static string? WaitOf(INamedTypeSymbol crew, AmshaSymbols symbols, Once<Dictionary<string, string>>? definedCrews, CancellationToken cancellationToken)
    {
        if (symbols.Markers(crew, cancellationToken).Crew is { } crewAttribute)
        {
            return AttributeCrewWait(crewAttribute, symbols, cancellationToken);
        }

        // A crew of a definition file: a top-level class the generator names Namespace.ClassName.
        return definedCrews is not null && crew.ContainingType is null && !crew.IsGenericType
            && definedCrews.Get(cancellationToken).TryGetValue(crew.ToDisplayString(), out var wait)
                ? wait
                : null;
    }

    // The crew's tasks in declared order; in each, first the tools it may call (agent's toolboxes, then its own), then its review.
    private static string? AttributeCrewWait(AttributeData crewAttribute, AmshaSymbols symbols, CancellationToken cancellationToken)
    {
        foreach (var task in Types(crewAttribute, "Tasks").Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (symbols.Markers(task, cancellationToken).Task is not { } taskAttribute)
            {
                continue;
            }

            var agentAttribute = AttributeArguments.Named(taskAttribute, "Agent") is { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol agent }
                ? symbols.Markers(agent, cancellationToken).Agent
                : null;
            foreach (var source in new[] { agentAttribute, taskAttribute })
            {
                if (source is null)
                {
                    continue;
                }

                foreach (var toolbox in Types(source, "Tools"))
                {
                    symbols.Work.Step(WorkKind.Symbols, cancellationToken);
                    if (symbols.Markers(toolbox, cancellationToken).Toolbox is not null
                        && HumanInputFacts.ApprovalTools(toolbox, cancellationToken).FirstOrDefault() is { } tool)
                    {
                        return $"task '{MessageText.Quote(task.Name)}' may call tool '{MessageText.Quote(tool)}', which needs a person's approval before each call";
                    }
                }
            }

            if (HumanInputFacts.Review(taskAttribute) != 0)
            {
                return Reviewed(task.Name);
            }
        }

        return null;
    }

    private static string Reviewed(string task) => $"task '{MessageText.Quote(task)}' waits for a review of its output";

    /// <summary>The types of a <c>Type[]</c> argument that are types (entries still being typed are skipped).</summary>
    private static IEnumerable<INamedTypeSymbol> Types(AttributeData attribute, string name)
    {
        if (AttributeArguments.Named(attribute, name) is not { Kind: TypedConstantKind.Array, IsNull: false } values)
        {
            yield break;
        }

        foreach (var value in values.Values)
        {
            if (value is { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol { TypeKind: not TypeKind.Error } type })
            {
                yield return type;
            }
        }
    }

    /// <summary>For each crew of the definition files with a reviewed task, by its generated class's name: its first reviewed task.</summary>
    private static Dictionary<string, string> DefinedCrewWaits(List<AdditionalText> files, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        var catalog = DefinitionCatalog.Build(files.Select(file => DefinitionParser.Read(file, cancellationToken)).ToList(), cancellationToken);
        var definitionOptions = DefinitionParser.Options(options.GlobalOptions);
        var waits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var crew in catalog.Crews)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var className = DefinitionParser.MetadataName(definitionOptions, DefinitionNames.ClassName(crew.Entry.Name));
            if (waits.ContainsKey(className))
            {
                continue;
            }

            foreach (var step in crew.Steps)
            {
                if (step.Task?.Entry is { Review.Kind: not 0 } task)
                {
                    waits[className] = Reviewed(task.Name);
                    break;
                }
            }
        }

        return waits;
    }
}
