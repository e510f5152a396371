using Amsha.Generators.Helpers;
using Amsha.Generators.Templates;

namespace Amsha.Generators.Crews;

/// <summary>Everything the emitter needs to write one crew; plain values only, no symbols.</summary>
/// <param name="Scope">The crew's namespace and the partial types to re-declare, the crew itself last.</param>
/// <param name="Name">The crew's name, without type parameters (its constructor's name).</param>
/// <remarks><c>MemberAccessibility</c> is the keyword of the members whose signatures mention the input
/// type: never more accessible than that type, or the generated code would not compile (CS0051).</remarks>
internal sealed record CrewModel(
    DeclarationScope Scope,
    string Name,
    string FullyQualifiedName,
    string HintName,
    string? InputType,
    bool InputIsReferenceType,
    string OutputType,
    bool IsGraph,
    bool CanRegisterInContainer,
    EquatableArray<CrewTaskModel> Tasks,
    string MemberAccessibility = "public")
{
    /// <summary>The input members placeholders can name (exact names, declaration order): what a run-time overlay may use.</summary>
    public EquatableArray<string> InputMembers { get; init; } = EquatableArray<string>.Empty;

    /// <summary>True when the texts come from definition files, whose templates treat only <c>{identifier}</c> as a placeholder.</summary>
    public bool DefinitionFileTemplates { get; init; }

    /// <summary>The crew's name in its definition and events when it differs from the class name (a definition file's <c>research_crew</c> for class <c>ResearchCrew</c>); null for <see cref="Name"/>.</summary>
    public string? DefinitionName { get; init; }
}

/// <summary>A task's declaration texts as written (templates, unrendered), so run-time overlays can replace some and re-render all.</summary>
internal sealed record TaskTexts(string Role, string Goal, string Backstory, string Description, string ExpectedOutput);

/// <summary>One task of a crew, in plan order.</summary>
/// <param name="Name">The task's name (its class name).</param>
/// <param name="AgentName">The agent's name.</param>
/// <param name="Llm">The agent's use case.</param>
/// <param name="DependsOn">Plan indexes of the context tasks.</param>
/// <param name="System">The system prompt as literal and input-member parts.</param>
/// <param name="User">The user prompt (without context sections).</param>
/// <param name="OutputType">The fully qualified structured output type; null for text tasks.</param>
/// <param name="OutputRepairs">How often an answer that does not parse is asked for again.</param>
/// <param name="Toolboxes">The generated toolbox definitions (the agent's, then the task's), each once.</param>
/// <param name="MaxToolRounds">The task's own limit on rounds of tool calls; 0 for the configured one.</param>
/// <param name="ToolSources">Names of the tool sources (the agent's, then the task's), each once.</param>
internal sealed record CrewTaskModel(
    string Name,
    string AgentName,
    string Llm,
    EquatableArray<int> DependsOn,
    EquatableArray<TemplatePart> System,
    EquatableArray<TemplatePart> User,
    string? OutputType = null,
    int OutputRepairs = 0,
    EquatableArray<string> Toolboxes = default,
    int MaxToolRounds = 0,
    EquatableArray<string> ToolSources = default)
{
    /// <summary>The texts as written; null only in hand-built models of tests.</summary>
    public TaskTexts? Texts { get; init; }

    /// <summary>The name of the generated prompt builder: <c>Build{Name}Prompt</c>, made a valid, unique identifier for names from files.</summary>
    public string? PromptMethodName { get; init; }

    /// <summary>Whether a person reviews the output: <c>ReviewKind</c>'s value (1 approve, 2 edit); 0 for none.</summary>
    public int Review { get; init; }

    /// <summary>Names of the tools of <see cref="CrewTaskModel.Toolboxes"/> that need a person's approval before each call.</summary>
    public EquatableArray<string> ApprovalTools { get; init; } = EquatableArray<string>.Empty;
}
