using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Amsha.Generators.Plans;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// The shape of a crew's plan: AMSHA007 (no tasks), AMSHA008 (a task listed twice), AMSHA026 (two tasks of one
/// name), and, from the
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
        DiagnosticDescriptors.DuplicateTask,
        DiagnosticDescriptors.DuplicateTaskName);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
    }

    /// <summary>A task of the crew, with its <c>Context</c> entries and where each is written (read once, when first needed).</summary>
    private sealed class PlannedTask(INamedTypeSymbol type, AttributeData attribute, List<INamedTypeSymbol?> context)
    {
        private Dictionary<INamedTypeSymbol, int>? _firstIndex;
        private Func<int, Location>? _locations;

        public INamedTypeSymbol Type { get; } = type;

        public List<INamedTypeSymbol?> Context { get; } = context;

        /// <summary>The <c>Context</c> entry naming <paramref name="dependency"/>, else the whole argument.</summary>
        public Location ContextEntryLocation(INamedTypeSymbol dependency, AnalysisWork? work, CancellationToken cancellationToken)
        {
            if (_firstIndex is null)
            {
                _firstIndex = new Dictionary<INamedTypeSymbol, int>(SymbolEqualityComparer.Default);
                for (var i = 0; i < Context.Count; i++)
                {
                    work.Step(WorkKind.Symbols, cancellationToken);
                    if (Context[i] is { } entry && !_firstIndex.ContainsKey(entry))
                    {
                        _firstIndex[entry] = i;
                    }
                }
            }

            if (!_firstIndex.TryGetValue(dependency, out var index))
            {
                return AttributeSyntaxFacts.ArgumentLocation(attribute, "Context", Type, cancellationToken);
            }

            _locations ??= AttributeSyntaxFacts.ElementLocations(attribute, "Context", Context.Count, Type, cancellationToken, work);
            return _locations(index);
        }
    }

    private static void Analyze(SymbolAnalysisContext context, AmshaSymbols symbols)
    {
        var crew = (INamedTypeSymbol)context.Symbol;
        var cancellationToken = context.CancellationToken;
        if (symbols.Markers(crew, cancellationToken).Crew is not { } attribute)
        {
            return;
        }

        var work = symbols.Work;
        var tasksArgument = AttributeArguments.Named(attribute, "Tasks");
        if (tasksArgument is { Kind: TypedConstantKind.Error })
        {
            return;
        }

        var entries = DeclarationFacts.ReadTypes(attribute, "Tasks", work, cancellationToken);
        if (entries is null || entries.Count == 0)
        {
            var location = tasksArgument is null
                ? AttributeSyntaxFacts.AttributeLocation(attribute, crew, cancellationToken)
                : AttributeSyntaxFacts.ArgumentLocation(attribute, "Tasks", crew, cancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CrewWithoutTasks, location, crew.Name));
            return;
        }

        var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var byName = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
        var planned = new List<PlannedTask>();
        Func<int, Location>? entryLocations = null;
        for (var i = 0; i < entries.Count; i++)
        {
            work.Step(WorkKind.Symbols, cancellationToken);
            if (entries[i] is not { } entry || entry.TypeKind == TypeKind.Error)
            {
                continue;
            }

            if (!seen.Add(entry))
            {
                entryLocations ??= AttributeSyntaxFacts.ElementLocations(attribute, "Tasks", entries.Count, crew, cancellationToken, work);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateTask, entryLocations(i), entry.Name, crew.Name));
                continue;
            }

            if (byName.TryGetValue(entry.Name, out var namesake))
            {
                entryLocations ??= AttributeSyntaxFacts.ElementLocations(attribute, "Tasks", entries.Count, crew, cancellationToken, work);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateTaskName, entryLocations(i), Display(entry), Display(namesake), entry.Name, crew.Name));
            }
            else
            {
                byName.Add(entry.Name, entry);
            }

            // Entries that are not tasks are AMSHA003's business; they take no part in the plan.
            if (DeclarationFacts.TaskAttribute(entry, symbols, cancellationToken) is { } taskAttribute)
            {
                var contextEntries = DeclarationFacts.ReadTypes(taskAttribute, "Context", work, cancellationToken) ?? new List<INamedTypeSymbol?>();
                planned.Add(new PlannedTask(entry, taskAttribute, contextEntries));
            }
        }

        // The planner compares tasks by key; a key per distinct symbol (not its display string) costs
        // nothing per use, whatever the length of the type's name.
        var keys = new Dictionary<INamedTypeSymbol, string>(SymbolEqualityComparer.Default);
        var byKey = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
        string Key(INamedTypeSymbol type)
        {
            if (!keys.TryGetValue(type, out var key))
            {
                key = keys.Count.ToString(CultureInfo.InvariantCulture);
                keys[type] = key;
                byKey[key] = type;
            }

            return key;
        }

        var taskKeys = new List<string>(planned.Count);
        var contexts = new List<IReadOnlyList<string>>(planned.Count);
        foreach (var task in planned)
        {
            taskKeys.Add(Key(task.Type));
            var dependencies = new List<string>();
            foreach (var dependency in task.Context)
            {
                work.Step(WorkKind.Symbols, cancellationToken);
                if (DeclarationFacts.IsUsable(dependency) && DeclarationFacts.TaskAttribute(dependency!, symbols, cancellationToken) is not null)
                {
                    dependencies.Add(Key(dependency!));
                }
            }

            contexts.Add(dependencies);
        }

        // The order of a graph crew is not needed here, only the problems; planning as sequential finds the
        // same cycles and outside contexts (out-of-order contexts are reported for sequential crews only).
        var isGraph = AttributeArguments.Named(attribute, "Process") is { Value: int process } && process == 1;
        var plan = CrewPlanner.Plan(taskKeys, contexts, graph: false, cancellationToken);

        if (plan.Cycle is { Count: >= 2 } cycle)
        {
            // Report on the Context entry that closes the cycle: the last edge, back to the first task.
            var path = MessageText.Path(cycle.Select(index => planned[index].Type.Name).ToList());
            var from = planned[cycle[cycle.Count - 2]];
            var to = planned[cycle[cycle.Count - 1]].Type;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextCycle, from.ContextEntryLocation(to, work, cancellationToken), crew.Name, path));
        }

        foreach (var (taskIndex, contextKey) in plan.ContextOutsideCrew)
        {
            work.Step(WorkKind.Symbols, cancellationToken);
            if (!byKey.TryGetValue(contextKey, out var dependency))
            {
                continue;
            }

            var task = planned[taskIndex];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextOutOfOrder, task.ContextEntryLocation(dependency, work, cancellationToken),
                task.Type.Name, dependency.Name,
                "which is not a task of crew '" + crew.Name + "'; add '" + dependency.Name + "' to the crew's Tasks or remove it from Context"));
        }

        if (isGraph)
        {
            return;
        }

        foreach (var (taskIndex, contextIndex) in plan.ContextAfterTask)
        {
            work.Step(WorkKind.Symbols, cancellationToken);
            var task = planned[taskIndex];
            var dependency = planned[contextIndex].Type;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextOutOfOrder, task.ContextEntryLocation(dependency, work, cancellationToken),
                task.Type.Name, dependency.Name,
                "which the sequential crew '" + crew.Name + "' runs after it; list '" + dependency.Name + "' before '" + task.Type.Name + "' in Tasks or set Process = CrewProcess.Graph"));
        }
    }

    // With namespace and containing types: two tasks of one name differ there.
    private static string Display(INamedTypeSymbol type) => MessageText.Type(type, SymbolDisplayFormat.CSharpErrorMessageFormat);
}
