using Amsha.Generators.Crews;
using Amsha.Generators.Helpers;

namespace Amsha.Generators.LlmCalls;

/// <summary>What an <c>[AmshaLlmCall]</c> method returns, which picks the runtime call.</summary>
internal enum LlmCallReturnKind
{
    Text,
    Response,
    Object,
    Stream,
}

/// <summary>A piece of a prompt template: literal text, or the name of the parameter bound to a placeholder.</summary>
internal sealed record LlmTemplatePart(bool IsParameter, string Text);

/// <summary>One <c>[AmshaLlmCall]</c> method, reduced to values: everything the emitter needs and nothing else.</summary>
internal sealed record LlmCallModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string HintName,
    string MethodName,
    string Modifiers,
    string ReturnType,
    string Parameters,
    LlmCallReturnKind Kind,
    bool IsValueTask,
    string ResultType,
    string SessionExpression,
    EquatableArray<LlmTemplatePart>? System,
    EquatableArray<LlmTemplatePart>? Prompt,
    string? ConversationParameter,
    string? CancellationParameter,
    string UseCase,
    int MaxAttempts,
    double TimeoutSeconds,
    double TotalTimeoutSeconds,
    int OutputRepairs,
    string CallOptionsField);
