using Amsha.Generators.Helpers;

namespace Amsha.Generators.Crews;

/// <summary>Everything the emitter needs to write one crew; plain values only, no symbols.</summary>
/// <remarks><c>MemberAccessibility</c> is the keyword of the members whose signatures mention the input
/// type: never more accessible than that type, or the generated code would not compile (CS0051).</remarks>
internal sealed record CrewModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string Name,
    string TypeParameters,
    string FullyQualifiedName,
    string HintName,
    string? InputType,
    bool InputIsReferenceType,
    string OutputType,
    bool IsGraph,
    bool CanRegisterInContainer,
    EquatableArray<CrewTaskModel> Tasks,
    string MemberAccessibility = "public");

/// <summary>A type enclosing the crew, re-declared around the generated partial.</summary>
/// <param name="Keyword">class, struct, record, record struct or interface.</param>
/// <param name="Name">The name with type parameters, e.g. <c>Outer&lt;T&gt;</c>.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>One task of a crew, in plan order.</summary>
/// <param name="Name">The task's name (its class name).</param>
/// <param name="AgentName">The agent's name.</param>
/// <param name="Llm">The agent's use case.</param>
/// <param name="DependsOn">Plan indexes of the context tasks.</param>
/// <param name="System">The system prompt as literal and input-member segments.</param>
/// <param name="User">The user prompt (without context sections).</param>
/// <param name="OutputType">The fully qualified structured output type; null for text tasks.</param>
/// <param name="OutputRepairs">How often an answer that does not parse is asked for again.</param>
internal sealed record CrewTaskModel(
    string Name,
    string AgentName,
    string Llm,
    EquatableArray<int> DependsOn,
    EquatableArray<PromptPart> System,
    EquatableArray<PromptPart> User,
    string? OutputType = null,
    int OutputRepairs = 0);

/// <summary>A literal piece of prompt text, or the input member whose value goes there.</summary>
internal sealed record PromptPart(bool IsMember, string Text);
