using Amsha.Generators.Helpers;
using Amsha.Generators.Templates;

namespace Amsha.Generators.LlmCalls;

/// <summary>One <c>[AmshaLlmCall]</c> method, reduced to values: everything the emitter needs and nothing else.</summary>
/// <param name="Scope">The namespace and the partial types around the method, its own type last.</param>
/// <param name="System">The system template, or null when there is none; placeholders name parameters.</param>
/// <param name="Prompt">The prompt template, or null when there is none.</param>
internal sealed record LlmCallModel(
    DeclarationScope Scope,
    string HintName,
    string MethodName,
    string Modifiers,
    string ReturnType,
    string Parameters,
    LlmCallReturnKind Kind,
    bool IsValueTask,
    string ResultType,
    string SessionExpression,
    EquatableArray<TemplatePart>? System,
    EquatableArray<TemplatePart>? Prompt,
    string? ConversationParameter,
    string? CancellationParameter,
    string UseCase,
    int MaxAttempts,
    double TimeoutSeconds,
    double TotalTimeoutSeconds,
    int OutputRepairs,
    string CallOptionsField);
