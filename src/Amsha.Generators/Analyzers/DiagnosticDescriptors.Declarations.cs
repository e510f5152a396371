using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Analyzers;

/// <summary>AMSHA0xx: mistakes in declarations (agents, tasks, crews, execution state, LLM calls, toolboxes and tools).</summary>
internal static partial class DiagnosticDescriptors
{
    /// <summary>Property on AMSHA004/AMSHA014 diagnostics: set when the location is the exact template text (safe to edit).</summary>
    public const string ExactSpanProperty = "ExactSpan";

    /// <summary>Property on AMSHA004 diagnostics: the input member or parameter name closest to the unknown placeholder.</summary>
    public const string ReplacementProperty = "Replacement";

    public static readonly DiagnosticDescriptor TypeMustBePartial = Create(
        "AMSHA001",
        "Declaration type must be partial",
        "'{0}' must be declared partial because {1}; add the 'partial' modifier",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "The generator adds members to declaration types and to every type that contains them, which needs every declaration of those types to be partial.");

    public static readonly DiagnosticDescriptor TaskAgentInvalid = Create(
        "AMSHA002",
        "Task agent must be a type marked [Agent]",
        "Task '{0}' {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "Every [CrewTask] names the agent that performs it with Agent = typeof(SomeAgent), where SomeAgent is marked [Agent].");

    public static readonly DiagnosticDescriptor NotATask = Create(
        "AMSHA003",
        "Tasks and Context entries must be types marked [CrewTask]",
        "'{0}' in the {1} of '{2}' is not a task; mark '{0}' with [CrewTask] or remove it from {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnknownPlaceholder = Create(
        "AMSHA004",
        "Placeholder has no matching input member or parameter",
        "Placeholder '{{{0}}}' in the {1} of '{2}' {3}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "Placeholders in agent and task templates bind, ignoring case, to the members of the crew's TInput; placeholders in [AmshaLlmCall] templates bind to the method's parameters.");

    public static readonly DiagnosticDescriptor ContextCycle = Create(
        "AMSHA005",
        "Task context dependencies form a cycle",
        "The tasks of crew '{0}' depend on each other in a cycle: {1}; remove one of these Context entries",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ContextOutOfOrder = Create(
        "AMSHA006",
        "Task context must be an earlier task of the same crew",
        "Task '{0}' takes context from '{1}', {2}",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor CrewWithoutTasks = Create(
        "AMSHA007",
        "Crew declares no tasks",
        "Crew '{0}' declares no tasks; set Tasks = [typeof(FirstTask), ...] to the tasks it runs",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateTask = Create(
        "AMSHA008",
        "Task listed more than once in a crew",
        "Task '{0}' is listed more than once in the Tasks of crew '{1}'; it runs once, remove the duplicate",
        DeclarationsCategory,
        DiagnosticSeverity.Warning);

    /// <summary>{0} the task, {1} the earlier task of the same name, {2} the name, {3} the crew.</summary>
    public static readonly DiagnosticDescriptor DuplicateTaskName = Create(
        "AMSHA026",
        "Two tasks of a crew have the same name",
        "Task '{0}' has the name '{2}' of task '{1}', also in crew '{3}'; a crew knows its tasks by name (results, events, checkpoints), so rename one",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A task's name is its class's name. Two task classes of one name from different namespaces or containing types cannot be told apart in a crew's results, events and stored checkpoints, nor get their own generated members; the crew is not generated until they have different names.");

    public static readonly DiagnosticDescriptor InvalidResilienceSetting = Create(
        "AMSHA009",
        "Invalid resilience setting",
        "{0} of '{1}' is {2}; {3}",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor RequiredTextMissing = Create(
        "AMSHA011",
        "Required declaration text is missing or empty",
        "{0} '{1}' has {2} {3}; set {3} to a non-empty text",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidLlmCallMethod = Create(
        "AMSHA012",
        "Invalid [AmshaLlmCall] method",
        "[AmshaLlmCall] method '{0}' {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "An [AmshaLlmCall] method is a partial definition without a body, not generic, without ref/out/in parameters, returning Task<T>, ValueTask<T> or IAsyncEnumerable<string>, where T is string, ChatResponse or a serializable type.");

    public static readonly DiagnosticDescriptor LlmCallWithoutSession = Create(
        "AMSHA013",
        "Type with [AmshaLlmCall] methods has no ExecutionSession member",
        "'{0}' declares [AmshaLlmCall] methods but has no accessible instance member of type ExecutionSession; add a field, property or primary-constructor parameter of type ExecutionSession",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MalformedTemplate = Create(
        "AMSHA014",
        "Malformed template",
        "The {0} of '{1}' contains {2}; write literal braces as '{{{{' and '}}}}'",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor GeneratedMemberConflict = Create(
        "AMSHA015",
        "Crew declares a member the generator emits",
        "Crew '{0}' declares '{1}', which the generator also emits, so no orchestrator is generated for the crew; rename or remove '{1}'",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "The generator adds a constructor taking ExecutionSession, Definition, RunAsync, Start, StartBackground, Resume and one Build<Task>Prompt method per task to every crew. A crew that declares one of them itself would not compile with the generated part, so the generator emits nothing for it.");

    /// <summary>{0} "Toolbox"/"Tool", {1} its name, {2} what is wrong and what to do.</summary>
    public static readonly DiagnosticDescriptor InvalidToolbox = Create(
        "AMSHA016",
        "Invalid toolbox declaration",
        "{0} '{1}' {2}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A toolbox is a partial (AMSHA001), non-generic, non-static class marked [Toolbox] that generated code can reach (not private or protected, not nested in such a type, not file-local) and leaves the name CreateAIFunctions() to the generator. Its [Tool] methods become tools; a [Tool] method of any other type is not a tool.");

    /// <summary>{0} the method, {1} what is wrong and what to do.</summary>
    public static readonly DiagnosticDescriptor InvalidToolMethod = Create(
        "AMSHA017",
        "Invalid [Tool] method",
        "[Tool] method '{0}' {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A tool is an ordinary public or internal method of a [Toolbox] class, not generic, without ref/out/in/params parameters, returning void, a value, Task, Task<T>, ValueTask or ValueTask<T>; its parameter and result types must be serializable (AMSHA010). The generator leaves every other [Tool] method out.");

    /// <summary>{0} the tool, {1} what is missing.</summary>
    public static readonly DiagnosticDescriptor ToolWithoutDescription = Create(
        "AMSHA018",
        "Tool has no description",
        "Tool '{0}' has {1}: the model chooses tools by their descriptions, so it may never call this one or call it wrongly; set Description in [Tool(...)] or write a /// <summary> for the method",
        DeclarationsCategory,
        DiagnosticSeverity.Warning,
        "The description the model reads is [Tool(Description = ...)], or, when that is not set, the method's /// <summary> text.");

    /// <summary>{0} "agent"/"task", {1} its name, {2} what the entry is and what to do.</summary>
    public static readonly DiagnosticDescriptor NotAToolbox = Create(
        "AMSHA019",
        "Tools entries must be types marked [Toolbox]",
        "The Tools of {0} '{1}' {2}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "[Agent(Tools = ...)] and [CrewTask(Tools = ...)] list toolboxes: classes marked [Toolbox]. A crew whose tasks name anything else is not generated.");

    /// <summary>{0} who is offered which tools twice, {1} an extra way out (or nothing).</summary>
    public static readonly DiagnosticDescriptor DuplicateToolName = Create(
        "AMSHA020",
        "Two tools offered to a task have the same name",
        "{0}; a model could not tell them apart: give one another name with [Tool(Name = \"...\")]{1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A tool's name is its [Tool(Name = ...)], or its method name without an 'Async' suffix. Within a toolbox the generator keeps only the first tool of a name; a task offered two tools of one name by its agent's and its own toolboxes fails when it starts.");

    // Definition files (YAML crews, agents and tasks). Mistakes that attributes can make too keep their ids; where the
    // attribute wording would point at attribute syntax, a descriptor with the same id, title and severity words it for files.

    /// <summary>AMSHA003 in a definition file: {0} the name, {1} "tasks"/"context", {2} the crew or task.</summary>
    public static readonly DiagnosticDescriptor DefinitionNotATask = Create(
        "AMSHA003",
        "Tasks and Context entries must be types marked [CrewTask]",
        "'{0}' in the {1} of '{2}' is not a task{3}; define a task named '{0}' in a definition file or remove it from {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    /// <summary>AMSHA007 in a definition file: {0} the crew.</summary>
    public static readonly DiagnosticDescriptor DefinitionCrewWithoutTasks = Create(
        "AMSHA007",
        "Crew declares no tasks",
        "Crew '{0}' declares no tasks; list the tasks it runs under 'tasks' (or its steps under 'steps')",
        DeclarationsCategory,
        DiagnosticSeverity.Error);

    /// <summary>{0} the file, {1} what is wrong with it.</summary>
    public static readonly DiagnosticDescriptor DefinitionFileUnreadable = Create(
        "AMSHA021",
        "Definition file is invalid",
        "Definition file '{0}' is invalid: {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A file listed as AmshaDefinitions must be well-formed YAML (or JSON) in one of the layouts Amsha reads (CrewAI agents/tasks/crews maps, Python Amsha's one-agent and one-task files and job files), within the size limit, with values of the expected shape. Crews that use anything from a file with such an error are not generated.");

    /// <summary>{0} the file, {1} the key and why it is ignored.</summary>
    public static readonly DiagnosticDescriptor DefinitionKeyIgnored = Create(
        "AMSHA022",
        "Definition key is ignored",
        "In '{0}': {1}",
        DeclarationsCategory,
        DiagnosticSeverity.Warning,
        "Keys that only mean something to Python code (verbose, allow_delegation, tools naming Python functions, …) or that Amsha does not know are read past; the crew is generated without them.");

    /// <summary>{0} "input"/"output", {1} the name as written, {2} the crew or task, {3} what is wrong and what to do.</summary>
    public static readonly DiagnosticDescriptor DefinitionTypeNotFound = Create(
        "AMSHA023",
        "Type named in a definition file not found",
        "The {0} type '{1}' of {2} {3}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A crew's 'input' and a task's 'output' name C# types: by full name (Namespace.Type, nested types as Outer.Inner), by name in the crews' or the project's root namespace, or by the simple name of the only type of this project that has it. The crew is not generated until the name resolves to exactly one usable type.");

    /// <summary>{0} what is defined twice and what to do.</summary>
    public static readonly DiagnosticDescriptor DefinitionDuplicateName = Create(
        "AMSHA024",
        "Duplicate definition name",
        "{0}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "Agents, tasks and crews are found by name across all definition files, and each crew becomes a C# class named after it (research_crew → ResearchCrew): two definitions of one kind with one name, two crews whose class names are the same, or a crew whose class name is taken by another declaration, are ambiguous.");

    /// <summary>{0} the reference and what is wrong with it.</summary>
    public static readonly DiagnosticDescriptor DefinitionFileReferenceInvalid = Create(
        "AMSHA025",
        "Invalid task_file or agent_file reference",
        "{0}",
        DeclarationsCategory,
        DiagnosticSeverity.Error,
        "A step of a job file names its task and agent by file (task_file, agent_file), relative to the job file. The file must be one of the project's AmshaDefinitions, inside the job file's directory tree, and define one task (or one agent).");
}
