using System;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>What an <c>[AmshaLlmCall]</c> method returns, which picks the runtime call.</summary>
internal enum LlmCallReturnKind
{
    Text,
    Response,
    Object,
    Stream,
}

/// <summary>
/// The return shapes of <c>[AmshaLlmCall]</c> methods, decided once for the LLM-call generator (which body
/// to write), the serializer generator (which results need a codec) and the AMSHA010/AMSHA012 analyzers.
/// </summary>
internal static class LlmCallReturns
{
    /// <summary>
    /// Classifies <paramref name="returnType"/>: <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> of string, ChatResponse or a
    /// data type (structured output), or <c>IAsyncEnumerable&lt;string&gt;</c>. False for every other shape.
    /// </summary>
    /// <param name="result">The <c>T</c> (the element type of a stream); null when there is none.</param>
    public static bool TryClassify(ITypeSymbol returnType, out LlmCallReturnKind kind, out bool isValueTask, out ITypeSymbol? result)
    {
        kind = LlmCallReturnKind.Text;
        isValueTask = false;
        result = null;
        if (returnType is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
        {
            return false;
        }

        var argument = named.TypeArguments[0];
        if (argument.TypeKind is TypeKind.Error or TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Dynamic)
        {
            return false;
        }

        var definition = named.OriginalDefinition.ToDisplayString();
        result = argument;
        switch (definition)
        {
            case "System.Collections.Generic.IAsyncEnumerable<T>":
                kind = LlmCallReturnKind.Stream;
                return argument.SpecialType == SpecialType.System_String;
            case "System.Threading.Tasks.Task<TResult>":
            case "System.Threading.Tasks.ValueTask<TResult>":
                isValueTask = definition.StartsWith("System.Threading.Tasks.ValueTask", StringComparison.Ordinal);
                kind = argument.SpecialType == SpecialType.System_String ? LlmCallReturnKind.Text
                    : argument.ToDisplayString() == KnownNames.ChatResponse ? LlmCallReturnKind.Response
                    : LlmCallReturnKind.Object;

                // Structured results are data (parsed through their JSON codec): not interfaces, delegates or tasks.
                return kind != LlmCallReturnKind.Object
                    || (argument.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Enum or TypeKind.Array
                        && argument.OriginalDefinition.ToDisplayString() is not ("System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>" or "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask"));
            default:
                return false;
        }
    }

    /// <summary>The <c>T</c> of a structured result (<c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>, T not string or ChatResponse), which needs a JSON codec; null otherwise.</summary>
    public static ITypeSymbol? StructuredResult(ITypeSymbol returnType) =>
        TryClassify(returnType, out var kind, out _, out var result) && kind == LlmCallReturnKind.Object ? result : null;
}
