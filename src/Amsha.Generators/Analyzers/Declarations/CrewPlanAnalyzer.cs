using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amsha.Generators.Plans;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// The shape of a crew's plan: AMSHA007 (no tasks), AMSHA008 (a task listed twice), and, from the
/// same <see cref="CrewPlanner"/> the generator uses, AMSHA005 (context cycle) and AMSHA006 (context
/// outside the crew, or after the task in a sequential crew).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class CrewPlanAnalyzer : AmshaAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ContextCycle,
        DiagnosticDescriptors.ContextOutOfOrder,
        DiagnosticDescriptors.CrewWithoutTasks,
        DiagnosticDescriptors.DuplicateTask);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    private sealed record PlannedTask(INamedTypeSymbol Type, AttributeData Attribute, List<INamedTypeSymbol?> Context);

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var crew = (INamedTypeSymbol)context.Symbol;
        if (DeclarationFacts.CrewAttribute(crew, symbols) is not { } attribute)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var tasksArgument = AttributeArguments.Named(attribute, "Tasks");
        if (tasksArgument is { Kind: TypedConstantKind.Error })
        {
            return;
        }

        var entries = DeclarationFacts.ReadTypes(attribute, "Tasks");
        if (entries is null || entries.Count == 0)
        {
            var location = tasksArgument is null
                ? AttributeSyntaxFacts.AttributeLocation(attribute, crew, cancellationToken)
                : AttributeSyntaxFacts.ArgumentLocation(attribute, "Tasks", crew, cancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CrewWithoutTasks, location, crew.Name));
            return;
        }

        var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var planned = new List<PlannedTask>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not { } entry || entry.TypeKind == TypeKind.Error)
            {
                continue;
            }

            if (!seen.Add(entry))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateTask,
                    AttributeSyntaxFacts.ElementLocation(attribute, "Tasks", i, entries.Count, crew, cancellationToken), entry.Name, crew.Name));
                continue;
            }

            // Entries that are not tasks are AMSHA003's business; they take no part in the plan.
            if (DeclarationFacts.TaskAttribute(entry, symbols) is { } taskAttribute)
            {
                var contextEntries = DeclarationFacts.ReadTypes(taskAttribute, "Context") ?? new List<INamedTypeSymbol?>();
                planned.Add(new PlannedTask(entry, taskAttribute, contextEntries));
            }
        }

        var byKey = new Dictionary<string, INamedTypeSymbol>();
        var contexts = new List<IReadOnlyList<string>>();
        foreach (var task in planned)
        {
            var keys = new List<string>();
            foreach (var dependency in task.Context)
            {
                if (DeclarationFacts.IsUsable(dependency) && DeclarationFacts.TaskAttribute(dependency!, symbols) is not null)
                {
                    var key = DeclarationFacts.Key(dependency!);
                    byKey[key] = dependency!;
                    keys.Add(key);
                }
            }

            contexts.Add(keys);
        }

        var isGraph = AttributeArguments.Named(attribute, "Process") is { Value: int process } && process == 1;
        var plan = CrewPlanner.Plan(planned.Select(t => DeclarationFacts.Key(t.Type)).ToList(), contexts, isGraph);

        if (plan.Cycle is { Count: >= 2 } cycle)
        {
            // Report on the Context entry that closes the cycle: the last edge, back to the first task.
            var path = string.Join(" → ", cycle.Select(index => planned[index].Type.Name));
            var from = planned[cycle[cycle.Count - 2]];
            var to = planned[cycle[cycle.Count - 1]].Type;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextCycle, ContextEntryLocation(from, to, context), crew.Name, path));
        }

        foreach (var (taskIndex, contextKey) in plan.ContextOutsideCrew)
        {
            if (!byKey.TryGetValue(contextKey, out var dependency))
            {
                continue;
            }

            var task = planned[taskIndex];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextOutOfOrder, ContextEntryLocation(task, dependency, context),
                task.Type.Name, dependency.Name,
                "which is not a task of crew '" + crew.Name + "'; add '" + dependency.Name + "' to the crew's Tasks or remove it from Context"));
        }

        foreach (var (taskIndex, contextIndex) in plan.ContextAfterTask)
        {
            var task = planned[taskIndex];
            var dependency = planned[contextIndex].Type;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextOutOfOrder, ContextEntryLocation(task, dependency, context),
                task.Type.Name, dependency.Name,
                "which the sequential crew '" + crew.Name + "' runs after it; list '" + dependency.Name + "' before '" + task.Type.Name + "' in Tasks or set Process = CrewProcess.Graph"));
        }
    }

    private static Location ContextEntryLocation(PlannedTask task, INamedTypeSymbol dependency, SymbolAnalysisContext context)
    {
        var index = task.Context.FindIndex(c => SymbolEqualityComparer.Default.Equals(c, dependency));
        return index < 0
            ? AttributeSyntaxFacts.ArgumentLocation(task.Attribute, "Context", task.Type, context.CancellationToken)
            : AttributeSyntaxFacts.ElementLocation(task.Attribute, "Context", index, task.Context.Count, task.Type, context.CancellationToken);
    }
}
