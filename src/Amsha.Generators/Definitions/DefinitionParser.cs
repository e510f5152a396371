using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amsha.Definitions;
using Amsha.Generators.Analyzers;
using Amsha.Generators.Analyzers.Declarations;
using Amsha.Generators.Crews;
using Amsha.Generators.Helpers;
using Amsha.Generators.Plans;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amsha.Generators.Definitions;

/// <summary>
/// Binds definition files to the compilation: the catalog of agents, tasks and crews (read by the shared
/// <see cref="DefinitionReader"/> and merged by <see cref="DefinitionCatalog"/>) and the facts of the types they name
/// become <see cref="CrewModel"/>s for the crew emitter, and every mistake a <see cref="DefinitionDiagnostic"/> at its
/// place in the file. The generator keeps the models and the analyzer reports the diagnostics of the same call, so the
/// two never disagree: a crew is generated exactly when no error is reported for it.
/// </summary>
/// <remarks>
/// The checks are those of the attribute analyzers, with the same ids: AMSHA002 (agent), AMSHA003 (task names),
/// AMSHA004 (placeholders), AMSHA005/006 (context, through the generator's <see cref="CrewPlanner"/>), AMSHA007 (no
/// tasks), AMSHA008 (a task listed twice), AMSHA010 (output not serializable, through <c>SerializationRules</c>),
/// AMSHA011 (required texts), AMSHA001/015 (the crew class the user extends); and AMSHA021–025 for what only files
/// can get wrong.
/// </remarks>
internal static class DefinitionParser
{
    /// <summary>True for an additional file <c>build/Amsha.targets</c> marked as a definition file.</summary>
    public static bool IsDefinitionFile(AnalyzerConfigOptions fileOptions) =>
        fileOptions.TryGetValue(DefinitionOptions.DefinitionMetadataKey, out var value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The namespaces from the build properties; a value that is not a namespace name is passed over.</summary>
    public static DefinitionOptions Options(AnalyzerConfigOptions globalOptions)
    {
        var root = globalOptions.TryGetValue(DefinitionOptions.RootNamespaceKey, out var rootValue) && DefinitionNames.IsNamespace(rootValue?.Trim()) ? rootValue!.Trim() : null;
        var own = globalOptions.TryGetValue(DefinitionOptions.DefinitionsNamespaceKey, out var ownValue) && DefinitionNames.IsNamespace(ownValue?.Trim()) ? ownValue!.Trim() : null;
        return new DefinitionOptions(own ?? root, root);
    }

    /// <summary>Reads one definition file; never throws (a file whose text cannot be had is a problem of the file).</summary>
    public static DefinitionDocument Read(AdditionalText file, CancellationToken cancellationToken)
    {
        var text = file.GetText(cancellationToken);
        if (text is null)
        {
            var start = new TextPosition(1, 1, 0);
            return new DefinitionDocument(
                file.Path,
                Array.Empty<AgentEntry>(),
                Array.Empty<TaskEntry>(),
                Array.Empty<CrewEntry>(),
                new[] { new DefinitionProblem(DefinitionProblemKind.Syntax, file.Path, new TextRange(start, start), "the file's text is not available") });
        }

        return DefinitionReader.Read(file.Path, text.ToString(), cancellationToken);
    }

    /// <summary>The type names and crew classes the catalog needs from the compilation (sorted: the same catalog asks the same).</summary>
    public static DefinitionReferences References(DefinitionCatalog catalog, DefinitionOptions options, CancellationToken cancellationToken)
    {
        var outputs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var task in catalog.Tasks.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (OutputOf(task.Entry) is { Kind: OutputKind.Type } output)
            {
                outputs.Add(output.Name);
            }
        }

        var inputs = new SortedSet<string>(StringComparer.Ordinal);
        var classes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var crew in catalog.Crews)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TypeName(crew.Entry.Input) is { } input)
            {
                inputs.Add(input);
            }

            classes.Add(MetadataName(options, DefinitionNames.ClassName(crew.Entry.Name)));
        }

        return outputs.Count == 0 && inputs.Count == 0 && classes.Count == 0
            ? DefinitionReferences.Empty
            : new DefinitionReferences(outputs.ToEquatableArray(), inputs.ToEquatableArray(), classes.ToEquatableArray());
    }

    /// <summary>Binds the catalog: the models of the crews without errors, and every mistake found.</summary>
    /// <param name="work">Counts the binding's steps for tests (the analyzer's compilation, when tracked); null in the generator.</param>
    public static DefinitionBinding Bind(DefinitionCatalog catalog, DefinitionOptions options, DefinitionFacts facts, CancellationToken cancellationToken, AnalysisWork? work = null)
    {
        var binder = new Binder(catalog, options, facts, work, cancellationToken);
        binder.ReportCatalogProblems();
        binder.CheckAgents();
        binder.CheckTasks();
        var crews = new List<CrewModel>();
        foreach (var crew in catalog.Crews)
        {
            work.Step(WorkKind.DefinitionEntries, cancellationToken);
            if (binder.BindCrew(crew) is { } model)
            {
                crews.Add(model);
            }
        }

        return new DefinitionBinding(crews, binder.Diagnostics);
    }

    /// <summary>The metadata name of a generated crew class.</summary>
    public static string MetadataName(DefinitionOptions options, string className) => options.Namespace is null ? className : options.Namespace + "." + className;

    private enum OutputKind
    {
        Text,
        Json,
        Type,
    }

    // A task's output: absent, string or text is text; json is a run-time crew's; anything else names a C# type.
    private static (OutputKind Kind, string Name)? OutputOf(TaskEntry task)
    {
        if (TypeName(task.Output) is not { } name)
        {
            return null;
        }

        if (name is "string" or "String" or "str" or "text" or "System.String")
        {
            return (OutputKind.Text, name);
        }

        return string.Equals(name, "json", StringComparison.OrdinalIgnoreCase) ? (OutputKind.Json, name) : (OutputKind.Type, name);
    }

    // A value naming a type, trimmed (folded scalars end with a line break); null when absent or blank.
    private static string? TypeName(DefinedText? text) => text is null || string.IsNullOrWhiteSpace(text.Value) ? null : text.Value.Trim();

    /// <summary>One binding: the diagnostics found so far and what each check concluded about the definitions it looked at.</summary>
    private sealed class Binder(DefinitionCatalog catalog, DefinitionOptions options, DefinitionFacts facts, AnalysisWork? work, CancellationToken cancellationToken)
    {
        private readonly HashSet<(string Id, string Path, int Start, int Length, string Message)> _reported = new();
        private readonly Dictionary<string, DefinedType> _types = Index(facts.Types, t => t.Name);
        private readonly Dictionary<string, CrewClassFacts> _classes = Index(facts.Classes, c => c.MetadataName);
        // Ignoring case: generated file names must differ ignoring case (ResearchCrew and Researchcrew would clash).
        private readonly Dictionary<string, (string Crew, string Class)> _classOwners = new(StringComparer.OrdinalIgnoreCase);

        // Files with errors of their own (syntax, invalid values, duplicates, references), and agents and tasks with errors:
        // a crew that uses any of them is not generated.
        private readonly HashSet<string> _brokenFiles = new(StringComparer.Ordinal);

        // Files the reader could not read in full (syntax, values of the wrong shape): a text missing there is most
        // likely the value it reported, so AMSHA011 would say the same thing twice.
        private readonly HashSet<string> _unreadFiles = new(StringComparer.Ordinal);
        private readonly HashSet<string> _brokenAgents = new(StringComparer.Ordinal);
        private readonly HashSet<string> _brokenTasks = new(StringComparer.Ordinal);

        private NameSuggestions? _taskSuggestions;
        private NameSuggestions? _agentSuggestions;

        public List<DefinitionDiagnostic> Diagnostics { get; } = new();

        public void ReportCatalogProblems()
        {
            foreach (var problem in catalog.Problems)
            {
                work.Step(WorkKind.DefinitionEntries, cancellationToken);
                var (descriptor, arguments) = problem.Kind switch
                {
                    DefinitionProblemKind.IgnoredKey => (DiagnosticDescriptors.DefinitionKeyIgnored, new[] { FileName(problem.Path), problem.Message }),
                    DefinitionProblemKind.DuplicateName => (DiagnosticDescriptors.DefinitionDuplicateName, new[] { problem.Message }),
                    DefinitionProblemKind.FileReference => (DiagnosticDescriptors.DefinitionFileReferenceInvalid, new[] { problem.Message }),
                    _ => (DiagnosticDescriptors.DefinitionFileUnreadable, new[] { FileName(problem.Path), problem.Message }),
                };
                Report(descriptor, problem.Path, problem.Range, arguments);
                if (problem.IsError)
                {
                    _brokenFiles.Add(problem.Path);
                }

                if (problem.Kind is DefinitionProblemKind.Syntax or DefinitionProblemKind.InvalidValue)
                {
                    _unreadFiles.Add(problem.Path);
                }
            }
        }

        /// <summary>AMSHA011 for every agent, used or not (as for <c>[Agent]</c> classes).</summary>
        public void CheckAgents()
        {
            foreach (var agent in catalog.Agents.Values)
            {
                work.Step(WorkKind.DefinitionEntries, cancellationToken);
                var entry = agent.Entry;
                var broken = RequireText(entry.Role, "role", "Agent", entry.Name, agent.Path, entry.NameRange)
                    | RequireText(entry.Goal, "goal", "Agent", entry.Name, agent.Path, entry.NameRange)
                    | RequireText(entry.Backstory, "backstory", "Agent", entry.Name, agent.Path, entry.NameRange);
                if (broken)
                {
                    _brokenAgents.Add(entry.Name);
                }
            }
        }

        /// <summary>For every task: AMSHA011 (texts), AMSHA002 (an agent name that names no agent), AMSHA003 (context names), AMSHA023/010 (output type).</summary>
        public void CheckTasks()
        {
            foreach (var task in catalog.Tasks.Values)
            {
                work.Step(WorkKind.DefinitionEntries, cancellationToken);
                var entry = task.Entry;
                var broken = RequireText(entry.Description, "description", "Task", entry.Name, task.Path, entry.NameRange)
                    | RequireText(entry.ExpectedOutput, "expected_output", "Task", entry.Name, task.Path, entry.NameRange);

                if (TypeName(entry.Agent) is { } agentName && !catalog.Agents.ContainsKey(agentName))
                {
                    broken |= UnknownAgent(entry, agentName, task.Path, entry.Agent!);
                }

                foreach (var context in entry.Context)
                {
                    work.Step(WorkKind.DefinitionEntries, cancellationToken);
                    if (!catalog.Tasks.ContainsKey(context.Value.Trim()))
                    {
                        broken |= Report(DiagnosticDescriptors.DefinitionNotATask, task.Path, context.Range, context.Value.Trim(), "context", entry.Name, Suggestion(context.Value.Trim(), amongTasks: true));
                    }
                }

                broken |= CheckOutput(task);
                if (broken)
                {
                    _brokenTasks.Add(entry.Name);
                }
            }
        }

        /// <summary>Checks one crew; its model when nothing it uses has an error.</summary>
        public CrewModel? BindCrew(CatalogCrew crew)
        {
            var entry = crew.Entry;
            var className = DefinitionNames.ClassName(entry.Name);
            var metadataName = MetadataName(options, className);
            var broken = CheckClass(crew, className, metadataName, out var classFacts);

            if (crew.Steps.Count == 0)
            {
                Report(DiagnosticDescriptors.DefinitionCrewWithoutTasks, crew.Path, entry.StepsRange.Length > 0 ? entry.StepsRange : entry.NameRange, entry.Name);
                return null;
            }

            // The steps that take part in the plan: each task once, with the agent that performs it (null: none found, reported).
            var steps = new List<(Located<TaskEntry> Task, Located<AgentEntry>? Agent)>();
            var files = new HashSet<string>(StringComparer.Ordinal) { crew.Path };
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var step in crew.Steps)
            {
                work.Step(WorkKind.DefinitionEntries, cancellationToken);
                if (step.Task is not { } task)
                {
                    // A task_file that is not a definition file is AMSHA025, reported by the catalog.
                    broken = true;
                    if (!step.Step.IsFileReference)
                    {
                        var name = step.Step.Task.Value.Trim();
                        Report(DiagnosticDescriptors.DefinitionNotATask, crew.Path, step.Step.Task.Range, name, "tasks", entry.Name, Suggestion(name, amongTasks: true));
                    }

                    continue;
                }

                if (!seen.Add(task.Entry.Name))
                {
                    Report(DiagnosticDescriptors.DuplicateTask, crew.Path, step.Step.Task.Range, task.Entry.Name, entry.Name);
                    continue;
                }

                files.Add(task.Path);
                steps.Add((task, step.Agent));
                broken |= _brokenTasks.Contains(task.Entry.Name);
                if (step.Agent is not { } agent)
                {
                    broken = true;
                    if (step.AgentReference is { } reference)
                    {
                        // The reference is the step's own (a job file) or the task's agent (reported with the task, and again here only if elsewhere).
                        var referencePath = ReferenceEquals(reference, task.Entry.Agent) ? task.Path : crew.Path;
                        if (!step.Step.IsFileReference || ReferenceEquals(reference, task.Entry.Agent))
                        {
                            UnknownAgent(task.Entry, reference.Value.Trim(), referencePath, reference);
                        }
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.TaskAgentInvalid, task.Path, task.Entry.NameRange, task.Entry.Name,
                            "has no agent; set 'agent' to the name of an agent (or, in a job file, 'agent_file' in the crew's step)");
                    }

                    continue;
                }

                files.Add(agent.Path);
                broken |= _brokenAgents.Contains(agent.Entry.Name);
            }

            var inputBound = BindInput(crew, out var input);
            broken |= !inputBound;
            var isGraph = string.Equals(entry.Process?.Value.Trim(), "graph", StringComparison.OrdinalIgnoreCase);
            var keys = steps.Select(s => s.Task.Entry.Name).ToList();
            var contexts = steps.Select(s => (IReadOnlyList<string>)s.Task.Entry.Context.Select(c => c.Value.Trim()).Where(catalog.Tasks.ContainsKey).ToList()).ToList();
            broken |= CheckPlan(crew, steps, keys, contexts, isGraph);

            // Placeholders are checked against the input only when there is one to check against.
            if (inputBound)
            {
                broken |= CheckPlaceholders(crew, steps, input);
            }

            broken |= files.Any(_brokenFiles.Contains);
            if (broken || steps.Count == 0)
            {
                return null;
            }

            return Model(crew, className, metadataName, classFacts, steps, keys, contexts, isGraph, input);
        }

        // The class the crew generates: unique among the crews, and, when the project declares it too, a partial class
        // without members of the generated ones' names.
        private bool CheckClass(CatalogCrew crew, string className, string metadataName, out CrewClassFacts? classFacts)
        {
            var entry = crew.Entry;
            _classes.TryGetValue(metadataName, out classFacts);
            if (_classOwners.TryGetValue(metadataName, out var owner))
            {
                return Report(DiagnosticDescriptors.DefinitionDuplicateName, crew.Path, entry.NameRange, owner.Class == metadataName
                    ? "Crew '" + entry.Name + "' generates the class '" + metadataName + "', as crew '" + owner.Crew + "' does; rename one of them"
                    : "Crew '" + entry.Name + "' generates the class '" + metadataName + "', whose name differs only in case from '" + owner.Class + "' of crew '" + owner.Crew + "'; rename one of them");
            }

            _classOwners.Add(metadataName, (entry.Name, metadataName));
            if (classFacts is not { Exists: true } declared)
            {
                return false;
            }

            if (declared.IsAttributeCrew)
            {
                return Report(DiagnosticDescriptors.DefinitionDuplicateName, crew.Path, entry.NameRange,
                    "Crew '" + entry.Name + "' generates the class '" + metadataName + "', which is a [Crew] class already; rename the crew or the class");
            }

            if (declared.Unusable is { } reason)
            {
                return Report(DiagnosticDescriptors.DefinitionDuplicateName, crew.Path, entry.NameRange,
                    "Crew '" + entry.Name + "' generates the class '" + metadataName + "', but '" + metadataName + "' " + reason + "; rename the crew or the type");
            }

            if (!declared.IsPartial)
            {
                return Report(DiagnosticDescriptors.TypeMustBePartial, crew.Path, entry.NameRange, metadataName,
                    "crew '" + entry.Name + "' of '" + FileName(crew.Path) + "' adds its generated members to it");
            }

            return false;
        }

        // The crew's input type; false when it is named but cannot be used.
        private bool BindInput(CatalogCrew crew, out DefinedType? input)
        {
            input = null;
            if (TypeName(crew.Entry.Input) is not { } name)
            {
                return true;
            }

            if (!_types.TryGetValue(name, out var type) || type.Lookup != TypeLookup.Found)
            {
                return !Report(DiagnosticDescriptors.DefinitionTypeNotFound, crew.Path, crew.Entry.Input!.Range, "input", name, "crew '" + crew.Entry.Name + "'", NotFound(type));
            }

            input = type;
            return true;
        }

        // AMSHA023 for a type that does not resolve, AMSHA010 for one that cannot be a task output.
        private bool CheckOutput(Located<TaskEntry> task)
        {
            if (OutputOf(task.Entry) is not { } output || output.Kind == OutputKind.Text)
            {
                return false;
            }

            var range = task.Entry.Output!.Range;
            var owner = "task '" + task.Entry.Name + "'";
            if (output.Kind == OutputKind.Json)
            {
                return Report(DiagnosticDescriptors.DefinitionTypeNotFound, task.Path, range, "output", output.Name, owner,
                    "is for crews defined at run time; a compiled crew's task names a C# record, class or struct, or leaves 'output' out for text");
            }

            if (!_types.TryGetValue(output.Name, out var type) || type.Lookup != TypeLookup.Found)
            {
                return Report(DiagnosticDescriptors.DefinitionTypeNotFound, task.Path, range, "output", output.Name, owner, NotFound(type));
            }

            var broken = false;
            foreach (var problem in type.OutputProblems)
            {
                broken |= Report(DiagnosticDescriptors.UnserializableType, task.Path, range, problem.MemberPath, problem.Reason);
            }

            return broken;
        }

        // AMSHA005/006 through the generator's planner: planned as sequential to find the problems, as the analyzer does.
        private bool CheckPlan(CatalogCrew crew, List<(Located<TaskEntry> Task, Located<AgentEntry>? Agent)> steps, List<string> keys, List<IReadOnlyList<string>> contexts, bool isGraph)
        {
            var plan = CrewPlanner.Plan(keys, contexts, graph: false, cancellationToken);
            var broken = false;
            var crewName = crew.Entry.Name;
            if (plan.Cycle is { Count: >= 2 } cycle)
            {
                var from = steps[cycle[cycle.Count - 2]].Task;
                var to = keys[cycle[cycle.Count - 1]];
                broken |= Report(DiagnosticDescriptors.ContextCycle, from.Path, ContextEntry(from.Entry, to), crewName, MessageText.Path(cycle.Select(i => keys[i]).ToList()));
            }

            foreach (var (taskIndex, dependency) in plan.ContextOutsideCrew)
            {
                var task = steps[taskIndex].Task;
                broken |= Report(DiagnosticDescriptors.ContextOutOfOrder, task.Path, ContextEntry(task.Entry, dependency), task.Entry.Name, dependency,
                    "which is not a task of crew '" + crewName + "'; add '" + dependency + "' to the crew's tasks or remove it from context");
            }

            if (!isGraph)
            {
                foreach (var (taskIndex, contextIndex) in plan.ContextAfterTask)
                {
                    var task = steps[taskIndex].Task;
                    var dependency = keys[contextIndex];
                    broken |= Report(DiagnosticDescriptors.ContextOutOfOrder, task.Path, ContextEntry(task.Entry, dependency), task.Entry.Name, dependency,
                        "which the sequential crew '" + crewName + "' runs after it; list '" + dependency + "' before '" + task.Entry.Name + "' in tasks or set process: graph");
                }
            }

            return broken;
        }

        // AMSHA004 on each placeholder of the crew's task and agent texts that names no input member; per crew, as a task
        // shared by two crews is checked against both inputs.
        private bool CheckPlaceholders(CatalogCrew crew, List<(Located<TaskEntry> Task, Located<AgentEntry>? Agent)> steps, DefinedType? input)
        {
            var members = Members(input);
            var candidates = input?.MemberNames.ToList() ?? new List<string>();
            var explanation = input is null
                ? "cannot be filled: crew '" + crew.Entry.Name + "' has no input type; set 'input' to a C# type or remove the placeholder"
                : "has no matching member in '" + input.DisplayName + "', the input of crew '" + crew.Entry.Name + "'; "
                    + (candidates.Count == 0 ? "it has no public readable members" : "available: " + MessageText.List(candidates));
            var suggestions = new NameSuggestions(candidates, work, cancellationToken);
            var broken = false;
            var visitedAgents = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (task, agent) in steps)
            {
                broken |= Check(task.Path, task.Entry.Name, ("description", task.Entry.Description), ("expected_output", task.Entry.ExpectedOutput));
                if (agent is not null && visitedAgents.Add(agent.Entry.Name))
                {
                    broken |= Check(agent.Path, agent.Entry.Name, ("role", agent.Entry.Role), ("goal", agent.Entry.Goal), ("backstory", agent.Entry.Backstory));
                }
            }

            return broken;

            bool Check(string path, string owner, params (string Key, DefinedText? Text)[] texts)
            {
                var found = false;
                foreach (var (key, text) in texts)
                {
                    foreach (var placeholder in text?.Placeholders ?? Array.Empty<PlaceholderUse>())
                    {
                        work.Step(WorkKind.DefinitionEntries, cancellationToken);
                        if (InputMembers.Match(members, placeholder.Name) is not null)
                        {
                            continue;
                        }

                        var message = explanation;
                        if (suggestions.Closest(placeholder.Name, cancellationToken) is { } closest)
                        {
                            message += " (did you mean '" + MessageText.Quote(closest) + "'?)";
                        }

                        found |= Report(DiagnosticDescriptors.UnknownPlaceholder, path, placeholder.Range, MessageText.Quote(placeholder.Name), key, owner, message);
                    }
                }

                return found;
            }
        }

        private CrewModel? Model(
            CatalogCrew crew,
            string className,
            string metadataName,
            CrewClassFacts? classFacts,
            List<(Located<TaskEntry> Task, Located<AgentEntry>? Agent)> steps,
            List<string> keys,
            List<IReadOnlyList<string>> contexts,
            bool isGraph,
            DefinedType? input)
        {
            var plan = CrewPlanner.Plan(keys, contexts, isGraph, cancellationToken);
            if (!plan.IsValid)
            {
                return null;
            }

            var planIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < plan.Order.Count; i++)
            {
                planIndex[keys[plan.Order[i]]] = i;
            }

            var members = Members(input);
            Func<string, List<TemplatePart>?> bind = template => BindTemplate(template, members);
            var promptNames = new HashSet<string>(StringComparer.Ordinal);
            var tasks = new List<CrewTaskModel>();
            DefinedType? lastOutput = null;
            foreach (var declared in plan.Order)
            {
                work.Step(WorkKind.DefinitionEntries, cancellationToken);
                var (task, found) = steps[declared];
                if (found is not { } agent)
                {
                    return null;
                }

                var texts = new TaskTexts(agent.Entry.Role!.Value, agent.Entry.Goal!.Value, agent.Entry.Backstory!.Value, task.Entry.Description!.Value, task.Entry.ExpectedOutput!.Value);
                var system = PromptRendering.System(bind, texts.Role, texts.Goal, texts.Backstory);
                var user = PromptRendering.User(bind, texts.Description, texts.ExpectedOutput);
                if (system is null || user is null)
                {
                    return null;
                }

                lastOutput = OutputOf(task.Entry) is { Kind: OutputKind.Type } output && _types.TryGetValue(output.Name, out var outputType) && !outputType.IsString ? outputType : null;
                var toolSources = agent.Entry.ToolSources.Concat(task.Entry.ToolSources)
                    .Select(s => s.Value.Trim())
                    .Where(s => s.Length > 0)
                    .Distinct(StringComparer.Ordinal)
                    .ToEquatableArray();
                tasks.Add(new CrewTaskModel(
                    task.Entry.Name,
                    agent.Entry.Name,
                    TypeName(agent.Entry.Llm) ?? "default",
                    contexts[declared].Distinct(StringComparer.Ordinal).Select(c => planIndex[c]).ToEquatableArray(),
                    system.ToEquatableArray(),
                    user.ToEquatableArray(),
                    lastOutput?.FullyQualifiedName,
                    ToolSources: toolSources)
                {
                    Texts = texts,
                    PromptMethodName = DefinitionNames.PromptMethodName(task.Entry.Name, className, promptNames),
                    Review = task.Entry.Review?.Kind ?? 0,
                });
            }

            // A class the user declared must not already have a member the generator emits (AMSHA015).
            var generated = new GeneratedCrewMembers(className, input?.FullyQualifiedName, tasks.Select(t => t.PromptMethodName!));
            if (classFacts is { Exists: true } && classFacts.Members.FirstOrDefault(m => generated.Conflicts(m.Name, m.ParameterTypes?.ToList())) is { } conflict)
            {
                Report(DiagnosticDescriptors.GeneratedMemberConflict, crew.Path, crew.Entry.NameRange, metadataName, conflict.Name);
                return null;
            }

            return new CrewModel(
                new DeclarationScope(options.Namespace, new[] { new ContainingTypeModel(classFacts?.Keyword ?? "class", className) }.ToEquatableArray()),
                className,
                "global::" + metadataName,
                // Its own suffix: a [Crew] class whose name differs only in case cannot take the same file name.
                GeneratedNames.FileName(metadataName, ".DefinedCrew.g.cs"),
                input?.FullyQualifiedName,
                input is { IsReferenceType: true },
                tasks[tasks.Count - 1].OutputType ?? "string",
                isGraph,
                classFacts?.CanRegister ?? true,
                tasks.ToEquatableArray(),
                TypeAccessibility.Narrower(input?.MemberKeyword ?? "public", lastOutput?.MemberKeyword ?? "public"))
            {
                InputMembers = input?.MemberNames ?? EquatableArray<string>.Empty,
                DefinitionFileTemplates = true,
                DefinitionName = crew.Entry.Name,
            };
        }

        // AMSHA011: a required text that is absent, empty or blank; at the value, or at the name when there is none.
        private bool RequireText(DefinedText? text, string key, string kind, string name, string path, TextRange nameRange)
        {
            if (text is not null && !string.IsNullOrWhiteSpace(text.Value))
            {
                return false;
            }

            if (text is null && _unreadFiles.Contains(path))
            {
                return true;
            }

            return Report(DiagnosticDescriptors.RequiredTextMissing, path, text?.Range ?? nameRange, kind, name, text is null ? "no" : "an empty", key);
        }

        private bool UnknownAgent(TaskEntry task, string agentName, string path, DefinedText reference) =>
            Report(DiagnosticDescriptors.TaskAgentInvalid, path, reference.Range, task.Name,
                "names '" + agentName + "' as its agent, but no agent '" + agentName + "' is defined" + Suggestion(agentName, amongTasks: false) + "; define it or name another agent");

        // The first context entry of the task naming the dependency; the task's name when there is none.
        private static TextRange ContextEntry(TaskEntry task, string dependency) =>
            task.Context.FirstOrDefault(c => c.Value.Trim() == dependency)?.Range ?? task.NameRange;

        // "Did you mean" among the tasks or the agents: each set's suggestions made once, each name answered once.
        private string Suggestion(string name, bool amongTasks)
        {
            var suggestions = amongTasks
                ? _taskSuggestions ??= new NameSuggestions(catalog.Tasks.Keys.ToList(), work, cancellationToken)
                : _agentSuggestions ??= new NameSuggestions(catalog.Agents.Keys.ToList(), work, cancellationToken);
            return suggestions.Closest(name, cancellationToken) is { } closest ? " (did you mean '" + MessageText.Quote(closest) + "'?)" : "";
        }

        private static string NotFound(DefinedType? type) => type?.Lookup switch
        {
            TypeLookup.Ambiguous => "is ambiguous: " + type.Detail + " have that name; write the full name (Namespace.Type)",
            TypeLookup.Unusable => "cannot be used: it " + type.Detail,
            _ when type is { Detail.Length: > 0 } => "cannot be used: " + type.Detail,
            _ => "was not found; write its full name (Namespace.Type), or the name of a type of this project",
        };

        /// <summary>Adds a diagnostic once (the same mistake reached from two crews is one); true when it is an error.</summary>
        private bool Report(DiagnosticDescriptor descriptor, string path, TextRange range, params string[] arguments)
        {
            var diagnostic = new DefinitionDiagnostic(descriptor, path, range, arguments);
            if (_reported.Add((descriptor.Id, path, range.Start.Offset, range.Length, string.Join("\u0001", arguments))))
            {
                Diagnostics.Add(diagnostic);
            }

            return diagnostic.IsError;
        }

        private static Dictionary<string, T> Index<T>(EquatableArray<T> items, Func<T, string> key)
            where T : IEquatable<T>
        {
            var index = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (!index.ContainsKey(key(item)))
                {
                    index.Add(key(item), item);
                }
            }

            return index;
        }
    }

    private static Dictionary<string, string> Members(DefinedType? input)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in input?.PlaceholderMembers ?? EquatableArray<PlaceholderMember>.Empty)
        {
            members[member.Key] = member.Member;
        }

        return members;
    }

    /// <summary>A definition file's template (only <c>{identifier}</c> is a placeholder) as prompt parts; null when a placeholder names no member.</summary>
    private static List<TemplatePart>? BindTemplate(string template, Dictionary<string, string> members)
    {
        var parts = new List<TemplatePart>();
        foreach (var segment in DefinitionTemplate.Parse(template))
        {
            if (!segment.IsPlaceholder)
            {
                parts.Add(new TemplatePart(false, segment.Text));
            }
            else if (InputMembers.Match(members, segment.Text) is { } member)
            {
                parts.Add(new TemplatePart(true, member));
            }
            else
            {
                return null;
            }
        }

        return parts;
    }

    // The file's name for messages (its path is in the location already).
    private static string FileName(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? path : path.Substring(slash + 1);
    }
}
